/**
 * The escape corpus (corpus.ts) against our compiler and runtime, with canaries armed, and against
 * upstream's validator (documented differences). Upstream's compiled functions only ever run in a
 * child process (upstream-run.cjs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../../engine/rules-module.js';
import { RuleSet, type CheckRequest, type Decision } from '../../../engine/check.js';
import { interpretedRules } from '../../../tooling/interpret.js';
import { Canary, permissionsFile, prototypesSnapshot, upstreamAccepts, UPSTREAM_RULE_PARSER, type Section } from '../helpers.js';
import { ESCAPES, type Escape } from './corpus.js';

const canary = new Canary();
const prototypes = prototypesSnapshot();
beforeEach(() => canary.arm());
afterEach(() => {
  expect(canary.fired(), 'a canary fired: foreign code ran').toEqual([]);
  expect(prototypesSnapshot(), 'a built-in prototype changed').toEqual(prototypes);
});
afterAll(() => canary.disarm());

const sectionOf = (e: Escape): Section => e.section ?? 'record';
const actionOf = (e: Escape): string => e.action ?? 'write';
/** The rule text with the canary payload and file path filled in. */
const ruleOf = (e: Escape): string => e.rule.replaceAll('@@CODE@@', canary.code(e.canary ?? 'flag')).replaceAll('@@FILE@@', JSON.stringify(canary.file));

function requestFor(e: Escape): { request: CheckRequest; records: Readonly<Record<string, unknown>> } {
  const hostile = e.request?.(canary.trip) ?? {};
  const request: CheckRequest = {
    type: sectionOf(e),
    action: actionOf(e),
    name: hostile.name ?? 'r/x',
    user: { id: 'mallory', data: hostile.userData ?? null },
    data: 'data' in hostile ? hostile.data : { x: 1 },
    oldData: 'oldData' in hostile ? hostile.oldData : { x: 1 },
  };
  return { request, records: hostile.records ?? {} };
}

describe('the escape corpus', () => {
  it('has at least 50 rules, unique ids, every category, and both outcomes', () => {
    expect(ESCAPES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(ESCAPES.map((e) => e.id)).size).toBe(ESCAPES.length);
    expect(new Set(ESCAPES.map((e) => e.category)).size).toBe(8);
    expect(ESCAPES.some((e) => e.ours === 'deny') && ESCAPES.some((e) => e.ours === 'reject')).toBe(true);
  });
});

describe('SECURITY.md', () => {
  it('states the corpus numbers per class, as the corpus records them', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../SECURITY.md', import.meta.url)), 'utf8');
    for (const category of new Set(ESCAPES.map((e) => e.category))) {
      const es = ESCAPES.filter((e) => e.category === category);
      const count = (f: (e: Escape) => boolean): number => es.filter(f).length;
      const row = `| ${category} | ${es.length} | ${count((e) => e.upstream === 'accepts')} | ${count((e) => e.upstreamRuns === true)} | ${count((e) => e.ours === 'reject')} | ${count((e) => e.ours === 'deny')} |`;
      expect(doc).toContain(row);
    }
    expect(doc).toContain(`${ESCAPES.length} rules drawn from`);
    expect(doc).toContain(`Upstream ran ${ESCAPES.filter((e) => e.upstreamRuns === true).length} payloads`);
  });
});

describe.each(ESCAPES.map((e) => [e.id, e] as const))('%s', (_id, e) => {
  it(`${e.ours === 'reject' ? 'is rejected by our compiler' : 'compiles and denies'}: ${e.note}`, async () => {
    const text = permissionsFile(ruleOf(e), { section: sectionOf(e), action: actionOf(e), pattern: e.pattern });
    const { diagnostics, module } = compile(text);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (e.ours === 'reject') {
      expect(module).toBeUndefined();
      expect(errors.length).toBeGreaterThan(0);
      if (e.code) expect(errors.map((d) => d.code)).toContain(e.code);
      // Every error points into the rule (line 3 or 5: the rule line of the file).
      for (const d of errors) expect(d.start.line).toBeGreaterThanOrEqual(3);
      return;
    }
    expect(errors).toEqual([]);
    expect(module).toBeDefined();
    const { request, records } = requestFor(e);
    const loadRecord = (name: string): unknown => (Object.prototype.hasOwnProperty.call(records, name) ? records[name] : null);
    const compiled = (await module!.check(request, { loadRecord })) as Decision;
    expect(compiled.allowed, compiled.reason.message).toBe(false);
    if (e.deniedWith) expect(compiled.error).toMatch(e.deniedWith);
    // The reference interpreter runs the same checked rule with the same stdlib.
    const interpreted = (await new RuleSet(module!.file, interpretedRules(module!.program.rules)).check(requestFor(e).request, { loadRecord })) as Decision;
    expect(interpreted.allowed, interpreted.reason.message).toBe(false);
    if (e.deniedWith) expect(interpreted.error).toMatch(e.deniedWith);
  });

  it(`upstream's validator ${e.upstream} it${e.upstream === 'accepts' ? ' (documented difference)' : ''}`, () => {
    expect(upstreamAccepts(ruleOf(e), sectionOf(e), actionOf(e))).toBe(e.upstream === 'accepts');
  });
});

describe("upstream's compiled rules, run in a child process", () => {
  it('run the payloads recorded as `upstreamRuns` (and only those)', () => {
    const accepted = ESCAPES.filter((e) => e.upstream === 'accepts');
    const input = accepted.map((e) => ({ id: e.id, rule: ruleOf(e), variables: e.pattern?.includes('$id') ? ['$id'] : [], file: canary.file }));
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('./upstream-run.cjs', import.meta.url)), UPSTREAM_RULE_PARSER, JSON.stringify(input)], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const results = JSON.parse(out) as Record<string, { ran: string[]; threw?: string }>;
    const ran = accepted.filter((e) => results[e.id].ran.length > 0).map((e) => e.id);
    expect(ran.sort()).toEqual(accepted.filter((e) => e.upstreamRuns === true).map((e) => e.id).sort());
    // Each kind of canary fired at least once over there: a flag, a file, an exit.
    const kinds = new Set(Object.values(results).flatMap((r) => r.ran.map((k) => k.replace(/\(.*\)/, ''))));
    expect([...kinds].sort()).toEqual(['file write', 'global flag', 'process.exit']);
  });
});
