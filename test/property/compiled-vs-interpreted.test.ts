/**
 * Codegen against its oracle: a generated rule file is compiled, then every generated request is
 * decided by the compiled module and by a RuleSet over the reference interpreter; both must
 * agree on `allowed`, the deciding `pattern`, the presence of an `error` and the `reason.code`.
 * Also: `module.check` never throws (nor rejects), whatever the request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { print } from '../../grammar/print.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import type { Section } from '../../compiler/scope.js';
import { anyString, hostileValueArb, jsonValueArb, stripSpans } from './arbitraries.js';
import { ACCEPTABLE_SKIPS, fileArb, loaderFor, PATCH_PATHS, renderFile, scenarioArb, summary } from './rule-files.js';

const RUNS = Number(process.env.PROPERTY_RUNS) || 2000;

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
