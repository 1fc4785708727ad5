/**
 * compiler/overrides.ts: the one rule by which compile-time and run-time limits take overrides
 * (resolveCompileLimits and resolveLimits both apply it, naming their kind of limit).
 */
import { describe, expect, it } from 'vitest';
import { COMPILE_LIMITS, resolveCompileLimits } from '../../compiler/limits.js';
import { withOverrides } from '../../compiler/overrides.js';
import { LIMITS, resolveLimits } from '../../engine/limits.js';
import { expectPartialOverrides } from './helpers.js';

const TABLE: { readonly width: number; readonly height: number } = Object.freeze({ width: 10, height: 20 });

describe('withOverrides', () => {
  it('hands back the defaults themselves without overrides, and a frozen copy with them', () => {
    expect(withOverrides(TABLE, undefined, 'size')).toBe(TABLE);
    expectPartialOverrides(TABLE, (o) => withOverrides(TABLE, o, 'size'));
    expect(withOverrides(TABLE, { width: 1, height: 2 }, 'size')).toEqual({ width: 1, height: 2 });
  });

  it('refuses unknown names and values other than whole numbers from 1, naming the kind of limit', () => {
    expect(() => withOverrides(TABLE, { depth: 3 } as never, 'size')).toThrow(new TypeError('unknown size `depth`; the limits are width, height'));
    for (const bad of [0, -1, 1.5, NaN, Infinity, '5', null]) {
      expect(() => withOverrides(TABLE, { width: bad as number }, 'size')).toThrow(new RangeError(`the size \`width\` must be a whole number of at least 1, not ${String(bad)}`));
    }
  });

  it('is what both resolvers apply: the same answers for the same overrides', () => {
    const cases: Record<string, unknown>[] = [{}, { maxDepth: 3 }, { maxDepth: 0 }, { maxDepth: '3' }, { nope: 1 }];
    for (const o of cases) {
      const run = (f: () => unknown): unknown => {
        try {
          return f();
        } catch (e) {
          return e;
        }
      };
      expect(run(() => resolveLimits(o as never))).toEqual(run(() => withOverrides(LIMITS, o as never, 'limit')));
    }
    expect(resolveLimits(undefined)).toBe(LIMITS);
    expect(resolveCompileLimits(undefined)).toBe(COMPILE_LIMITS);
    expect(resolveCompileLimits({ maxRuleLength: 5 })).toEqual(withOverrides(COMPILE_LIMITS, { maxRuleLength: 5 }, 'compile limit'));
    expect(() => resolveCompileLimits({ maxRuleLength: 0 })).toThrow(new RangeError('the compile limit `maxRuleLength` must be a whole number of at least 1, not 0'));
  });
});
