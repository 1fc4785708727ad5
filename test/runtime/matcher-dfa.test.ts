/**
 * The compiled matcher (engine/matcher.ts: a lazily built DFA over the pattern trie, with the
 * NFA past its bounds) against the RegExp of every pattern: the same winner and the same
 * `$variable` values as the winner's RegExp groups, on generated pattern sets and names, with
 * the DFA's bounds at their defaults and tiny (so the NFA takes over at every depth).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../grammar/pattern.js';
import { PatternList, patternRegExp, type PatternListOptions, type Selectable } from '../../engine/matcher.js';

const selectable = (text: string, order: number): Selectable | undefined => {
  const p = parsePattern(text, () => {});
  return p && { pattern: text, order, parts: p.parts };
};
const must = (text: string, order: number): Selectable => {
  const s = selectable(text, order);
  if (!s) throw new Error(`bad pattern ${text}`);
  return s;
};

const regexps = new WeakMap<Selectable, RegExp>();
const regexpOf = (s: Selectable): RegExp => {
  let r = regexps.get(s);
  if (!r) regexps.set(s, (r = patternRegExp(s.parts)));
  return r;
};

/** The oracle: every pattern's RegExp, longest text wins, later on ties; the winner's groups. */
function oracle(items: readonly Selectable[], name: string): { pattern: string; vars: string[] } | undefined {
  let best: Selectable | undefined;
  for (const item of items) {
    if (!regexpOf(item).test(name)) continue;
    if (!best || item.pattern.length > best.pattern.length || (item.pattern.length === best.pattern.length && item.order > best.order)) best = item;
  }
  return best && { pattern: best.pattern, vars: regexpOf(best).exec(name)!.slice(1) };
}

const answer = (list: PatternList<Selectable>, name: string): { pattern: string; vars: string[] } | undefined => {
  const m = list.match(name);
  return m && { pattern: m.item.pattern, vars: [...m.vars] };
};

// Characters each with its own meaning to the automaton: `/` (ends a `$variable`), line
// terminators (end a `*`), a non-ASCII literal, and letters both spelled out by patterns and not.
const patternPiece = fc.constantFrom('a', 'b', '/', '\n', '\r', '\u2028', 'é', '$x', '$y', '$z', '*', 'ab', '/a', 'a/');
const namePiece = fc.constantFrom('a', 'b', '/', '\n', '\r', '\u2028', '\u2029', 'é', 'x', 'ab', '/a');
const patternText = fc.array(patternPiece, { minLength: 1, maxLength: 7 }).map((p) => p.join(''));
const nameText = fc.array(namePiece, { maxLength: 10 }).map((p) => p.join(''));
const bounds: fc.Arbitrary<PatternListOptions> = fc.oneof(fc.constant({}), fc.record({ maxCells: fc.integer({ min: 0, max: 120 }), maxEntries: fc.integer({ min: 0, max: 40 }) }));

describe('compiled matcher against the RegExp oracle', () => {
  it('chooses the same pattern and reads the same $variable values, within the DFA and past its bounds', () => {
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 10 }), fc.array(nameText, { minLength: 1, maxLength: 12 }), bounds, (texts, names, options) => {
        const items = texts.map(selectable).filter((s): s is Selectable => s !== undefined);
        const list = new PatternList(items, options);
        for (const name of names) expect(answer(list, name)).toEqual(oracle(items, name));
        const size = list.automaton;
        if (options.maxCells !== undefined) {
          // the start state is always made; nothing else past the bounds
          expect(size.states === 1 || size.cells <= options.maxCells).toBe(true);
          expect(size.states === 1 || size.entries <= options.maxEntries!).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads $variables like the RegExp where values are not whole segments', () => {
    const texts = ['$a-$b', '$a$b', 'x$a/*', '*/$a', '$a/$b', '$a/*/$b', '$a*', 'u/$a/p/*', '$a/', '$aé$b'];
    const items = texts.map(must);
    const names = ['1-2-3', 'ab', 'x1/z', 'q/r/s', 'u/7/p/q/r', 'a/b/c', 'a/', 'éé', 'a-', '-a', 'x/y'];
    for (const t of texts) {
      const list = new PatternList([must(t, 0)]);
      for (const n of names) expect(answer(list, n)).toEqual(oracle([must(t, 0)], n));
    }
    const all = new PatternList(items);
    for (const n of names) expect(answer(all, n)).toEqual(oracle(items, n));
  });

  it('sees a pattern added after a lookup in names not looked up before', () => {
    const list = new PatternList([must('*', 0)]);
    // Nothing is built before the first lookup (a reload costs no DFA), and an add drops it.
    expect(list.automaton).toEqual({ states: 0, cells: 0, entries: 0 });
    expect(list.match('users/1')?.item.pattern).toBe('*');
    expect(list.automaton.states).toBeGreaterThan(0);
    list.add(must('users/$id', 1));
    expect(list.automaton).toEqual({ states: 0, cells: 0, entries: 0 });
    expect(list.match('users/2')?.item.pattern).toBe('users/$id');
    expect(list.match('users/2')?.vars).toEqual(['2']);
  });

  it('treats every line terminator and `/` as its own kind of character, spelled out or not', () => {
    const items = [must('a*', 0), must('a\n*', 1), must('$v', 2), must('a/$w', 3)];
    const list = new PatternList(items);
    for (const name of ['ab', 'a\nb', 'a\rb', 'a\u2028', 'a\u2029b', 'a\n\n', 'a/b', 'a/', 'b/c', 'é', 'a/é', '\u2028', 'ab\n']) expect(answer(list, name)).toEqual(oracle(items, name));
  });
});

