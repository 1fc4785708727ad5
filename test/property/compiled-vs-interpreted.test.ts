/**
 * Codegen against its oracle: a generated rule file is compiled, then every generated request is
 * decided by the compiled module and by a RuleSet over the reference interpreter; both must
 * agree on `allowed`, the deciding `pattern`, the presence of an `error` and the `reason.code`.
 * Also: `module.check` never throws (nor rejects), whatever the request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import type { Expr } from '../../grammar/ast.js';
import { print } from '../../grammar/print.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import type { Section } from '../../compiler/scope.js';
import { anyString, exprArb, hostileValueArb, jsonValueArb, RECORD_NAMES, stripSpans } from './arbitraries.js';

const RUNS = Number(process.env.PROPERTY_RUNS) || 2000;

// ── rule files ──────────────────────────────────────────────────────────────────────

// '10' is an integer-like key, which deepstream orders first (a tie it loses wherever it is written).
const LITERAL_SEGMENTS = ['users', 'posts', 'a', 'b', 'user', 'x-y', '1', '10', 'cfg'] as const;
const VARIABLE_NAMES = ['$id', '$uid', '$a', '$b2', '$Post'] as const;

type Segment = { kind: 'literal'; text: string } | { kind: 'variable'; name: string } | { kind: 'wildcard' };

interface GeneratedPattern {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly variables: readonly string[];
}

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...LITERAL_SEGMENTS).map((text): Segment => ({ kind: 'literal', text })) },
  { weight: 3, arbitrary: fc.constantFrom(...VARIABLE_NAMES).map((name): Segment => ({ kind: 'variable', name })) },
  { weight: 1, arbitrary: fc.constant<Segment>({ kind: 'wildcard' }) },
);

/** `users/$id`, `posts/*`, `$a/$b2/x-y`, … ; each variable at most once. */
const patternArb: fc.Arbitrary<GeneratedPattern> = fc
  .array(segmentArb, { minLength: 1, maxLength: 3 })
  .map((segs) => {
    const seen = new Set<string>();
    const segments = segs.filter((s) => s.kind !== 'variable' || (!seen.has(s.name) && seen.add(s.name)));
    const text = segments.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'variable' ? s.name : '*')).join('/');
    return { text, segments, variables: segments.flatMap((s) => (s.kind === 'variable' ? [s.name] : [])) };
  })
  .filter((p) => p.text !== '*');

const ROOT: GeneratedPattern = { text: '*', segments: [{ kind: 'wildcard' }], variables: [] };

interface Target {
  readonly section: Section;
  readonly action: string;
  readonly identifiers: readonly string[];
}
/** record write allows `data` and `oldData`; event publish only `data`. */
const TARGETS: readonly Target[] = [
  { section: 'record', action: 'write', identifiers: ['user', 'data', 'oldData', 'now', 'name', 'action'] },
  { section: 'event', action: 'publish', identifiers: ['user', 'data', 'now', 'name', 'action'] },
];

type RuleBody = boolean | Expr;
interface GeneratedFile {
  readonly target: Target;
  readonly patterns: readonly { readonly pattern: GeneratedPattern; readonly rule: RuleBody }[];
}

function ruleFor(target: Target, pattern: GeneratedPattern): fc.Arbitrary<RuleBody> {
  const expr = exprArb({ vars: pattern.variables, identifiers: target.identifiers, maxDepth: 4, compilable: true, undeclared: ['$nope'] });
  const span = { start: 0, end: 0 };
  // Some rules are made boolean-valued, so that `allowed: true` decisions are compared too.
  const booleanRule = fc.oneof(
    expr.map((operand): Expr => ({ kind: 'unary', op: '!', operand, span })),
    fc.tuple(fc.constantFrom('===', '!==', '==', '<', '>='), expr, expr).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, span })),
  );
  return fc.oneof({ weight: 8, arbitrary: expr }, { weight: 4, arbitrary: booleanRule }, { weight: 1, arbitrary: fc.boolean() });
}

const fileArb: fc.Arbitrary<GeneratedFile> = fc
  .tuple(fc.constantFrom(...TARGETS), fc.uniqueArray(patternArb, { maxLength: 4, selector: (p) => p.text }))
  .chain(([target, extra]) => {
    const patterns = [ROOT, ...extra];
    return fc.tuple(...patterns.map((p) => ruleFor(target, p))).map((rules) => ({ target, patterns: patterns.map((pattern, i) => ({ pattern, rule: rules[i] })) }));
  });

/** A YAML double-quoted scalar that is also a JSON string, so the escaping is exact. */
const yamlString = (s: string): string => JSON.stringify(s);
const ruleText = (rule: RuleBody): string | boolean => (typeof rule === 'boolean' ? rule : print(rule));

