/**
 * THE catalogue: every diagnostic code, declared once, with its severity, a one-line
 * explanation and its message. Codes never change meaning; a retired code is never reused.
 *
 * Ranges: 00xx file and YAML · 01xx file structure and path patterns · 02xx rule syntax ·
 * 03xx names, calls and scope · 04xx lints · 05xx types · 06xx the schema file · 07xx limits ·
 * 09xx evaluation (reasons a request was denied).
 */
import type { Severity } from './diagnostic.js';

interface Entry<P> {
  readonly severity: Severity;
  /** One line for the catalogue (`valve explain CODE`, README). */
  readonly summary: string;
  readonly message: (p: P) => string;
}

const def = <P = Record<string, never>>(severity: Severity, summary: string, message: (p: P) => string): Entry<P> => ({
  severity,
  summary,
  message,
});

const list = (names: readonly string[]): string => names.join(', ');

export const MESSAGES = {
  // ── 00xx: the file as YAML / JSON ────────────────────────────────────────────────
  VLV0001: def<{ detail: string; format: 'YAML' | 'JSON' }>('error', 'the file is not valid YAML or JSON', (p) => `the file is not valid ${p.format}: ${p.detail}`),
  VLV0002: def<{ key: string }>('error', 'a key appears twice in the same mapping', (p) => `\`${p.key}\` is defined twice in the same mapping`),
  VLV0003: def('error', 'YAML aliases expand too much (a "billion laughs" file)', () => 'YAML aliases expand to too many nodes'),
  VLV0004: def<{ tag: string }>('error', 'custom YAML tags are not allowed', (p) => `the YAML tag \`${p.tag}\` is not allowed in a permissions file`),
  VLV0005: def('error', 'the file is empty', () => 'the permissions file is empty'),
  VLV0006: def<{ what: string }>('error', 'the file holds more than one YAML document', (p) => `the permissions file must hold one YAML document, found ${p.what}`),

  // ── 01xx: file structure and path patterns ───────────────────────────────────────
  VLV0101: def<{ section: string }>('error', 'a required section is missing', (p) => `section \`${p.section}\` is missing`),
  VLV0102: def<{ section: string; known: readonly string[] }>('error', 'a section name is not one of record, event, rpc, presence', (p) => `unknown section \`${p.section}\`; the sections are ${list(p.known)}`),
  VLV0103: def<{ section: string }>('error', 'a section has no patterns', (p) => `section \`${p.section}\` is empty; it needs at least the root pattern "*"`),
  VLV0104: def<{ section: string }>('error', 'a section lacks the root pattern "*"', (p) => `section \`${p.section}\` has no root pattern "*"`),
  VLV0105: def<{ action: string; section: string; known: readonly string[] }>('error', 'an action is not valid for its section', (p) => `\`${p.action}\` is not an action of section \`${p.section}\`; its actions are ${list(p.known)}`),
  VLV0106: def<{ found: string }>('error', 'a rule is neither a boolean nor a string', (p) => `a rule must be true, false or a string holding an expression, not ${p.found}`),
  VLV0107: def('error', 'a rule string is empty', () => 'a rule can not be empty'),
  VLV0108: def<{ reason: string }>('error', 'a path pattern is malformed', (p) => `invalid path pattern: ${p.reason}`),
  VLV0109: def<{ text: string }>('error', 'a `$` in a path pattern is not followed by a letter or digit', (p) => `invalid variable name \`${p.text}\`: a variable is \`$\` followed by letters and digits`),
  VLV0110: def<{ name: string }>('error', 'the same `$variable` appears twice in one pattern', (p) => `variable \`${p.name}\` appears twice in this pattern`),
  VLV0111: def<{ what: string; found: string }>('error', 'a mapping was expected', (p) => `${p.what} must be a mapping, not ${p.found}`),
  VLV0112: def<{ chars: string; count: number }>('warning', 'a path pattern contains regular-expression characters, which match literally', (p) => `${p.chars} in a path pattern ${p.count === 1 ? 'matches only itself' : 'match only themselves'} here (deepstream treated ${p.count === 1 ? 'it' : 'them'} as regular-expression syntax)`),
  VLV0113: def('warning', 'a pattern defines no actions', () => 'this pattern defines no actions, so it never applies'),
  VLV0115: def('warning', 'a rule of only white space', () => 'this rule is only white space: it yields `undefined` and denies every request'),
  VLV0116: def('warning', 'a `$` at the end of a path pattern', () => 'a `$` at the end of a pattern matches nothing (deepstream reads it as "end of the name"); remove it'),
  VLV0117: def<{ name: string }>('error', 'a `${NAME}` in a path pattern names an unset environment variable (substituteEnv)', (p) => `environment variable \`${p.name}\` is not set, so the pattern can not be completed`),
  VLV0118: def<{ text: string; meaning: string }>('error', 'a path pattern uses regular-expression syntax, which deepstream reads as a regular expression', (p) => `\`${p.text}\` in a path pattern is regular-expression syntax: deepstream reads it as ${p.meaning}; a Valve pattern has no such syntax`),
  VLV0119: def<{ action: string; pattern: string; by: string }>('warning', 'a rule that never decides: deepstream orders integer-like keys such as "10" first, so an equally long pattern wins the tie', (p) => `this \`${p.action}\` rule never decides: deepstream orders the integer-like key \`${p.pattern}\` before all other keys, so \`${p.by}\`, as long and also matching \`${p.pattern}\`, wins the tie although it comes earlier in the file`),
  VLV0120: def<{ text: string }>('warning', 'a path pattern holds a bracket or brace that matches only itself, in deepstream too', (p) => `\`${p.text}\` in a path pattern matches only itself (deepstream's regular expression reads it as text too)`),
  VLV0160: def<{ method: string; what: string }>('error', 'a string or array method read without calling it', (p) => `\`${p.what}.${p.method}\` is a method, which a rule can only call: read as a value it is undefined here (deepstream reads the function)`),
  VLV0114: def<{ pattern: string; found: string }>('warning', 'the rules of a pattern are not a mapping, so it defines no actions', (p) => `the rules of pattern \`${p.pattern}\` must be a mapping of actions to rules, not ${p.found}; it never applies`),

  // ── 02xx: rule syntax ────────────────────────────────────────────────────────────
  VLV0201: def<{ detail: string }>('error', 'the rule is not a valid expression', (p) => p.detail),
  VLV0202: def('error', 'a string is not closed', () => 'this string is not closed'),
  VLV0203: def<{ char: string }>('error', 'a character that has no meaning in a rule', (p) => `unexpected character \`${p.char}\``),
  VLV0204: def<{ detail: string }>('error', 'a regular expression literal is invalid', (p) => `invalid regular expression: ${p.detail}`),
  VLV0205: def('error', '`new` is not allowed', () => '`new` is not allowed in a rule'),
  VLV0206: def('error', 'functions and arrow functions are not allowed', () => 'functions can not be defined in a rule'),
  VLV0207: def<{ op: string }>('error', 'assignment and increment are not allowed', (p) => `\`${p.op}\` changes a value; rules can only read`),
  VLV0208: def('error', '`this` is not allowed', () => '`this` is not available in a rule'),
  VLV0209: def<{ op: string }>('error', '`delete` is not allowed', (p) => `\`${p.op}\` is not allowed in a rule`),
  VLV0210: def('error', 'a rule holds more than one expression', () => 'a rule is one expression; `;` and `,` can not join several'),
  VLV0211: def('error', 'tagged templates are not allowed', () => 'a template string can not be called as a function (tagged template)'),
  // VLV0212 is retired: object literals are part of the language (methods, accessors and spread in them are still refused).
  VLV0213: def<{ op: string }>('error', 'an operator outside the rule language', (p) => `the operator \`${p.op}\` is not supported in rules`),
  VLV0214: def('error', 'a template string or regular expression is not closed', () => 'this template string or regular expression is not closed'),
  VLV0215: def<{ text: string }>('error', 'a number literal is malformed', (p) => `\`${p.text}\` is not a valid number`),
  VLV0216: def<{ word: string }>('error', 'a JavaScript keyword outside the rule language', (p) => `\`${p.word}\` is not supported in rules`),
  VLV0217: def<{ text: string }>('error', 'a string escape is malformed', (p) => `\`${p.text}\` is not a valid escape sequence`),
  VLV0218: def<{ text: string }>('error', 'a string escape names a code point above U+10FFFF', (p) => `\`${p.text}\` is above U+10FFFF, the largest code point`),
  VLV0219: def<{ text: string }>('error', 'a number literal has a leading zero', (p) => `\`${p.text}\` starts with a leading zero, which JavaScript's strict mode refuses`),
  VLV0220: def<{ text: string }>('error', 'a legacy octal escape in a string', (p) => `\`${p.text}\` is a legacy escape, which JavaScript's strict mode refuses`),
  VLV0221: def('error', 'an optional call `?.()` is not supported', () => 'optional calls (`?.(…)`) are not supported in rules'),
  VLV0222: def<{ text: string }>('error', 'a BigInt literal', (p) => `\`${p.text}\` is a BigInt, which rules do not support: BigInt arithmetic has no bound on time or memory, and no stored value is one`),
  VLV0223: def('error', 'spread `...` is not supported', () => 'spread (`...`) is not supported in rules: it copies a whole value, with no bound the rule sets on time or memory'),

  // ── 03xx: names, calls and scope ─────────────────────────────────────────────────
  VLV0301: def<{ name: string; available: readonly string[] }>('error', 'a name that does not exist in rules', (p) => `\`${p.name}\` is not available in a rule; available here: ${list(p.available)}`),
  VLV0302: def<{ action: string; section: string }>('error', '`data` is used where the action carries no data', (p) => `\`data\` is not available in \`${p.section}\` \`${p.action}\` rules: this action carries no incoming data`),
  VLV0303: def<{ action: string; section: string }>('error', '`oldData` is used where there is no stored record', (p) => `\`oldData\` is not available in \`${p.section}\` \`${p.action}\` rules: only record read, write and delete have a stored value`),
  VLV0304: def<{ callee: string }>('error', 'a call to something other than `_()` or an allowed method', (p) => `${p.callee} can not be called in a rule; only \`_()\` and the string and array methods listed in the docs can`),
  VLV0305: def<{ method: string; allowed: readonly string[] }>('error', 'a method that is not allowed', (p) => `the method \`${p.method}\` is not allowed in rules; allowed methods: ${list(p.allowed)}`),
  VLV0306: def<{ name: string }>('error', 'a property name that reaches into JavaScript internals', (p) => `the property \`${p.name}\` can not be read in a rule`),
  // VLV0307 is retired: such a `$variable` is now warning VLV0313 (the file loads, and reading it denies, as upstream throws).
  VLV0308: def<{ count: number }>('warning', '`_()` takes exactly one argument', (p) => `\`_()\` takes exactly one argument (a record name), got ${p.count}`),
  VLV0309: def('error', '`_` used other than as a call', () => '`_` only exists as a call: `_(recordName)`'),
  VLV0310: def('error', '`match` needs a literal regular expression', () => '`match` needs a regular expression literal (or a string literal) as its argument'),
  VLV0311: def<{ feature: string }>('error', 'a regular expression feature that can not run in linear time', (p) => `${p.feature} is not supported in rule regular expressions (they run on a linear-time engine)`),
  VLV0312: def<{ method: string; min: number; max: number; count: number }>('warning', 'a method called with the wrong number of arguments', (p) => `\`${p.method}\` takes ${p.min === p.max ? p.min : `${p.min} to ${p.max}`} argument${p.max === 1 ? '' : 's'}, got ${p.count}`),
  VLV0313: def<{ name: string; pattern: string; declared: readonly string[] }>('warning', 'a `$variable` that the pattern does not declare; reading it denies', (p) => `\`${p.name}\` is not a variable of pattern \`${p.pattern}\`${p.declared.length ? ` (its variables are ${list(p.declared)})` : ', which declares none'}; a check that reads it denies with an error`),
  VLV0314: def<{ pattern: string; detail: string }>('warning', '`match` with a string that is not a valid regular expression; the call denies', (p) => `${p.pattern} is not a valid regular expression (${p.detail}); a check that calls this \`match\` denies with an error`),

  // ── 04xx: lints ──────────────────────────────────────────────────────────────────
  VLV0401: def<{ what: string }>('warning', 'a rule that can never evaluate to `true` or `false`', (p) => `this rule yields ${p.what}, not a boolean; only \`true\` allows a request`),
  VLV0402: def<{ op: string; strict: string }>('warning', 'loose equality converts types before comparing', (p) => `\`${p.op}\` converts types before comparing; use \`${p.strict}\``),

  VLV0403: def<{ value: string }>('warning', 'a rule whose result never depends on the request', (p) => `this rule is always ${p.value}`),
  VLV0404: def<{ action: string; pattern: string; by: string }>('warning', 'a rule that can never decide, because a more specific pattern always wins', (p) => `this \`${p.action}\` rule never decides: every name \`${p.pattern}\` matches is matched by \`${p.by}\`, which also defines \`${p.action}\``),
  VLV0405: def<{ pattern: string }>('warning', 'a pattern that never decides anything', (p) => `pattern \`${p.pattern}\` never decides anything: for each of its actions a more specific pattern always wins`),
  VLV0406: def<{ name: string }>('info', 'a `$variable` no rule of its pattern uses', (p) => `\`${p.name}\` is not used by any rule of this pattern (it still matches exactly one segment)`),
  VLV0407: def<{ name: string }>('info', '`_()` names a record that no record pattern describes', (p) => `no record pattern other than "*" matches \`${p.name}\`; is the name right?`),
  VLV0408: def<{ action: string }>('info', 'the root pattern allows every write or delete while other rules restrict', (p) => `\`${p.action}: true\` on "*" lets anyone ${p.action} every record no other pattern covers, while other record rules are restrictive`),
  VLV0409: def<{ part?: string; what?: string }>('warning', 'a rule that can never yield exactly `true`, so it never allows', (p) => `this rule never allows: it can never yield \`true\`${p.part ? `; \`${p.part}\` yields ${p.what}` : ''}`),
  VLV0410: def<{ part: string; what: string }>('warning', 'a part of a rule that can yield a truthy value other than `true`, which denies where deepstream allows', (p) => `\`${p.part}\` can yield ${p.what} as the rule's result; only \`true\` allows, so there this rule denies where deepstream allows`),

  // ── 05xx: types (with or without a schema) ──────────────────────────────────────
  VLV0501: def<{ prop: string; what: string; known: readonly string[] }>('error', 'a property that a closed object type does not have', (p) => `\`${p.what}\` has no property \`${p.prop}\`; its properties are ${list(p.known)}`),
  VLV0502: def<{ prop: string; what: string; known: readonly string[] }>('warning', 'a property the schema does not list', (p) => `\`${p.prop}\` is not among the properties the schema lists for \`${p.what}\` (${list(p.known)})`),
  VLV0503: def<{ method: string; on: string; what: string; type: string }>('error', 'a method called on a value of the wrong type', (p) => `\`${p.method}\` is ${p.on} method, but \`${p.what}\` is ${p.type}`),
  VLV0504: def<{ what: string; type: string }>('warning', 'a property read on a value that may be null, without a guard', (p) => `\`${p.what}\` may be ${p.type}; reading a property of it then denies with an error`),
  VLV0505: def<{ op: string; what: string; type: string }>('error', 'arithmetic on a value that is not a number', (p) => `\`${p.op}\` needs numbers, but \`${p.what}\` is ${p.type}`),
  VLV0506: def<{ left: string; right: string; op: string }>('error', 'a comparison between types that can never be equal', (p) => `this \`${p.op}\` compares ${p.left} with ${p.right}, which are never equal`),
  VLV0507: def<{ value: string; allowed: string }>('error', 'a comparison with a value outside an enum', (p) => `${p.value} is not one of ${p.allowed}`),
  VLV0508: def<{ left: string; right: string }>('warning', 'an ordering comparison between a string and a number', (p) => `this compares ${p.left} with ${p.right}; JavaScript converts one of them first`),
  VLV0509: def<{ prop: string; what: string; type: string }>('error', 'a property read on a value that has no properties', (p) => `\`${p.what}\` is ${p.type}, which has no property \`${p.prop}\``),

  // ── 06xx: the schema file ───────────────────────────────────────────────────────
  VLV0601: def<{ detail: string }>('error', 'the schema file is not shaped as user / record / event / rpc', (p) => p.detail),
  VLV0602: def<{ detail: string }>('error', 'a schema is not valid', (p) => `invalid schema: ${p.detail}`),
  VLV0603: def<{ ref: string }>('error', 'a `$ref` that does not point into the schema file', (p) => `\`$ref\` \`${p.ref}\` does not point to a definition in this file`),
  VLV0604: def<{ keywords: readonly string[] }>('info', 'schema keywords the checker ignores', (p) => `the type checker ignores ${list(p.keywords.map((k) => `\`${k}\``))}`),

  // ── 07xx: limits (compile time; the run-time ones are 09xx reasons) ─────────────
  // `bytes`: only a prefix was read (the CLI stops reading a huge file), so `size` is a lower bound.
  VLV0701: def<{ size: number; max: number; bytes?: number }>('error', 'the file is larger than the compiler reads (maxFileSize)', (p) =>
    p.bytes === undefined ? `the permissions file has ${p.size} characters, more than the limit of ${p.max} (maxFileSize)` : `the permissions file has at least ${p.size} characters (${p.bytes} bytes), more than the limit of ${p.max} (maxFileSize)`),
  VLV0702: def<{ max: number }>('error', 'YAML collections nest more deeply than the limit (maxYamlDepth)', (p) => `mappings and lists nest more than ${p.max} deep here (maxYamlDepth)`),
  VLV0703: def<{ length: number; max: number }>('error', 'a rule is longer than the limit (maxRuleLength)', (p) => `this rule has ${p.length} characters, more than the limit of ${p.max} (maxRuleLength)`),
  VLV0704: def<{ max: number }>('error', 'brackets nest more deeply than the limit (maxNestingDepth)', (p) => `brackets, braces and template substitutions nest more than ${p.max} deep here (maxNestingDepth)`),
  VLV0705: def<{ max: number }>('error', 'an expression nests more deeply than the limit (maxExpressionDepth)', (p) => `this expression nests operators, calls and property reads more than ${p.max} deep (maxExpressionDepth)`),
  VLV0706: def<{ size: number; max: number; atLeast?: boolean }>('error', 'a regular expression is larger than the limit (maxRegexSize)', (p) => `this regular expression compiles to ${p.atLeast ? 'at least ' : ''}${p.size} instructions, more than the limit of ${p.max} (maxRegexSize); matching time grows with its size`),

  // ── 09xx: evaluation (reasons attached to a denied decision) ─────────────────────
  VLV0901: def<{ detail: string }>('error', 'the rule failed while evaluating; the request is denied', (p) => `rule failed: ${p.detail}`),
  VLV0902: def<{ section: string; action: string; name: string }>('info', 'no pattern defines the action for this name; the request is denied', (p) => `no \`${p.section}\` pattern defines \`${p.action}\` for \`${p.name}\``),
  VLV0903: def<{ max: number; rule: string }>('error', 'cross-references needed more rounds than allowed', (p) => `the rule ${p.rule} needed more than ${p.max} rounds of record loads (maxRuleIterations)`),
  VLV0904: def<{ name: string; detail: string }>('error', 'a record needed by `_()` or `oldData` failed to load', (p) => `loading record \`${p.name}\` failed: ${p.detail}`),
  VLV0905: def<{ found: string }>('error', '`_()` was given something other than a string', (p) => `\`_()\` needs a record name string, got ${p.found}`),
  VLV0906: def<{ found: string }>('info', 'the rule yielded something other than `true`', (p) => `the rule yielded ${p.found}`),
  // VLV0907 is retired: a patch of a missing record now merges into an empty record, as deepstream does.
  VLV0908: def<{ path: string }>('error', 'a patch path is malformed or reaches into JavaScript internals', (p) => `invalid patch path \`${p.path}\``),
  VLV0909: def<{ count: number; max: number }>('error', 'a check referenced more records than allowed (maxReferences)', (p) => `the rule referenced ${p.count} records with \`_()\`, more than the limit of ${p.max} (maxReferences)`),
  VLV0910: def<{ what: string; max: number }>('error', 'a value is larger than a check considers (maxRecordSize)', (p) => `${p.what} is larger than the limit of ${p.max} (maxRecordSize); it was not read`),
  VLV0911: def<{ length: number; regex: string; max: number }>('error', 'a `match` would do more work than allowed (maxRegexWork)', (p) => `\`match\` with ${p.regex} on ${p.length} characters would do more work than the limit of ${p.max} (maxRegexWork)`),
  VLV0912: def<{ what: string; max: number }>('error', 'a record value or patch path nests more deeply than a write may store (maxDepth)', (p) => `${p.what} nests more than ${p.max} levels deep (maxDepth); the server could not serialise it`),
  VLV0913: def<{ detail: string }>('error', 'the request itself is malformed (a caller of the API passed a wrong shape)', (p) => `invalid request: ${p.detail}`),
  VLV0914: def<{ what: string; why: string }>('error', 'an input can not be read as data: it contains itself or is a Proxy', (p) => `${p.what} can not be read: ${p.why}`),
} as const;

export type Code = keyof typeof MESSAGES;
export type MessageParams<C extends Code> = Parameters<(typeof MESSAGES)[C]['message']>[0];

export const CODES = Object.keys(MESSAGES) as Code[];
