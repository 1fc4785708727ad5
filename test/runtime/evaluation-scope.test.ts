/**
 * The evaluation scope (engine/stdlib.ts): the limits and the plain-input flag the stdlib reads
 * while a rule runs, entered and exited around each evaluation. Evaluation is synchronous, so one
 * scope serves; these pin what entering sets, that exiting restores the defaults, that a nested
 * enter is refused, and that no check, however it ends, leaves a scope open behind it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckRequest } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { LIMITS, type RuntimeLimits } from '../../engine/limits.js';
import { compile } from '../../engine/rules-module.js';
import { add, evaluation, getp, methods, toStr } from '../../engine/stdlib.js';
import { permissionsFile } from '../security/helpers.js';

const tight: RuntimeLimits = Object.freeze({ ...LIMITS, maxStringLength: 3, maxDepth: 1, maxRecordSize: 2 });
/** A getter a rule must never run (read directly only when the scope says the inputs are plain). */
const withGetter = (): object => Object.defineProperty({}, 'a', { get: () => 'ran', enumerable: true });
const nested = [[1]];

/** What the stdlib does outside any evaluation: the default limits, reads by descriptor. */
function expectDefaults(): void {
  expect(add('ab', 'cd')).toBe('abcd');
  expect(toStr(nested)).toBe('1');
  expect(methods.includes([1, 2, 3], 3)).toBe(true);
  expect(() => getp(withGetter(), 'a')).toThrow('property `a` is a getter, which rules can not read');
}

afterEach(() => {
  // A failed assertion inside a scope must not leave it open for the next test.
  evaluation.exit();
});

describe('the evaluation scope', () => {
  it('enter sets the limits the stdlib checks; exit restores the defaults', () => {
    expectDefaults();
    evaluation.enter(tight, false);
    expect(() => add('ab', 'cd')).toThrow('string too long');
    expect(() => toStr(nested)).toThrow('value nested too deeply to convert');
    expect(() => methods.includes([1, 2, 3], 3)).toThrow('an array of 3 elements is longer than the limit of 2 (maxRecordSize)');
    evaluation.exit();
    expectDefaults();
  });

  it('plain inputs are read without descriptors; otherwise a getter is refused', () => {
    evaluation.enter(LIMITS, true);
    // Only inspect() may say "plain": it never does for a value with a getter, which is why the
    // direct read is safe. Here the flag is forced to show what it switches.
    expect(getp(withGetter(), 'a')).toBe('ran');
    evaluation.exit();
    // Exiting ends plain reads too: outside an evaluation every read goes by descriptor.
    expect(() => getp(withGetter(), 'a')).toThrow('is a getter');
    evaluation.enter(LIMITS, false);
    expect(() => getp(withGetter(), 'a')).toThrow('is a getter');
    evaluation.exit();
  });

  it('refuses a nested enter: evaluations do not nest', () => {
    evaluation.enter(tight, true);
    expect(() => evaluation.enter(LIMITS, false)).toThrow('an evaluation is already running: evaluations do not nest');
    // The refused enter changed nothing.
    expect(() => add('ab', 'cd')).toThrow('string too long');
    evaluation.exit();
    evaluation.enter(LIMITS, false);
    evaluation.exit();
    expectDefaults();
  });

  it('no check leaves a scope open, whichever path decides and however the rule ends', async () => {
    const rule = (text: string): RuleSet[] => {
      const { module, diagnostics } = compile(permissionsFile(text), { file: 'scope.yml' });
      if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
      return [new RuleSet(module.file, module.rules), new RuleSet(module.file, module.rules, { quick: false })];
    };
    const write = (data: unknown, more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'r/x', user: { id: 'u' }, data, oldData: {}, ...more });
    const getterS = Object.defineProperty({}, 's', { get: () => 'ab', enumerable: true });
    const options = { limits: { maxStringLength: 5 }, loadRecord: (n: string) => Promise.resolve({ n }) };
    // Each rule, request and the decision it gets (so each path is known to be reached).
    const cases: [string, CheckRequest, string, number][] = [
      ['data.s + data.s + data.s === "ababab"', write({ s: 'ab' }), 'rule failed: string too long', 0],
      ['data.s === "ab"', write({ s: 'ab' }), 'the rule yielded true', 0],
      ['data.s === "ab"', write(getterS), 'rule failed: property `s` is a getter, which rules can not read', 0],
      ["_('u/' + data.s).n === 'u/ab'", write({ s: 'ab' }), 'the rule yielded true', 1],
      ['oldData === null', write({}, { oldData: undefined }), 'the rule yielded false', 1],
      ['data.x === 1', write({ x: 1 }, { patch: { path: 'x', value: 1 } }), 'the rule yielded true', 0],
    ];
    for (const [text, request, message, rounds] of cases) {
      for (const set of rule(text)) {
        expect(await set.check(request, options), text).toMatchObject({ reason: { message }, rounds });
        // Entering succeeds only when the check exited every scope it entered.
        evaluation.enter(LIMITS, false);
        evaluation.exit();
        expectDefaults();
      }
    }
  });
});
