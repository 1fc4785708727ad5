/**
 * Generated rule files and requests for property tests (shared by compiled-vs-interpreted and
 * the `valve fmt` properties): a file of one section's patterns, each with a generated rule, the
 * records those rules read and requests that hit the patterns.
 */
import fc from 'fast-check';
import type { Expr } from '../../grammar/ast.js';
import { print } from '../../grammar/print.js';
import type { CheckRequest, Decision } from '../../engine/check.js';
import type { Section } from '../../compiler/scope.js';
import { anyString, exprArb, jsonValueArb, RECORD_NAMES } from './arbitraries.js';

// ── rule files ──────────────────────────────────────────────────────────────────────

// '10' is an integer-like key, which deepstream orders first (a tie it loses wherever it is written).
export const LITERAL_SEGMENTS = ['users', 'posts', 'a', 'b', 'user', 'x-y', '1', '10', 'cfg'] as const;
export const VARIABLE_NAMES = ['$id', '$uid', '$a', '$b2', '$Post'] as const;

export type Segment = { kind: 'literal'; text: string } | { kind: 'variable'; name: string } | { kind: 'wildcard' };

export interface GeneratedPattern {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly variables: readonly string[];
}

export const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...LITERAL_SEGMENTS).map((text): Segment => ({ kind: 'literal', text })) },
  { weight: 3, arbitrary: fc.constantFrom(...VARIABLE_NAMES).map((name): Segment => ({ kind: 'variable', name })) },
  { weight: 1, arbitrary: fc.constant<Segment>({ kind: 'wildcard' }) },
);

/** `users/$id`, `posts/*`, `$a/$b2/x-y`, … ; each variable at most once. */
export const patternArb: fc.Arbitrary<GeneratedPattern> = fc
  .array(segmentArb, { minLength: 1, maxLength: 3 })
  .map((segs) => {
    const seen = new Set<string>();
    const segments = segs.filter((s) => s.kind !== 'variable' || (!seen.has(s.name) && seen.add(s.name)));
    const text = segments.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'variable' ? s.name : '*')).join('/');
    return { text, segments, variables: segments.flatMap((s) => (s.kind === 'variable' ? [s.name] : [])) };
  })
  .filter((p) => p.text !== '*');

export const ROOT: GeneratedPattern = { text: '*', segments: [{ kind: 'wildcard' }], variables: [] };

export interface Target {
  readonly section: Section;
  readonly action: string;
  readonly identifiers: readonly string[];
}
/** record write allows `data` and `oldData`; event publish only `data`. */
export const TARGETS: readonly Target[] = [
  { section: 'record', action: 'write', identifiers: ['user', 'data', 'oldData', 'now', 'name', 'action'] },
  { section: 'event', action: 'publish', identifiers: ['user', 'data', 'now', 'name', 'action'] },
];

export type RuleBody = boolean | Expr;
export interface GeneratedFile {
  readonly target: Target;
  readonly patterns: readonly { readonly pattern: GeneratedPattern; readonly rule: RuleBody }[];
}

export function ruleFor(target: Target, pattern: GeneratedPattern): fc.Arbitrary<RuleBody> {
  const expr = exprArb({ vars: pattern.variables, identifiers: target.identifiers, maxDepth: 4, compilable: true, undeclared: ['$nope'] });
  const span = { start: 0, end: 0 };
  // Some rules are made boolean-valued, so that `allowed: true` decisions are compared too.
  const booleanRule = fc.oneof(
    expr.map((operand): Expr => ({ kind: 'unary', op: '!', operand, span })),
    fc.tuple(fc.constantFrom('===', '!==', '==', '<', '>='), expr, expr).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, span })),
  );
  return fc.oneof({ weight: 8, arbitrary: expr }, { weight: 4, arbitrary: booleanRule }, { weight: 1, arbitrary: fc.boolean() });
}

export const fileArb: fc.Arbitrary<GeneratedFile> = fc
  .tuple(fc.constantFrom(...TARGETS), fc.uniqueArray(patternArb, { maxLength: 4, selector: (p) => p.text }))
  .chain(([target, extra]) => {
    const patterns = [ROOT, ...extra];
    return fc.tuple(...patterns.map((p) => ruleFor(target, p))).map((rules) => ({ target, patterns: patterns.map((pattern, i) => ({ pattern, rule: rules[i] })) }));
  });

/** A YAML double-quoted scalar that is also a JSON string, so the escaping is exact. */
export const yamlString = (s: string): string => JSON.stringify(s);

