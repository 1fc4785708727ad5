/** lastAtMost: the one binary search the regex alphabet uses to place a character (building it and mapping input). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastAtMost } from '../../compiler/regex-alphabet.js';

describe('lastAtMost', () => {
  it('is the last index whose value is at most c, as a linear scan finds it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 0x10ffff }), { maxLength: 40 }), fc.integer({ min: 0, max: 0x10ffff }), (rest, c) => {
        const sorted = [0, ...rest.sort((a, b) => a - b)];
        let linear = 0;
        sorted.forEach((v, i) => {
          if (v <= c) linear = i;
        });
        expect(lastAtMost(sorted, c)).toBe(linear);
      }),
    );
    expect(lastAtMost([0, 10, 20], 10)).toBe(1);
    expect(lastAtMost([0, 10, 20], 9)).toBe(0);
    expect(lastAtMost([0, 10, 20], 1e9)).toBe(2);
  });
});
