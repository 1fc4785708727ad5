/**
 * maxStringLength applies inside template strings as it does to `+` (issue 13 item 9): one
 * template of 400 `${data.s}` with a 1 MB `data.s` built a 400 M-character string per check. The
 * compiled code and the reference interpreter stop at the same piece, with the same diagnostic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/rules-module.js';
import { RuleSet, type Decision } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { STDLIB, tpl } from '../../engine/stdlib.js';
import { permissionsFile } from './helpers.js';

const write = (data: unknown) => ({ type: 'record', action: 'write', name: 'r/x', user: { id: 'u' }, data, oldData: {} }) as const;

/** The compiled module and a RuleSet over the interpreter, for one rule. */
function both(rule: string): { compiled: (data: unknown, max?: number) => Promise<Decision>; interpreted: (data: unknown, max?: number) => Promise<Decision> } {
  const { diagnostics, module } = compile(permissionsFile(rule));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ruleSet = new RuleSet(module!.file, interpretedRules(module!.program.rules), { quick: false });
  const opts = (max?: number) => (max === undefined ? {} : { limits: { maxStringLength: max } });
  return {
    compiled: async (data, max) => module!.check(write(data), opts(max)),
    interpreted: async (data, max) => ruleSet.check(write(data), opts(max)),
  };
}

describe('template strings and maxStringLength', () => {
  it('400 `${data.s}` of 1 MB each: denied "string too long" (VLV0901), as the same with `+` is', async () => {
    const s = 'x'.repeat(1024 * 1024);
    const template = both(`\`${'${data.s}'.repeat(400)}\`.length > 0`);
    // Balanced, so the `+` form stays within maxExpressionDepth.
    const sum = (n: number): string => (n === 1 ? 'data.s' : `(${sum(Math.floor(n / 2))}+${sum(n - Math.floor(n / 2))})`);
    const plus = both(`${sum(400)}.length > 0`);
    const expected = { allowed: false, reason: { code: 'VLV0901' }, error: expect.stringContaining('string too long') };
    expect(await plus.compiled({ s })).toMatchObject(expected);
    expect(await template.compiled({ s })).toMatchObject(expected);
    expect(await template.interpreted({ s })).toMatchObject(expected);
    expect((await template.compiled({ s: 'abc' })).allowed).toBe(true);
  });

  it('the running length is checked before each piece is appended: no string over the limit is built', () => {
    const built: number[] = [];
    const check = (acc: string, v: unknown, quasi: string): string => {
      const out = tpl(acc, v, quasi);
      built.push(out.length);
      return out;
    };
    expect(() => ['', 'a', 'bb'].reduce((acc, q, i) => check(acc, 'x'.repeat(3 * 1024 * 1024), q + String(i)), '')).toThrow('string too long');
    expect(Math.max(...built)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(STDLIB.tpl).toBe(tpl);
  });

  it('compiled and interpreted agree at every limit (generated templates)', async () => {
    const piece = fc.oneof(fc.constantFrom('${data.s}', '${data.n}', '${data.list}', '${data.s + data.s}', '${`${data.s}-`}'), fc.stringMatching(/^[a-z ]{0,6}$/));
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 12 }),
        fc.record({ s: fc.stringMatching(/^[a-z]{0,8}$/), n: fc.integer(), list: fc.array(fc.stringMatching(/^[a-z]{0,3}$/), { maxLength: 4 }) }),
        fc.integer({ min: 1, max: 80 }),
        async (pieces, data, max) => {
          const rules = both(`\`${pieces.join('')}\`.length >= 0`);
          const [c, i] = [await rules.compiled(data, max), await rules.interpreted(data, max)];
          expect({ allowed: c.allowed, code: c.reason.code, error: c.error }).toEqual({ allowed: i.allowed, code: i.reason.code, error: i.error });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a template exactly at the limit is allowed, one unit over is denied', async () => {
    const rules = both('`${data.s}!${data.s}`.length > 0');
    for (const run of [rules.compiled, rules.interpreted]) {
      expect((await run({ s: 'abcd' }, 9)).allowed).toBe(true);
      expect(await run({ s: 'abcd' }, 8)).toMatchObject({ allowed: false, reason: { code: 'VLV0901' } });
    }
  });
});
