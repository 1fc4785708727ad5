/**
 * The classifier: which row of the spec's section 7 explains a difference between upstream and us.
 *
 * Decisions. A difference is explained by a row when a *counterfactual upstream* — deepstream
 * with that row's behaviour changed to ours (upstream.ts `Fixes`), everything else untouched —
 * decides as we do. Rows are tried one at a time, then in pairs and threes, and only where they
 * can apply:
 *
 * | row | applies when | counterfactual upstream |
 * | --- | --- | --- |
 * | stricter/non-boolean-result | an answer (upstream's or ours) is neither `true` nor `false` | the server reads an answer as allowed only when it is `true` |
 * | stricter/path-regex | a pattern holds regex characters (only a lone `.` loads here; other regex syntax is VLV0118) | path patterns compiled with those characters escaped |
 * | fixed/erase | the message is ERASE | ERASE checked as DELETE |
 * | fixed/path-write-as-update | the message is CREATEANDPATCH | its write checked as a PATCH (merged data) |
 * | fixed/proto-patch | the patch path has a `__proto__` / `constructor` / `prototype` key | denied |
 * | fixed/serial-references | records were loaded | iterations unbounded — and only if our rounds + 1 fit the limit (an upstream loading independent references together would have fit) |
 * | fixed/olddata-at-end | a rule's regex-detected `oldData` use differs from the AST's | `hasOldData` from our AST |
 * | fixed/keywords-in-strings | a rule's regex-detected `data` use differs from the AST's | `hasData` from our AST; text filters blind to literals |
 * | fixed/action-number | a rule reads `action` | `action` is the action's name |
 * | fixed/non-string-ref | upstream answered twice after a non-string `_()` argument, or we denied one | only the first answer counts |
 * | fixed/env-in-rules | the file holds `${` | no `${VAR}` substitution |
 *
 * Two rows are told apart before that, on the text or on ours: STRICTER 7 (stricter/inherited-members)
 * when a rule names a member every object inherits, or reads a string method without calling it
 * (`name.trim.length`); FIXED 11 (fixed/falsy-record) when the store holds a record stored as `0`,
 * `""` or `false` and *ours* with those records missing (as upstream's cache reads them) decides as
 * upstream does. The GAP rows are upstream failing to answer once: an exception escaping the rule
 * run (a patch through a `null` parent: gap/upstream-crash), or an error answer followed by an
 * allow for one patch of a missing record (gap/double-answer).
 *
 * Loading. Upstream rejects and we accept: explained by a row when upstream with that row fixed
 * accepts (path-regex, keywords-in-strings, env-in-rules, block-rule). Upstream accepts and we reject:
 * explained when every error we report is one a row names (the code table below), or when
 * upstream with the row fixed rejects too (duplicate-variable, env-in-rules). Regex syntax in a
 * pattern (VLV0118) is STRICTER 3's: a literal reading would take rules away from names.
 */
import type { Diagnostic, RulesModule } from '../../index.js';
import type { Check } from './cases.js';
import { oursDecide, type OursLoad, type OursOutcome } from './ours.js';
import type { RowId } from './rows.js';
import { parsePermissions, upstreamDecide, upstreamLoad, type Fixes, type UpstreamLoad, type UpstreamOutcome, type UsageOf } from './upstream.js';

const OLD_DATA_REGEXP = /(^|[^\w~])oldData[^\w~]/;
const DATA_REGEXP = /(^|[^\w.~])data($|[^\w~])/;
const REGEX_CHARS = /[.+?^{}()|[\]\\]|\$(?![a-zA-Z0-9])/;
const FORBIDDEN_PATH_KEY = /(^|[.[\]])(__proto__|constructor|prototype)($|[.[\]])/;

export function usageOf(module: RulesModule): UsageOf {
  return (section, pattern, action) => module.program.rules.find((r) => r.section === section && r.pattern === pattern && r.action === action)?.usage;
}

