/**
 * Operators, indexing and methods mean what JavaScript makes them mean (spec section 3): each
 * expression is run over a grid of edge values by our compiled rules, our interpreter, and plain
 * JavaScript (the oracle, built here with `new Function` — test code only). Where JavaScript
 * throws, we deny with an error; otherwise the rule `(E) === data.k` allows exactly when `data.k`
 * is JavaScript's value (`(E) !== (E)` for NaN). The deliberate differences of section 7
 * (inherited members do not exist) are left out of the grid: results that are functions.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { compile } from '../../engine/rules-module.js';

const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
const VALUES: readonly unknown[] = [0, -0, 1, -1, 2.5, NaN, Infinity, -Infinity, '', '0', '1', '-1', 'abc', ' 2 ', 'b', null, undefined, true, false, [], [1], [null], [1, 2], ['a', 'b'], [[1]], [undefined], holey, Array(2), {}, { x: 1 }];
const INDEXES: readonly unknown[] = [undefined, 0, 1, 2, -1, -2, -5, NaN, 1.5, '1', '', null, true, Infinity, -Infinity, [1]];

const label = (v: unknown): string => (v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' ? String(v) : Object.is(v, -0) ? '-0' : Array.isArray(v) ? `[${v.map((x) => label(x)).join(',')}${v.length > 0 && !(v.length - 1 in v) ? ',' : ''}]` : typeof v === 'number' ? String(v) : JSON.stringify(v));

function ruleSets(expression: string): [string, RuleSet][] {
  const text = `record:\n  "*":\n    read: true\nevent:\n  "*":\n    publish: ${JSON.stringify(`(${expression}) === data.k || ((${expression}) !== (${expression}) && data.nan === true)`)}\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
  const { module, diagnostics } = compile(text, { file: 'oracle.yml' });
  if (!module) throw new Error(`${expression}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return [
    ['compiled', new RuleSet(module.file, module.rules)],
    ['compiled, full path', new RuleSet(module.file, module.rules, { quick: false })],
    ['interpreted', new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false })],
  ];
}

type Oracle = (data: Record<string, unknown>) => unknown;

/** Runs `expression` over every `inputs` entry through every path and plain JavaScript; returns the mismatches. */
function mismatches(expression: string, inputs: readonly Record<string, unknown>[]): string[] {
  const js = new Function('data', `return (${expression});`) as Oracle; // the oracle, not product code
  const out: string[] = [];
  const sets = ruleSets(expression);
  for (const input of inputs) {
    let expected: { throws: true } | { throws: false; value: unknown };
    try {
      expected = { throws: false, value: js(input) };
    } catch {
      expected = { throws: true };
    }
    if (!expected.throws && (typeof expected.value === 'function' || (expected.value !== null && typeof expected.value === 'object'))) continue;
    const isNaN = !expected.throws && Number.isNaN(expected.value);
    const data = expected.throws ? input : { ...input, k: expected.value, nan: isNaN };
    for (const [path, set] of sets) {
      const d = set.check({ type: 'event', action: 'publish', name: 'x', data }) as Decision;
      const ok = expected.throws ? !d.allowed && d.error !== undefined : d.allowed;
      if (!ok) {
        const shown = Object.entries(input).map(([k, v]) => `${k}=${label(v)}`).join(' ');
        out.push(`${path}: ${expression} with ${shown}: JavaScript ${expected.throws ? 'throws' : `gives ${label(expected.value)}`}, we ${d.allowed ? 'allow' : `deny (${d.error ?? d.reason.message})`}`);
      }
    }
    // The rule must not allow for a different value either (a rule that always allows passes above).
    if (!expected.throws && !isNaN) {
      const wrong = typeof expected.value === 'string' ? `${expected.value}?` : typeof expected.value === 'number' ? (Number.isFinite(expected.value) ? expected.value + 1 : 0) : typeof expected.value === 'boolean' ? !expected.value : 'other';
      const d = sets[0][1].check({ type: 'event', action: 'publish', name: 'x', data: { ...input, k: wrong, nan: false } }) as Decision;
      if (d.allowed) out.push(`${expression} with ${label(input.a)}: allowed for a wrong value ${label(wrong)}`);
    }
  }
  return out;
}

const pairs = (): Record<string, unknown>[] => VALUES.flatMap((a) => VALUES.map((b) => ({ a, b })));
const singles = (): Record<string, unknown>[] => VALUES.map((a) => ({ a }));

