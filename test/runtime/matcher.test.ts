import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../grammar/pattern.js';
import { PatternList, patternRegExp, type Selectable } from '../../engine/matcher.js';

/** The selection rule written out plainly: every pattern's RegExp, longest text wins, later on ties. */
function naive(items: readonly Selectable[], name: string | undefined): Selectable | undefined {
  let best: Selectable | undefined;
  for (const item of items) {
    if (!patternRegExp(item.parts).test(name ?? 'undefined')) continue;
    if (!best || item.pattern.length > best.pattern.length || (item.pattern.length === best.pattern.length && item.order > best.order)) best = item;
  }
  return best;
}

const selectable = (text: string, order: number): Selectable | undefined => {
  const p = parsePattern(text, () => {});
  return p && { pattern: text, order, parts: p.parts };
};

// Small alphabets make collisions between patterns and names likely; line breaks and `/` are the
// characters `*` and `$variable` treat specially.
const patternText = fc.array(fc.constantFrom('a', 'b', '/', '\n', '\u2028', '$x', '$y', '*', 'ab'), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
const nameText = fc.array(fc.constantFrom('a', 'b', '/', '\n', '\r', '\u2029', 'x'), { maxLength: 8 }).map((p) => p.join(''));

describe('pattern selection (trie)', () => {
  it('chooses what testing every pattern would choose, line breaks and `/` included', () => {
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 8 }), fc.array(fc.option(nameText, { nil: undefined }), { minLength: 1, maxLength: 6 }), (texts, names) => {
        const items = texts.map(selectable).filter((s): s is Selectable => s !== undefined);
        const list = new PatternList(items);
        for (const name of [...names, ...names]) {
          // twice: a second lookup decides as the first
          expect(list.match(name)?.item.pattern).toBe(naive(items, name)?.pattern);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('does not let `*` cross a line terminator', () => {
    const list = new PatternList([selectable('a*', 0)!, selectable('*', 1)!]);
    for (const br of ['\n', '\r', '\u2028', '\u2029']) expect(list.match(`a${br}b`)).toBeUndefined();
    expect(list.match('ab/c')?.item.pattern).toBe('a*');
  });

  it('reads `$variable` values of the winner; a missing name is matched as "undefined" but gives no values', () => {
    const list = new PatternList([selectable('u/$id/$k', 0)!, selectable('un$rest', 1)!]);
    expect(list.match('u/7/z')?.vars).toEqual(['7', 'z']);
    expect(list.match(undefined)?.item.pattern).toBe('un$rest');
    expect(list.match(undefined)?.vars).toEqual([]);
    expect(list.match('undefined')?.vars).toEqual(['defined']);
  });

  it('keeps answering correctly over thousands of names', () => {
    const list = new PatternList([selectable('n/$i', 0)!, selectable('n/1*', 1)!]);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) expect(list.match(`n/${i}`)?.item.pattern).toBe(String(i).startsWith('1') ? 'n/1*' : 'n/$i');
    }
  });
});

describe('a match names its $variables', () => {
  it('with exactly the pattern’s variable names as keys (no extra key a rule could read)', () => {
    const list = new PatternList([selectable('u/$id/$k', 0)!]);
    const m = list.match('u/7/z')!;
    expect(Object.keys(m.named)).toEqual(['$id', '$k']);
    expect(m.named).toEqual({ $id: '7', $k: 'z' });
  });
});
