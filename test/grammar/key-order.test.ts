/**
 * deepstream's pattern order is JavaScript property order (grammar/key-order.ts): checked against
 * the engine itself, and the lint (VLV0119) that says when that order makes a rule dead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { isArrayIndex, propertyOrder } from '../../grammar/key-order.js';

const file = (record: string): string =>
  `record:\n${record}event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
const codes = (text: string): string[] => compile(file(text)).diagnostics.map((d) => d.code);

describe('propertyOrder', () => {
  it('is the order Object.keys gives the same keys inserted in file order', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 + 5 }).map(String),
      fc.constantFrom('01', '-1', '1.5', '1e3', '4294967294', '4294967295', ' 1', '１', '*', '1*', '$a'),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 12 }), (keys) => {
        const object: Record<string, number> = {};
        for (const k of keys) object[k] = 0;
        const order = propertyOrder(keys);
        const byOrder = keys.map((k, i) => ({ k, o: order[i] })).sort((a, b) => a.o - b.o).map((x) => x.k);
        expect(byOrder).toEqual(Object.keys(object));
      }),
      { numRuns: 2000 },
    );
  });

  it('knows array indexes', () => {
    expect(['0', '7', '10', '4294967294'].every(isArrayIndex)).toBe(true);
    expect(['01', '-1', '1.5', '4294967295', '', '1*', ' 1'].some(isArrayIndex)).toBe(false);
  });
});

describe('VLV0119: an integer-like key whose rule the tie order makes dead', () => {
  it('fires when an equally long pattern written earlier wins the tie', () => {
    expect(codes('  "*":\n    read: true\n  "1*":\n    read: false\n  "10":\n    read: true\n')).toEqual(['VLV0119']);
  });

  it('fires against the root for a one-digit key, with a hint to decide it there', () => {
    const { diagnostics } = compile(file('  "*":\n    read: true\n  7:\n    read: false\n'));
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([['VLV0119', 'decide `7` in the rule of "*" (e.g. `name === \'7\' ? … : …`)']]);
  });

  it('is VLV0404 instead when the winner comes later in the file too, and nothing when a longer pattern decides', () => {
    expect(codes('  "*":\n    read: true\n  "10":\n    read: true\n  "1*":\n    read: false\n')).toEqual(['VLV0405']);
    // `$n*` is longer and matches `10` (and every name `1*` matches): both never decide, no tie is involved.
    expect(codes('  "*":\n    read: true\n  "1*":\n    read: false\n  "10":\n    read: true\n  "$n*":\n    read: "$n !== \'\'"\n')).toEqual(['VLV0405', 'VLV0405']);
  });

  it('stays quiet for a key that is no array index, or a rival that does not define the action', () => {
    expect(codes('  "*":\n    read: true\n  "0*":\n    read: false\n  "01":\n    read: true\n')).toEqual([]);
    expect(codes('  "*":\n    read: true\n  "1*":\n    write: false\n  "10":\n    read: false\n')).toEqual([]);
  });
});