describe('character classes', () => {
  // No pattern here spells `/` or a line terminator: those, and every code unit no pattern spells,
  // must take only the `$variable` and `*` edges, never a literal one.
  it('a code unit a pattern spells out matches only itself: U+0000, U+0001 and both sides of U+0080', () => {
    const items = [must('a\u0001b', 0), must('c\u0000', 1), must('\u007f$x', 2), must('d\u0080', 3), must('e*', 4)];
    const list = new PatternList(items);
    const names = ['a\u0001b', 'axb', 'a/b', 'a\nb', 'a\u2028b', 'a\u0000b', 'c\u0000', 'cx', 'c\u0001', '\u007fq', '\u007f\u0080', '\u007f', 'd\u0080', 'dx', 'd\u0081', 'd\u007f', 'e\u0080\u0000\u0001'];
    for (const name of names) expect(answer(list, name)).toEqual(oracle(items, name));
    expect(list.match('a\u0001b')?.item.order).toBe(0);
    expect(list.match('c\u0000')?.item.order).toBe(1);
    expect(list.match('d\u0080')?.item.order).toBe(3);
  });
});

describe('the DFA', () => {
  // `*a*`: before any `a` the set is {root, `*`}; after one or more `a`s it is {`*`, `a`, `a*`},
  // reached in a different order after the first `a` than after later ones.
  it('makes one state per set of trie nodes, however a name reaches it', () => {
    const list = new PatternList([must('*a*', 0)]);
    for (const name of ['a', 'aa', 'aaa', 'aaaa']) expect(list.match(name)?.item.order).toBe(0);
    // 4 rows (UNKNOWN, DEAD, the two states) of 4 classes (3 fixed, `a`)
    expect(list.automaton).toEqual({ states: 2, cells: 4 * 4, entries: 2 + 3 });
  });

  // `abcd$v` and `*` on `abcdxy`: 6 states of 2 trie nodes each (the start {root, `*`}, then after
  // a, ab, abc, abcd and abcdx, where `$v` loops), 7 classes (3 fixed, a b c d), and rows 0 and 1
  // reserved (UNKNOWN, DEAD): 8 rows of 7 transitions.
  it('holds its bounds at exactly their value; one below, the NFA finishes the name alike', () => {
    const items = [must('abcd$v', 0), must('*', 1)];
    const whole = new PatternList(items);
    expect(answer(whole, 'abcdxy')).toEqual({ pattern: 'abcd$v', vars: ['xy'] });
    const size = whole.automaton;
    expect(size).toEqual({ states: 6, cells: 8 * 7, entries: 6 * 2 });
    for (const options of [{ maxCells: size.cells }, { maxEntries: size.entries }]) {
      const exact = new PatternList(items, options);
      expect(answer(exact, 'abcdxy')).toEqual({ pattern: 'abcd$v', vars: ['xy'] });
      expect(exact.automaton).toEqual(size);
    }
    for (const options of [{ maxCells: size.cells - 1 }, { maxEntries: size.entries - 1 }]) {
      const short = new PatternList(items, options);
      expect(answer(short, 'abcdxy')).toEqual({ pattern: 'abcd$v', vars: ['xy'] });
      expect(answer(short, 'abcdx')).toEqual({ pattern: 'abcd$v', vars: ['x'] });
      expect(answer(short, 'abcd')).toEqual({ pattern: '*', vars: [] });
      expect(short.automaton.states).toBe(5);
    }
  });
});

