/**
 * Client-chosen names against hostile pattern sets: the work of one lookup is bounded by the
 * name's length times the trie's size; no looked-up name is kept.
 */
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../grammar/pattern.js';
import { PatternList, type Selectable } from '../../engine/matcher.js';

const selectable = (text: string, order: number): Selectable => {
  const p = parsePattern(text, () => {});
  if (!p) throw new Error(`bad pattern ${text}`);
  return { pattern: text, order, parts: p.parts };
};

describe('lookup work on hostile names', () => {
  // Without deduplicating active states, `a*` twelve times is 12^n paths on a name of n `a`s:
  // seconds for one 30-character name. With it, each step holds at most one state per trie node.
  it('decides a*×12 + b on a thousand unique long names', { timeout: 20_000 }, () => {
    const list = new PatternList([selectable('*', 0), selectable(`${'a*'.repeat(12)}b`, 1), selectable('$v1-$v2-$v3-$v4-$v5-$v6-b', 2)]);
    for (let i = 0; i < 1000; i++) {
      const n = 30 + (i % 200);
      const name = `${'a'.repeat(n)}${i % 2 === 0 ? 'b' : 'c'}${i}`;
      expect(list.match(name)?.item.order).toBe(0);
      expect(list.match(`${'a'.repeat(n)}b`)?.item.order).toBe(1);
    }
  });

  // The same set with no room for a DFA state: the NFA walks every name from its first
  // character, and its dedup (one entry per trie node per step) is what bounds the work.
  it('decides a*×12 + b on long unique names past the DFA bounds (the NFA from the start)', { timeout: 20_000 }, () => {
    const list = new PatternList([selectable('*', 0), selectable(`${'a*'.repeat(12)}b`, 1)], { maxCells: 0, maxEntries: 0 });
    for (let i = 0; i < 200; i++) {
      const n = 30 + (i % 100);
      expect(list.match(`${'a'.repeat(n)}c${i}`)?.item.order).toBe(0);
      expect(list.match(`${'a'.repeat(n)}b`)?.item.order).toBe(1);
    }
    expect(list.automaton.states).toBe(1);
  });

  it('reads $variables of a winner with many variables on a long name', { timeout: 20_000 }, () => {
    const list = new PatternList([selectable('*', 0), selectable('$a-$b-$c-$d-$e-$f', 1)]);
    const name = `${'-'.repeat(3000)}x`;
    const m = list.match(name);
    expect(m?.item.order).toBe(1);
    expect(m?.vars.join('-')).toBe(name);
  });
});

describe('lookup work in the DFA', () => {
  // `a*` 300 times then `b`: after n `a`s a name is in a set of about 2n trie nodes (up to 601).
  // Each set is made once; every later name then costs one table read per character, not a
  // walk over the set (1,000 names of 1,000 to 2,000 characters here).
  it('reads each transition it made from the table: 1,000 long names over sets of 600 trie nodes', { timeout: 20_000 }, () => {
    const list = new PatternList([selectable('*', 0), selectable(`${'a*'.repeat(300)}b`, 1)]);
    for (let i = 0; i < 1000; i++) {
      const n = 1000 + i;
      expect(list.match('a'.repeat(n))?.item.order).toBe(0);
      if (i % 100 === 0) expect(list.match(`${'a'.repeat(n)}b`)?.item.order).toBe(1);
    }
    expect(list.automaton.states).toBeLessThan(700);
  });

  // Each list's DFA here outgrows its first table (8 rows): 22 states (rows 2 to 23) of 24 or 25
  // classes. Its bound (2^20 transitions, 4 MB) is a ceiling, not what it takes: 100 lists hold
  // well under 40 MB.
  it('takes memory as its DFA grows, not its bound up front', () => {
    const text = 'abcdefghijklmnopqrst';
    const before = process.memoryUsage().arrayBuffers;
    const lists = Array.from({ length: 100 }, (_, i) => new PatternList([selectable(`${text}${i}`, 0)]));
    for (const [i, list] of lists.entries()) expect(list.match(`${text}${i}`)?.item.order).toBe(0);
    expect(lists[0].automaton).toEqual({ states: 22, cells: 24 * 24, entries: 22 });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * 1024 * 1024);
  });

  // A state per character of a 200,000-character pattern: the table (4 transitions a state)
  // grows by doubling, so making all of them is linear in the name, not quadratic.
  it('makes 200,001 states for one long name', { timeout: 20_000 }, () => {
    const text = 'a'.repeat(200_000);
    const list = new PatternList([selectable(text, 0)]);
    expect(list.match(text)?.item.order).toBe(0);
    expect(list.match(`${text}a`)).toBeUndefined();
    expect(list.automaton).toEqual({ states: 200_001, cells: 200_003 * 4, entries: 200_001 });
  });
});

describe('reading $variable values', () => {
  // Values that end where a `/` follows are read in one pass over the name; the general reader
  // (grammar/pattern.ts PatternPlan) keeps a table of the name's length times the pattern's
  // variables: here 100,000 × 1,000 cells for each of 100 names.
  it('reads 1,000 whole-segment values of 100,000-character names in one pass each', { timeout: 20_000 }, () => {
    const count = 1000;
    const list = new PatternList([selectable(Array.from({ length: count }, (_, k) => `$v${k}`).join('/'), 0)]);
    for (let i = 0; i < 100; i++) {
      const segments = Array.from({ length: count }, (_, k) => `${i}-${k}-`.padEnd(100, 'x'));
      const m = list.match(segments.join('/'));
      expect(m?.vars).toEqual(segments);
      expect(m?.named[`$v${count - 1}`]).toBe(segments[count - 1]);
    }
  });
});

describe('no memo of looked-up names (issue #14: on unique names it cost more than it saved)', () => {
  it('answers right over many names, holding none of them', () => {
    const list = new PatternList([selectable('*', 0), selectable('users/$id', 1)]);
    for (let i = 0; i < 5000; i++) expect(list.match(`users/u${i}`)?.named.$id).toBe(`u${i}`);
    expect(list.match('users/u0')?.named.$id).toBe('u0');
    expect(list.match('x')?.item.order).toBe(0);
  });

  it("gives every lookup its own values: changing one answer's values changes no later answer", () => {
    const list = new PatternList([selectable('users/$id', 1)]);
    const first = list.match('users/hot')!;
    (first.named as Record<string, string>).$id = 'changed';
    (first.vars as string[])[0] = 'changed';
    const again = list.match('users/hot')!;
    expect(again).not.toBe(first);
    expect(again.named).toEqual({ $id: 'hot' });
    expect(again.vars).toEqual(['hot']);
  });
});
