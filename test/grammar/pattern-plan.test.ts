/**
 * PatternPlan matches names in linear time; on names short enough for backtracking to be cheap
 * it must say exactly what the pattern's RegExp says (match, and each `$variable`'s value).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern, patternRegExp, PatternPlan, type PatternPart } from '../../grammar/pattern.js';

const parts = (text: string): readonly PatternPart[] => parsePattern(text, () => {})!.parts;

/** The prefix test written plainly (exponential on hostile input: short inputs only). */
function acceptsPrefixOracle(ps: readonly PatternPart[], prefix: string): boolean {
  const go = (i: number, at: number): boolean => {
    if (at === prefix.length) return true;
    const part = ps[i];
    if (!part) return false;
    if (part.kind === 'wildcard') {
      for (let k = at; k <= prefix.length; k++) {
        if (k > at && /[\n\r\u2028\u2029]/.test(prefix[k - 1])) break;
        if (go(i + 1, k)) return true;
      }
      return false;
    }
    if (part.kind === 'literal') {
      const n = Math.min(part.text.length, prefix.length - at);
      return part.text.slice(0, n) === prefix.slice(at, at + n) && (n < part.text.length || go(i + 1, at + n));
    }
    for (let k = at + 1; k <= prefix.length && prefix[k - 1] !== '/'; k++) if (go(i + 1, k)) return true;
    return false;
  };
  return go(0, 0);
}

const pieces = ['a', 'b', '-', '/', '\n', '\u2028', '$x', '$y', '$z', '*', 'ab', '-a'];
const patternArb = fc
  .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 7 })
  .map((p) => p.join(''))
  .filter((t) => !t.startsWith('/') && parsePattern(t, () => {}) !== undefined);
const nameArb = fc.array(fc.constantFrom('a', 'b', '-', '/', '\n', '\r', '\u2029', 'x', 'ab', '--'), { maxLength: 12 }).map((p) => p.join(''));

describe('PatternPlan', () => {
  it('matches and captures exactly as the RegExp does', () => {
    fc.assert(
      fc.property(patternArb, fc.array(nameArb, { minLength: 1, maxLength: 6 }), (text, names) => {
        const ps = parts(text);
        const plan = new PatternPlan(ps);
        const re = patternRegExp(ps);
        for (const name of names) {
          const m = re.exec(name);
          expect(plan.matches(name), `${JSON.stringify(text)} on ${JSON.stringify(name)}`).toBe(m !== null);
          expect(plan.captures(name), `${JSON.stringify(text)} on ${JSON.stringify(name)}`).toEqual(m === null ? null : m.slice(1));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the names each pattern generates, and their values', () => {
    fc.assert(
      fc.property(patternArb, fc.array(fc.constantFrom('a', '-', 'b-', 'x'), { minLength: 1, maxLength: 3 }), (text, fills) => {
        const ps = parts(text);
        // A name built from the pattern: the RegExp (greedy) decides which values it reads back.
        const name = ps.map((p, i) => (p.kind === 'literal' ? p.text : fills[i % fills.length])).join('');
        const m = patternRegExp(ps).exec(name);
        expect(new PatternPlan(ps).captures(name)).toEqual(m === null ? null : m.slice(1));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a prefix exactly when some matching name starts with it', () => {
    fc.assert(
      fc.property(patternArb, nameArb, (text, prefix) => {
        const ps = parts(text);
        expect(new PatternPlan(ps).acceptsPrefix(prefix), `${JSON.stringify(text)} / ${JSON.stringify(prefix)}`).toBe(acceptsPrefixOracle(ps, prefix));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers at once on the names that made the RegExp backtrack for seconds', () => {
    // The review measured 8.2 s and 3.9 s per check for the first two; here each is one pass
    // (a backtracking implementation would blow the test's timeout).
    const cases: [string, string, string[] | null][] = [
      ['chat/*-*-*/$id', 'chat/--/' + '-'.repeat(4000), ['-'.repeat(4000)]],
      ['chat/*-*-*/$id', 'chat/' + '-'.repeat(4000) + 'x', null],
      ['*-*-*-*-*-*-*-*-/$id', '-'.repeat(59), null],
      ['*-*-*-*-*-*-/$x', '-'.repeat(3000) + 'x', null],
      ['$a-$b-$c-$d/$e', 'a'.repeat(2000) + '-'.repeat(2000) + '/e', ['a'.repeat(2000) + '-'.repeat(1994), '-', '-', '-', 'e']],
    ];
    for (const [text, name, expected] of cases) {
      const plan = new PatternPlan(parts(text));
      expect(plan.captures(name), text).toEqual(expected);
      expect(plan.matches(name), text).toBe(expected !== null);
      expect(plan.acceptsPrefix(name.slice(0, -1)), text).toBe(true);
    }
  }, 5000);
});