interface Context {
  readonly check: Check;
  readonly module: RulesModule;
  readonly upstream: UpstreamOutcome;
  readonly ours: OursOutcome;
}

const uses = (module: RulesModule, name: string): boolean =>
  module.program.rules.some((r) => r.body.kind === 'expression' && containsIdentifier(r.body.expr, name));

function containsIdentifier(node: unknown, name: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  const n = node as { kind?: string; name?: string; computed?: boolean; property?: unknown; object?: unknown };
  if (n.kind === 'identifier' && n.name === name) return true;
  if (n.kind === 'member' && !n.computed) return containsIdentifier(n.object, name);
  return Object.values(node).some((v) => (Array.isArray(v) ? v.some((x) => containsIdentifier(x, name)) : containsIdentifier(v, name)));
}

/** Names every object inherits from Object.prototype. */
const INHERITED = new RegExp(`\\b(${Object.getOwnPropertyNames(Object.prototype).filter((n) => /^[a-z]/i.test(n)).join('|')})\\b`);
/** A string or array method read as a value (`name.trim.length`): upstream gets the function, we deny (STRICTER 7). */
const METHOD_AS_VALUE = /\.(startsWith|endsWith|includes|indexOf|match|toUpperCase|toLowerCase|trim)\b(?!\s*\()/;
/** Records stored as a falsy value, which upstream's cache reads as missing (FIXED 11). */
const falsyRecords = (records: ReadonlyMap<string, unknown>): string[] => [...records].filter(([, v]) => v === 0 || v === '' || v === false).map(([k]) => k);

const maxRounds = (ours: OursOutcome): number => Math.max(0, ...ours.steps.map((s) => s.decision?.rounds ?? 0));

function candidates(c: Context): RowId[] {
  const { check, module, upstream } = c;
  const rows: RowId[] = [];
  // A non-boolean result upstream saw, or one ours saw where a fixed upstream would evaluate too.
  const nonBoolean = upstream.answers.some((a) => a.error === null && typeof a.result !== 'boolean') ||
    c.ours.steps.some((s) => s.decision?.reason.code === 'VLV0906' && !/yielded (true|false)$/.test(s.decision.reason.message));
  if (nonBoolean) rows.push('stricter/non-boolean-result');
  if (module.program.rules.some((r) => r.section === check.flow.section && REGEX_CHARS.test(r.pattern))) rows.push('stricter/path-regex');
  if (check.flow.message === 'ERASE') rows.push('fixed/erase');
  if (check.flow.message === 'CREATEANDPATCH') rows.push('fixed/path-write-as-update');
  if (check.message.path !== undefined && FORBIDDEN_PATH_KEY.test(check.message.path)) rows.push('fixed/proto-patch');
  // Another row's behaviour can stop upstream before it reaches its limit: any check that loaded records qualifies.
  if (upstream.logs.some((l) => String(l.message).includes('Exceeded max iteration count')) || maxRounds(c.ours) > 0) rows.push('fixed/serial-references');
  const texts = module.program.rules.flatMap((r) => (r.body.kind === 'expression' ? [{ r, text: r.body.text }] : []));
  if (texts.some(({ r, text }) => OLD_DATA_REGEXP.test(text) !== r.usage.oldData)) rows.push('fixed/olddata-at-end');
  if (texts.some(({ r, text }) => DATA_REGEXP.test(text) !== r.usage.data)) rows.push('fixed/keywords-in-strings');
  if (uses(module, 'action')) rows.push('fixed/action-number');
  const perStep = new Map<number, number>();
  for (const a of upstream.answers) perStep.set(a.step, (perStep.get(a.step) ?? 0) + 1);
  const twice = [...perStep.values()].some((n) => n > 1) && upstream.logs.some((l) => String(l.message).includes('crossreference got unsupported type'));
  if (twice || c.ours.steps.some((s) => s.decision?.reason.code === 'VLV0905')) rows.push('fixed/non-string-ref');
  if (check.text.includes('${')) rows.push('fixed/env-in-rules');
  return rows;
}

/**
 * Decides the check with the given rows fixed in upstream; undefined when the rows can not apply,
 * 'crash' when that upstream throws out of the rule run (no answer: GAP 1).
 */
async function counterfactual(c: Context, rows: readonly RowId[]): Promise<boolean | 'crash' | undefined> {
  const { check, module, ours } = c;
  if (rows.includes('fixed/proto-patch')) return false;
  const fixes: Fixes = new Set(rows);
  const max = check.max ?? 3;
  let maxRuleIterations = check.max;
  if (rows.includes('fixed/serial-references')) {
    if (maxRounds(ours) + 1 > max) return undefined;
    maxRuleIterations = 1000;
  }
  let permissions: unknown;
  try {
    permissions = parsePermissions(check.text, check.format, check.env, fixes);
  } catch {
    return undefined;
  }
  const outcome = await upstreamDecide(
    permissions,
    { records: check.records, failing: check.failing },
    { flow: check.flow, message: check.message, connection: check.connection, ...(check.now === undefined ? {} : { now: check.now }) },
    maxRuleIterations === undefined ? {} : { maxRuleIterations },
    fixes,
    usageOf(module),
  );
  return outcome.crashed.length > 0 ? 'crash' : outcome.allowed;
}

/** Subsets of `xs` of exactly `k` elements. */
function subsets<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => subsets(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

/**
 * Rows that explain a decision difference (empty: unexplained): the union of the smallest sets of
 * candidate rows (up to three together) whose counterfactual upstream decides as we do.
 */
export async function classifyDecision(c: Context): Promise<RowId[]> {
  // Differences no counterfactual upstream can show: it crashed without answering, or a rule
  // reached a property every object inherits (rules see own properties only: STRICTER 2).
  if (c.upstream.crashed.length > 0) return ['gap/upstream-crash'];
  // A patch of a missing record: an error answer, then an allow for the same step (the client was
  // refused, the write went on). Other double answers are FIXED 8's.
  const patchOfMissing = c.upstream.logs.some((l) => String(l.message).includes('apply patch to non-existant record'));
  if (!c.ours.allowed && patchOfMissing && c.upstream.answers.some((a, i) => a.error !== null && c.upstream.answers.slice(i + 1).some((b) => b.step === a.step && b.result === true))) return ['gap/double-answer'];
  const texts = c.module.program.rules.flatMap((r) => (r.body.kind === 'expression' ? [r.body.text] : []));
  if (texts.some((t) => INHERITED.test(t) || METHOD_AS_VALUE.test(t))) return ['stricter/inherited-members'];
  const falsy = falsyRecords(c.check.records);
  if (falsy.length > 0) {
    // the record still exists for the message flow (upstream's handler sees it); it loads as null
    const records = new Map([...c.check.records].map(([k, v]) => [k, falsy.includes(k) ? null : v] as const));
    const { check } = c;
    const reverted = await oursDecide(c.module, { records, failing: check.failing }, { flow: check.flow, message: check.message, connection: check.connection, ...(check.now === undefined ? {} : { now: check.now }), ...(check.max === undefined ? {} : { maxRuleIterations: check.max }) });
    if (reverted.allowed === c.upstream.allowed) return ['fixed/falsy-record'];
  }
  const rows = candidates(c);
  const target = c.ours.allowed;
  // Rows whose fixed upstream would crash instead (e.g. FIXED 2's merged data through a `null`
  // parent): explained by those rows and GAP 1 together, if nothing explains it more simply.
  const crashing: RowId[] = [];
  for (let k = 1; k <= Math.min(3, rows.length); k++) {
    const explaining: RowId[] = [];
    for (const set of subsets(rows, k)) {
      const decided = await counterfactual(c, set);
      if (decided === target) explaining.push(...set);
      else if (decided === 'crash' && crashing.length === 0) crashing.push(...set, 'gap/upstream-crash');
    }
    if (explaining.length > 0) return [...new Set(explaining)];
  }
  return crashing;
}

// ── loading ──────────────────────────────────────────────────────────────────────────

/** Our error codes that a row's "upstream accepts, we reject" covers. */
export const CODE_ROWS: Readonly<Record<string, RowId>> = {
  VLV0210: 'stricter/statements', // `true; false`
  VLV0207: 'stricter/statements', // assignment, ++ / --
  VLV0301: 'stricter/sandbox', // globals and other unknown names (Math.* / process.* are row 5, see below)
  VLV0304: 'stricter/sandbox', // calls the text filter misses: (Math.max)(1), data.f`x`
  VLV0305: 'stricter/sandbox',
  VLV0306: 'stricter/sandbox', // constructor / __proto__ / prototype
  VLV0205: 'stricter/sandbox',
  VLV0206: 'stricter/sandbox',
  VLV0208: 'stricter/forbidden-constructs', // `this`
  VLV0209: 'stricter/forbidden-constructs', // `delete`
  VLV0211: 'stricter/sandbox',
  VLV0213: 'stricter/forbidden-constructs', // `instanceof`
  VLV0219: 'stricter/legacy-octal', // `017`, `08`
  VLV0220: 'stricter/legacy-octal', // '\017' in a string
  VLV0221: 'stricter/sandbox', // `x.m?.()`, `_?.(…)`: optional calls, which upstream runs as JavaScript
  VLV0216: 'stricter/sandbox',
  VLV0309: 'stricter/forbidden-constructs', // `_` as a value
  VLV0310: 'stricter/match-pattern',
  VLV0311: 'stricter/regex-linear', // backreferences, lookbehind, the sticky flag
  VLV0110: 'stricter/duplicate-variable',
  VLV0222: 'stricter/bigint',
  VLV0223: 'stricter/spread',
  VLV0160: 'stricter/inherited-members', // `name.trim.length` (an error with a schema, a warning without)
  VLV0118: 'stricter/path-regex', // regex syntax in a path pattern, which upstream reads as a RegExp
};

const GLOBALS_OF_ROW_5 = /`(Math|process)`/;

function rowOfDiagnostic(d: Diagnostic): RowId | undefined {
  if (d.code === 'VLV0301' && GLOBALS_OF_ROW_5.test(d.message)) return 'stricter/statements';
  if (d.code === 'VLV0301' && d.message.startsWith('`arguments`')) return 'stricter/forbidden-constructs';
  if (d.code === 'VLV0312' && /`match`/.test(d.message)) return 'stricter/match-pattern';
  return CODE_ROWS[d.code];
}

/** Rows that explain a load difference (empty: unexplained). */
export function classifyLoad(text: string, format: 'yml' | 'json', env: Readonly<Record<string, string>> | undefined, up: UpstreamLoad, ours: OursLoad): RowId[] {
  if (!up.accepted && ours.accepted) {
    const rows: RowId[] = ['stricter/path-regex', 'fixed/keywords-in-strings', 'fixed/env-in-rules', 'fixed/block-rule'];
    const single = rows.filter((r) => upstreamLoad(text, format, env, new Set([r])).accepted);
    if (single.length > 0) return single;
    return upstreamLoad(text, format, env, new Set(rows)).accepted ? rows.filter((r) => r !== 'fixed/env-in-rules' || text.includes('${')) : [];
  }
  if (up.accepted && !ours.accepted) {
    const errors = ours.diagnostics.filter((d) => d.severity === 'error');
    const byCode = errors.map(rowOfDiagnostic);
    if (errors.length > 0 && byCode.every((r) => r !== undefined)) return [...new Set(byCode as RowId[])];
    const rows: RowId[] = ['stricter/duplicate-variable', 'fixed/env-in-rules'];
    return rows.filter((r) => !upstreamLoad(text, format, env, new Set([r])).accepted);
  }
  return [];
}