function renderFile(file: GeneratedFile): string {
  const lines: string[] = [];
  const other: Record<Section, string> = { record: 'read', event: 'subscribe', rpc: 'request', presence: 'allow' };
  for (const section of ['record', 'event', 'rpc', 'presence'] as const) {
    lines.push(`${section}:`);
    if (section === file.target.section) {
      for (const { pattern, rule } of file.patterns) {
        const text = ruleText(rule);
        lines.push(`  ${yamlString(pattern.text)}:`);
        lines.push(`    ${file.target.action}: ${typeof text === 'boolean' ? String(text) : yamlString(text)}`);
      }
    } else {
      lines.push(`  "*":`);
      lines.push(`    ${other[section]}: true`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ── requests and records ────────────────────────────────────────────────────────────

const SEGMENT_VALUES = ['1', 'alice', 'a', 'open', 'undefined', 'x y', 'é', '__proto__', 'constructor', '0'] as const;

function instantiate(p: GeneratedPattern): fc.Arbitrary<string> {
  return fc
    .tuple(...p.segments.map((s) =>
      s.kind === 'literal'
        ? fc.constant(s.text)
        : s.kind === 'variable'
          ? fc.oneof(fc.constantFrom(...SEGMENT_VALUES), fc.string({ minLength: 1, maxLength: 4 }).filter((x) => !x.includes('/')))
          : fc.constantFrom('', 'a', 'a/b', '1/2/3', 'undefined', ...RECORD_NAMES)))
    .map((parts) => parts.join('/'));
}

function nameArb(file: GeneratedFile): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...file.patterns.map((p) => p.pattern)).chain(instantiate) },
    { weight: 2, arbitrary: fc.constantFrom(...RECORD_NAMES) },
    { weight: 1, arbitrary: anyString },
  );
}

/** Record values: JSON, or another record's name so `_(_('a'))` chains resolve. */
const recordValueArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...RECORD_NAMES) },
  { weight: 3, arbitrary: jsonValueArb({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(...RECORD_NAMES).map((n) => ({ ref: n, next: n, name: n, a: 1 })) },
);
const recordsArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...RECORD_NAMES, 'users/1', 'posts/a', 'a/b'), recordValueArb, { maxKeys: 8 });

/** Deterministic loader: `fail` throws, `rejects` rejects, `slow` answers later, unknown names are missing. */
function loaderFor(records: Record<string, unknown>, async: boolean) {
  return (n: string): unknown => {
    if (n === 'fail') throw new Error('load failed');
    if (n === 'rejects') return Promise.reject(new Error('load rejected'));
    const v = Object.prototype.hasOwnProperty.call(records, n) ? records[n] : undefined;
    return n === 'slow' || async ? Promise.resolve(v) : v;
  };
}

const PATCH_PATHS = ['a', 'a.b', 'x[0]', 'a.b[1].c', 'id', '0', '__proto__.x', 'constructor', 'a..b', '', '[0]', 'a.prototype'] as const;
const VALID_PATCH_PATHS = ['a', 'a.b', 'x[0]', 'a.b[1].c', 'id', 'role'] as const;