describe('hostile pattern sets', () => {
  it('a*a*…b (12 stars) and overlapping $variables: right on long unique names, with a small DFA', { timeout: 30_000 }, () => {
    const items = [must('*', 0), must(`${'a*'.repeat(12)}b`, 1), must('$v1-$v2-$v3-$v4-$v5-$v6-b', 2), must('$v1-$v2', 3), must('$v1-*-$v2', 4), must('*-$v', 5)];
    const list = new PatternList(items);
    for (let i = 0; i < 300; i++) {
      const n = 20 + (i % 120);
      // Long names the RegExps would backtrack on for seconds: the answers written out.
      expect(list.match(`${'a'.repeat(n)}c${i}`)?.item.order).toBe(0);
      expect(list.match(`${'a'.repeat(n)}b`)?.item.order).toBe(1);
      const dashes = list.match(`${'-'.repeat(n)}x${i}`);
      // `$v1-*-$v2` is the longest match; the RegExp's greedy `$v1` leaves the last two dashes.
      expect(dashes?.item.order).toBe(4);
      expect(dashes?.vars).toEqual(['-'.repeat(n - 2), `x${i}`]);
      // Short ones against the oracle.
      for (const name of [`${'a-'.repeat(n % 9)}b`, `${'-'.repeat(n % 12)}${i}`, `x-${i}-y-${n}`, `a${'a*'.repeat(n % 5)}b`]) expect(answer(list, name)).toEqual(oracle(items, name));
    }
    // These sets make few distinct sets of trie nodes: the DFA stays small.
    expect(list.automaton.states).toBeLessThan(2000);
  });

  it('many overlapping $variable patterns (1,000): the same winner and values as the RegExps', { timeout: 60_000 }, () => {
    const items: Selectable[] = [must('*', 0)];
    for (let i = 1; i < 1000; i++) {
      const depth = 1 + (i % 4);
      const segs = Array.from({ length: depth }, (_, k) => ((i >> k) & 1 ? `$v${k}` : `s${(i >> (k + 2)) % 3}`));
      items.push(must(`${segs.join('/')}${i % 5 === 0 ? '/*' : ''}`, i));
    }
    const list = new PatternList(items);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('s0', 's1', 's2', 'x', 'é', ''), { minLength: 1, maxLength: 6 }), (segs) => {
        const name = segs.join('/');
        expect(answer(list, name)).toEqual(oracle(items, name));
      }),
      { numRuns: 300 },
    );
  });

  it('10,000 patterns: right on unique names that reach deep into the trie', { timeout: 120_000 }, () => {
    const words = ['chat', 'todo', 'user', 'team', 'game', 'doc', 'feed', 'shop', 'cart', 'org'];
    const items: Selectable[] = [must('*', 0)];
    for (let i = 0; i < 10_000; i++) items.push(must(i % 7 === 0 ? `${words[i % 10]}${Math.floor(i / 10)}/*` : `${words[i % 10]}${Math.floor(i / 10)}/i/$itemId/r/$revId`, i + 1));
    const list = new PatternList(items);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom('/i/', '/x/', '/i'), (i, u, mid) => {
        const name = `${words[i % 10]}${Math.floor(i / 10)}${mid}i${u}/r/r${u % 97}`;
        expect(answer(list, name)).toEqual(oracle(items, name));
      }),
      { numRuns: 150 },
    );
  });

  // `*a` then every string of 13 `a`/`b`: a DFA state per set of recent `a`s (2^13), and 200
  // more literal characters in another pattern make every state 200 transitions wide: 1.6M
  // transitions if all were made, past the bound of 2^20; past it, the NFA decides.
  it('a set whose DFA would blow up: the DFA stops at its bound and every answer stays right', { timeout: 120_000 }, () => {
    const n = 13;
    const items: Selectable[] = [must('*', 0), must(`z${Array.from({ length: 200 }, (_, k) => String.fromCharCode(0x100 + k)).join('')}`, 1)];
    for (let k = 0; k < 1 << n; k++) items.push(must(`*a${k.toString(2).padStart(n, '0').replace(/0/g, 'a').replace(/1/g, 'b')}`, k + 2));
    const list = new PatternList(items);
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 3000; i++) {
      const name = Array.from({ length: 30 + (i % 20) }, () => (random() < 0.5 ? 'a' : 'b')).join('');
      const tail = name.slice(-(n + 1));
      // The winner is `*a…` (the last 14 characters) when they start with `a`, else `*`.
      expect(list.match(name)?.item.pattern).toBe(tail[0] === 'a' ? `*${tail}` : '*');
    }
    const size = list.automaton;
    expect(size.cells).toBeLessThanOrEqual(1 << 20);
    expect(size.entries).toBeLessThanOrEqual(1 << 18);
    // The bound was reached (within one state's width of it), so the NFA answered some of the above.
    expect(size.cells).toBeGreaterThan((1 << 20) - 2 * 205);
  });
});