describe('operators on every pair of edge values', () => {
  for (const op of ['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '===', '!==', '&&', '||', '??', '**', '&', '|', '^', '<<', '>>', '>>>']) {
    it(`a ${op} b`, () => {
      expect(mismatches(`data.a ${op} data.b`, pairs())).toEqual([]);
    });
  }
  for (const op of ['+', '-', '!', 'typeof ', '~', 'void ']) {
    it(`${op}a`, () => {
      expect(mismatches(`${op}data.a`, singles())).toEqual([]);
    });
  }
  it('b in a', () => {
    // `in` on arrays and objects: own keys, as JavaScript (inherited members are a section 7 row).
    const inputs = pairs().filter(({ b }) => b !== undefined && !(typeof b === 'string' && ['length', 'toString', 'valueOf', 'constructor'].includes(b)));
    expect(mismatches('data.b in data.a', inputs)).toEqual([]);
  });
  it('b in a regular expression', () => {
    // A regex shows rules no properties; JavaScript's answer too for all but `lastIndex` and inherited members.
    const inputs = ['', 'a', 'k', '0', 0, 1, null, true, undefined, [1]].map((b) => ({ b }));
    expect(mismatches('data.b in /ab/g', inputs)).toEqual([]);
  });
});

describe('values no JSON message carries (a symbol or a bigint in an authentication plugin\'s user data)', () => {
  // Where JavaScript throws we deny with an error; results that would be bigints are left out (a rule has no bigint to compare them with).
  const inputs = [Symbol('s'), 10n].map((a) => ({ a }));
  for (const e of ["data.a + ''", '`${data.a}`', '[data.a] + \'\'', '[1, [data.a]] + \'\'', 'data.a * 1', '+data.a', 'data.a & 1', 'data.a < 1', 'data.a >= 10', 'data.a == 10', "'abc'.startsWith(data.a)", "'abc'.indexOf(data.a)", '[1, data.a].includes(data.a)']) {
    it(e, () => {
      expect(mismatches(e, inputs)).toEqual([]);
    });
  }
});

describe('indexing', () => {
  it('a[b] on strings, arrays and objects', () => {
    const inputs = pairs().concat(VALUES.map((a) => ({ a, b: 'length' }))).concat([{ a: 'abc', b: 2 }, { a: 'abc', b: '01' }, { a: 'abc', b: 3 }, { a: { 1: 'one' }, b: 1 }, { a: { '': 'e' }, b: '' }]);
    expect(mismatches('data.a[data.b]', inputs)).toEqual([]);
  });
  it('a.length', () => {
    expect(mismatches('data.a.length', singles())).toEqual([]);
  });
});

describe('methods', () => {
  const strings = ['', 'abc', 'aXbXc', 'ABC', '  a b  ', 'ǅ', 'ß'];
  const needles: unknown[] = ['', 'a', 'b', 'c', 'X', 'bc', 1, null, undefined, ['b'], true];
  const arrays: unknown[] = [[], [1, 2, 3], ['a', 'b'], [NaN], [undefined], holey, Array(3), [null], [0], [-0], ['1']];
  const arrayNeedles: unknown[] = [1, 3, 'a', NaN, undefined, null, 0, -0, '1', true];

  for (const method of ['includes', 'indexOf', 'startsWith', 'endsWith']) {
    it(`${method} on strings, with and without a position`, () => {
      const inputs = strings.flatMap((a) => needles.flatMap((b) => INDEXES.map((c) => ({ a, b, c }))));
      expect(mismatches(`data.a.${method}(data.b, data.c)`, inputs)).toEqual([]);
      expect(mismatches(`data.a.${method}(data.b)`, strings.flatMap((a) => needles.map((b) => ({ a, b }))))).toEqual([]);
    });
  }

  for (const method of ['includes', 'indexOf']) {
    it(`${method} on arrays: holes, NaN, -0 and fromIndex as JavaScript`, () => {
      const inputs = arrays.flatMap((a) => arrayNeedles.flatMap((b) => INDEXES.map((c) => ({ a, b, c }))));
      expect(mismatches(`data.a.${method}(data.b, data.c)`, inputs)).toEqual([]);
      expect(mismatches(`data.a.${method}(data.b)`, arrays.flatMap((a) => arrayNeedles.map((b) => ({ a, b }))))).toEqual([]);
    });
  }

  for (const method of ['toUpperCase', 'toLowerCase', 'trim']) {
    it(`${method}`, () => {
      expect(mismatches(`data.a.${method}()`, strings.map((a) => ({ a })))).toEqual([]);
    });
  }

  it('a method on a value that is not a string or an array denies, as JavaScript throws', () => {
    const inputs = [0, null, true, {}, { x: 1 }].map((a) => ({ a, b: 'a' }));
    for (const method of ['includes', 'startsWith', 'toUpperCase', 'trim']) expect(mismatches(`data.a.${method}(data.b)`, inputs)).toEqual([]);
  });

  it('match: groups, a missing group, index, input, the g flag and no match', () => {
    const inputs = ['', 'a', 'ab', 'xaxab', 'bbb', 'aaa'].map((a) => ({ a }));
    for (const e of ['data.a.match(/a/g).length', 'data.a.match(/a/g)[1]', 'data.a.match(/(a)(b)?/)[2]', 'data.a.match(/(a)(b)?/)[1]', 'data.a.match(/(a)(b)?/).length', 'data.a.match(/a/).index', 'data.a.match(/a/).input', 'data.a.match(/z/) === null', 'data.a.match(/a*/g).length', 'data.a.match(/a*/g)[0]']) {
      expect(mismatches(e, inputs)).toEqual([]);
    }
  });

  it('a regular expression converts to its text; a rule\'s own array with holes is searched as JavaScript does', () => {
    const inputs = [undefined, 1, 2, 3, null].map((b) => ({ b }));
    for (const e of ["'' + /ab/", '`${/a+/}`', '[1, , 3].includes(data.b)', '[1, , 3].indexOf(data.b)', '[1, , 3].includes(data.b, 1)']) expect(mismatches(e, inputs)).toEqual([]);
  });
});