function requestArb(file: GeneratedFile, valueArb: fc.Arbitrary<unknown>): fc.Arbitrary<CheckRequest> {
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

interface Scenario {
  readonly file: GeneratedFile;
  readonly requests: readonly CheckRequest[];
  readonly records: Record<string, unknown>;
  readonly async: boolean;
  readonly maxRuleIterations: number | undefined;
}

const scenarioArb = (valueArb: fc.Arbitrary<unknown>, maxRequests: number): fc.Arbitrary<Scenario> =>
  fileArb.chain((file) =>
    fc.record({
      file: fc.constant(file),
      requests: fc.array(requestArb(file, valueArb), { minLength: 1, maxLength: maxRequests }),
      records: recordsArb,
      async: fc.boolean(),
      maxRuleIterations: fc.constantFrom(undefined, undefined, 0, 1, 2),
    }),
  );

const summary = (d: Decision): { allowed: boolean; pattern: string | undefined; error: boolean; code: string } => ({
  allowed: d.allowed,
  pattern: d.pattern,
  error: d.error !== undefined,
  code: d.reason.code,
});

/** Compile problems the generator may legitimately cause (a regex the translator refuses). */
const ACCEPTABLE_SKIPS = new Set(['VLV0204', 'VLV0311']);

describe('compiled rules agree with the reference interpreter', () => {
  it('same allowed / pattern / error / reason.code for generated rules × requests', async () => {
    let cases = 0;
    let skipped = 0;
    let comparisons = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(jsonValueArb({ maxDepth: 3 }), 4), async ({ file, requests, records, async, maxRuleIterations }) => {
        cases++;
        const source = renderFile(file);
        const { diagnostics, module } = compile(source, { file: 'p.yml' });
        const errors = diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0 || !module) {
          const unexpected = errors.filter((d) => !ACCEPTABLE_SKIPS.has(d.code));
          if (unexpected.length > 0 || !module) {
            throw new Error(`generated file does not compile:\n${source}\n${errors.map((d) => `${d.code} ${d.start.line}:${d.start.column} ${d.message}`).join('\n')}`);
          }
          skipped++;
          return;
        }
        // The interpreter's RuleSet takes the engine's full path for every check, the compiled
        // module its quick path where it can: the comparison covers both paths. A third RuleSet
        // runs the compiled rules down the full path: it must give the very same Decision.
        const interpreted = new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false });
        const full = new RuleSet(module.file, module.rules, { quick: false });
        const options: CheckOptions = { loadRecord: loaderFor(records, async), ...(maxRuleIterations === undefined ? {} : { maxRuleIterations }) };
        for (const request of requests) {
          const compiled = await module.check(request, options);
          const reference = await interpreted.check(request, options);
          comparisons++;
          expect(compiled, `${source}\nrequest ${JSON.stringify(request)} (quick vs full path)`).toEqual(await full.check(request, options));
          expect(summary(compiled), `${source}\nrequest ${JSON.stringify(request)}\ncompiled: ${JSON.stringify(compiled)}\ninterpreted: ${JSON.stringify(reference)}`).toEqual(summary(reference));
        }
      }),
      { numRuns: RUNS },
    );
    expect(skipped / Math.max(1, cases)).toBeLessThanOrEqual(0.02);
    expect(comparisons).toBeGreaterThanOrEqual(Math.min(RUNS, 2000));
  });

  it('rule text survives YAML rendering: the compiled program holds the generated ASTs', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const source = renderFile(file);
        const { diagnostics, module } = compile(source, { file: 'p.yml' });
        expect(diagnostics.filter((d) => d.severity === 'error'), source).toEqual([]);
        const rules = module!.program.rules.filter((r) => r.section === file.target.section);
        expect(rules.map((r) => r.pattern)).toEqual(file.patterns.map((p) => p.pattern.text));
        rules.forEach((r, i) => {
          const rule = file.patterns[i].rule;
          if (typeof rule === 'boolean') {
            expect(r.body).toEqual({ kind: 'constant', value: rule });
            return;
          }
          expect(r.body.kind).toBe('expression');
          if (r.body.kind !== 'expression') return;
          expect(r.body.text, source).toBe(print(rule));
          expect(stripSpans(r.body.expr), source).toStrictEqual(stripSpans(rule));
        });
      }),
      { numRuns: Math.max(500, Math.floor(RUNS / 4)) },
    );
  });
});

describe('module.check never throws', () => {
  const SECTIONS_ACTIONS: readonly [Section, string][] = [
    ['record', 'write'], ['record', 'read'], ['record', 'create'], ['record', 'delete'], ['record', 'listen'], ['record', 'notify'],
    ['event', 'publish'], ['event', 'subscribe'], ['event', 'listen'], ['rpc', 'request'], ['rpc', 'provide'], ['presence', 'allow'], ['record', 'unknown'],
  ];

  it('returns a Decision with a boolean `allowed` for hostile requests (own __proto__ keys, huge numbers, deep nesting)', async () => {
    let checks = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb(hostileValueArb(3), 3),
        fc.array(fc.tuple(fc.constantFrom(...SECTIONS_ACTIONS), fc.option(anyString, { nil: undefined }), hostileValueArb(2), fc.option(fc.oneof(fc.constantFrom(...PATCH_PATHS, 'length', 'a.length', 'x[4294967296]'), anyString), { nil: undefined })), { maxLength: 3 }),
        async ({ file, requests, records, async, maxRuleIterations }, extra) => {
          const { diagnostics, module } = compile(renderFile(file), { file: 'p.yml' });
          fc.pre(module !== undefined && !diagnostics.some((d) => d.severity === 'error'));
          const hostileRecords: Record<string, unknown> = JSON.parse(JSON.stringify(records)) as Record<string, unknown>;
          const all: CheckRequest[] = [
            ...requests,
            ...extra.map(([[type, action], name, value, path]): CheckRequest => ({
              type,
              action,
              name,
              data: value,
              oldData: value,
              user: { id: typeof name === 'string' ? name : 'open', data: value },
              ...(path === undefined ? {} : { patch: { path, value } }),
            })),
          ];
          for (const request of all) {
            for (const options of [{ loadRecord: loaderFor(hostileRecords, async), maxRuleIterations }, {}] as CheckOptions[]) {
              let decision: Decision;
              try {
                decision = await module!.check(request, options);
              } catch (e) {
                throw new Error(`check threw for ${JSON.stringify(request)?.slice(0, 500)}: ${e instanceof Error ? e.stack : String(e)}`);
              }
              checks++;
              expect(typeof decision.allowed).toBe('boolean');
              expect(typeof decision.reason.code).toBe('string');
              if (decision.allowed) expect(decision.error).toBeUndefined();
            }
          }
        },
      ),
      { numRuns: Math.max(300, Math.floor(RUNS / 4)) },
    );
    expect(checks).toBeGreaterThan(0);
  });
});
