/**
 * The deliberate differences of the spec's section 7 (/work/shared/valve-spec.md), one id per
 * row, numbered within their mark (STRICTER 1–10, FIXED 1–11) in the order of the spec's table.
 * A conformance case that shows a difference must carry the id of the row it falls under.
 */
export const ROWS = {
  'stricter/non-boolean-result': { mark: 'STRICTER', row: 1, upstream: 'non-boolean falsy results (`undefined`, `0`, `""`, `null`) allow over WebSocket', us: 'only `true` allows' },
  'stricter/sandbox': { mark: 'STRICTER', row: 2, upstream: 'rules run with `new Function`, Node globals in reach, regex text filter bypassable', us: 'whitelisted AST, no globals, no mutation' },
  'stricter/path-regex': { mark: 'STRICTER', row: 3, upstream: 'regex characters in path patterns are live', us: 'regex syntax is a load error with a hint (`postits/.*` → `postits/*`); a lone `.` is literal, with a warning' },
  'stricter/match-pattern': { mark: 'STRICTER', row: 4, upstream: '`match` accepts a pattern from data (ReDoS)', us: 'pattern must be a literal; linear-time matching' },
  'stricter/statements': { mark: 'STRICTER', row: 5, upstream: '`true; false`, assignments, `Math.*`, `process.*` accepted', us: 'compile errors' },
  'stricter/duplicate-variable': { mark: 'STRICTER', row: 6, upstream: 'the same `$variable` twice in a pattern: last capture wins', us: 'load error' },
  'stricter/inherited-members': { mark: 'STRICTER', row: 7, upstream: 'rules reach inherited members: `\'toString\' in data`, `data[\'valueOf\']`, `name.trim.length`', us: 'own data properties only; a method can only be called' },
  'stricter/legacy-octal': { mark: 'STRICTER', row: 8, upstream: 'legacy octal literals (`017` is 15 in sloppy mode)', us: 'compile error, hint `15` or `0o17`' },
  'stricter/forbidden-constructs': { mark: 'STRICTER', row: 9, upstream: '`instanceof`, `delete`, `arguments`, `this`, `_` without a call', us: 'compile errors' },
  'stricter/regex-linear': { mark: 'STRICTER', row: 10, upstream: 'backreferences, lookbehind, the sticky flag in rule regexes', us: 'compile errors (linear-time matching)' },
  'fixed/erase': { mark: 'FIXED', row: 1, upstream: 'erase of a path unchecked (7.x)', us: 'checked as `delete` (as upstream 9.1.3+)' },
  'fixed/path-write-as-update': { mark: 'FIXED', row: 2, upstream: 'path-write sent as update: `data` is the raw value', us: '`data` is the merged record' },
  'fixed/proto-patch': { mark: 'FIXED', row: 3, upstream: '`__proto__` patch path pollutes the process', us: 'refused, deny with error' },
  'fixed/serial-references': { mark: 'FIXED', row: 4, upstream: 'serial references exceed `maxRuleIterations`', us: 'independent references load in one round' },
  'fixed/olddata-at-end': { mark: 'FIXED', row: 5, upstream: '`oldData` at the very end of a rule is not loaded', us: 'detected from the AST' },
  'fixed/keywords-in-strings': { mark: 'FIXED', row: 6, upstream: 'keyword and `data` detection inside strings', us: 'AST-based' },
  'fixed/action-number': { mark: 'FIXED', row: 7, upstream: '`action` is a protocol number', us: '`action` is the action\'s name' },
  'fixed/non-string-ref': { mark: 'FIXED', row: 8, upstream: 'non-string `_()` argument can answer twice', us: 'one answer: deny with error' },
  'fixed/invalid-file': { mark: 'FIXED', row: 9, upstream: 'invalid file: server runs, every check throws', us: 'refuse to start / keep last good' },
  'fixed/env-in-rules': { mark: 'FIXED', row: 10, upstream: '`${VAR}` substituted inside rules', us: 'only with `substituteEnv`, never inside rules' },
  'fixed/falsy-record': { mark: 'FIXED', row: 11, upstream: 'a record stored as `0`, `""` or `false` reads as missing in `_()`', us: 'it reads as its value' },
  // Rows proposed with issue 19's constructs (numbered after the spec's STRICTER 1–10 and FIXED 1–11).
  'stricter/bigint': { mark: 'STRICTER', row: 11, upstream: 'BigInt literals (`1n`) load and run', us: 'compile error: BigInt arithmetic has no bound on time or memory (`2n ** 10n ** 9n`), and no stored value is a BigInt' },
  'stricter/spread': { mark: 'STRICTER', row: 12, upstream: 'spread `...` in arrays, calls and object literals', us: 'compile error: each copies a whole value per check, with no bound the rule sets on memory' },
  'fixed/block-rule': { mark: 'FIXED', row: 12, upstream: 'a rule starting with `{` is validated as a block of statements (`{a: 1}.a` refused) though it runs as an expression', us: 'read as the expression it runs as' },
  // Not a row of section 7: where upstream has no answer at all we can not agree with it.
  'gap/upstream-crash': { mark: 'GAP', row: 1, upstream: 'an exception inside the rule run is uncaught: no answer, and the server process exits', us: 'a decision (the patch creates the missing parent)' },
  // Not a row of section 7 either: upstream answers one message twice, an error and then the rule's result.
  'gap/double-answer': { mark: 'GAP', row: 2, upstream: 'a patch of a missing record under a rule that reads `data`: an error reply, then the rule runs anyway and its allow forwards the write', us: 'one answer: deny with the error (what the client is told)' },
} as const;

export type RowId = keyof typeof ROWS;
export const ROW_IDS = Object.keys(ROWS) as RowId[];
export const isRowId = (s: unknown): s is RowId => typeof s === 'string' && Object.prototype.hasOwnProperty.call(ROWS, s);
export const rowLabel = (id: RowId): string => `${ROWS[id].mark} ${ROWS[id].row} (${id})`;
