/**
 * Client-chosen names against hostile pattern sets: the work of one lookup is bounded by the
 * name's length times the trie's size, and the memo of looked-up names by its capacity.
 */
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../grammar/pattern.js';
import { PatternList, type Selectable } from '../../runtime/matcher.js';

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

describe('the memo of looked-up names', () => {
  it('never holds more than 1,024 names, and still answers right after evicting', () => {
    const list = new PatternList([selectable('*', 0), selectable('users/$id', 1)]);
    for (let i = 0; i < 5000; i++) {
      expect(list.match(`users/u${i}`)?.named.$id).toBe(`u${i}`);
      expect(list.remembered).toBeLessThanOrEqual(1024);
    }
    expect(list.remembered).toBeGreaterThan(512);
    expect(list.match('users/u0')?.named.$id).toBe('u0');
    expect(list.match('x')?.item.order).toBe(0);
  });

  it('keeps a name used again in the young generation (not lost at the next turnover)', () => {
    const list = new PatternList([selectable('users/$id', 1)]);
    const hot = 'users/hot';
    const first = list.match(hot);
    for (let i = 0; i < 3000; i++) {
      list.match(`users/cold${i}`);
      // The same object back: it was never looked up again.
      expect(list.match(hot)).toBe(first);
    }
  });
});