/** `scalar`: a rule's YAML scalar as written (default: its printed text, double-quoted). */
export function renderFile(file: GeneratedFile, scalar: (rule: Expr) => string = (rule) => yamlString(print(rule))): string {
  const lines: string[] = [];
  const other: Record<Section, string> = { record: 'read', event: 'subscribe', rpc: 'request', presence: 'allow' };
  for (const section of ['record', 'event', 'rpc', 'presence'] as const) {
    lines.push(`${section}:`);
    if (section === file.target.section) {
      for (const { pattern, rule } of file.patterns) {
        lines.push(`  ${yamlString(pattern.text)}:`);
        lines.push(`    ${file.target.action}: ${typeof rule === 'boolean' ? String(rule) : scalar(rule)}`);
      }
    } else {
      lines.push(`  "*":`);
      lines.push(`    ${other[section]}: true`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ── requests and records ────────────────────────────────────────────────────────────

export const SEGMENT_VALUES = ['1', 'alice', 'a', 'open', 'undefined', 'x y', 'é', '__proto__', 'constructor', '0'] as const;

export function instantiate(p: GeneratedPattern): fc.Arbitrary<string> {
  return fc
    .tuple(...p.segments.map((s) =>
      s.kind === 'literal'
        ? fc.constant(s.text)
        : s.kind === 'variable'
          ? fc.oneof(fc.constantFrom(...SEGMENT_VALUES), fc.string({ minLength: 1, maxLength: 4 }).filter((x) => !x.includes('/')))
          : fc.constantFrom('', 'a', 'a/b', '1/2/3', 'undefined', ...RECORD_NAMES)))
    .map((parts) => parts.join('/'));
}

export function nameArb(file: GeneratedFile): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...file.patterns.map((p) => p.pattern)).chain(instantiate) },
    { weight: 2, arbitrary: fc.constantFrom(...RECORD_NAMES) },
    { weight: 1, arbitrary: anyString },
  );
}

/** Record values: JSON, or another record's name so `_(_('a'))` chains resolve. */
export const recordValueArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...RECORD_NAMES) },
  { weight: 3, arbitrary: jsonValueArb({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(...RECORD_NAMES).map((n) => ({ ref: n, next: n, name: n, a: 1 })) },
);
export const recordsArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...RECORD_NAMES, 'users/1', 'posts/a', 'a/b'), recordValueArb, { maxKeys: 8 });

/** Deterministic loader: `fail` throws, `rejects` rejects, `slow` answers later, unknown names are missing. */
export function loaderFor(records: Record<string, unknown>, async: boolean) {
  return (n: string): unknown => {
    if (n === 'fail') throw new Error('load failed');
    if (n === 'rejects') return Promise.reject(new Error('load rejected'));
    const v = Object.prototype.hasOwnProperty.call(records, n) ? records[n] : undefined;
    return n === 'slow' || async ? Promise.resolve(v) : v;
  };
}

export const PATCH_PATHS = ['a', 'a.b', 'x[0]', 'a.b[1].c', 'id', '0', '__proto__.x', 'constructor', 'a..b', '', '[0]', 'a.prototype'] as const;
export const VALID_PATCH_PATHS = ['a', 'a.b', 'x[0]', 'a.b[1].c', 'id', 'role'] as const;

export function requestArb(file: GeneratedFile, valueArb: fc.Arbitrary<unknown>): fc.Arbitrary<CheckRequest> {
  const { section, action } = file.target;
  return fc.record(
    {
      type: fc.constant(section),
      action: fc.constant(action),
      name: nameArb(file),
      user: fc.record(
        {
          id: fc.oneof(fc.constantFrom('open', 'alice', 'u1', 'undefined', ''), anyString),
          isAuthenticated: fc.boolean(),
          data: valueArb,
        },
        { requiredKeys: ['id'] },
      ),
      data: valueArb,
      oldData: valueArb,
      patch:
        section === 'record'
          ? fc.option(fc.record({ path: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALID_PATCH_PATHS) }, { weight: 1, arbitrary: fc.constantFrom(...PATCH_PATHS) }), value: valueArb }), { nil: undefined, freq: 4 })
          : fc.constant(undefined),
      messageAction: fc.constantFrom('UPDATE', 'PATCH', 'EMIT', 'READ'),
      now: fc.integer({ min: 0, max: 2 ** 42 }),
    },
    { requiredKeys: ['type', 'action', 'now'] },
  ) as fc.Arbitrary<CheckRequest>;
}

export interface Scenario {
  readonly file: GeneratedFile;
  readonly requests: readonly CheckRequest[];
  readonly records: Record<string, unknown>;
  readonly async: boolean;
  readonly maxRuleIterations: number | undefined;
}

export const scenarioArb = (valueArb: fc.Arbitrary<unknown>, maxRequests: number): fc.Arbitrary<Scenario> =>
  fileArb.chain((file) =>
    fc.record({
      file: fc.constant(file),
      requests: fc.array(requestArb(file, valueArb), { minLength: 1, maxLength: maxRequests }),
      records: recordsArb,
      async: fc.boolean(),
      maxRuleIterations: fc.constantFrom(undefined, undefined, 0, 1, 2),
    }),
  );

export const summary = (d: Decision): { allowed: boolean; pattern: string | undefined; error: boolean; code: string } => ({
  allowed: d.allowed,
  pattern: d.pattern,
  error: d.error !== undefined,
  code: d.reason.code,
});

/** Compile problems the generator may legitimately cause (a regex the translator refuses). */
export const ACCEPTABLE_SKIPS = new Set(['VLV0204', 'VLV0311']);
