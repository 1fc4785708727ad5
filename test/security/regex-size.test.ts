/**
 * maxRegexSize is checked before a regular expression is compiled (issue 13 item 6): compiling
 * `\pL{999}` × 330 emits 330,000 instructions first, seconds per rule. The size is counted from
 * the parsed pattern instead; it must never under-count the compiled program, and on every
 * pattern the verdict must be the one compiling gave.
 */
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { programSizeFloor } from '../../compiler/regex-floor.js';
import { estimateProgramSize } from '../../compiler/regex-size.js';
import { translateRegex } from '../../compiler/regex.js';
import { permissionsFile } from './helpers.js';

/** A JavaScript regular-expression source, built from the syntax rules may use. */
const atom: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'K', 'é', '.', '\\d', '\\w', '\\s', '\\pL', '[a-c]', '[^x]', '[]', '[^]', '^', '$', '\\b', '\\B', '\\u{1F600}', '\\x41', '\\P{L}', '\\p{Greek}', '[[:alpha:]x]', '[\\s\\S]', '[^\\s\\S]', '\\{', '😀', '(?:)', '()');
const quantifier = fc.oneof(
  fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '??'),
  fc.tuple(fc.nat(12), fc.option(fc.nat(12)), fc.boolean(), fc.boolean()).map(([a, b, open, lazy]) => {
    const lo = Math.min(a, b ?? a);
    const hi = Math.max(a, b ?? a);
    return `{${lo}${open ? ',' : b === null ? '' : `,${hi}`}}${lazy ? '?' : ''}`;
  }),
);
const { regex } = fc.letrec<{ regex: string; piece: string; group: string }>((tie) => ({
  regex: fc.array(fc.array(tie('piece'), { maxLength: 4 }).map((ps) => ps.join('')), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')),
  piece: fc.tuple(fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom, tie('group')), quantifier).map(([a, q]) => (/^[\^$]|\\[bB]/.test(a) && q.startsWith('{') ? a : a + q)),
  group: fc.tuple(fc.constantFrom('(', '(?:', '(?<n>'), tie('regex')).map(([open, body]) => `${open}${body})`),
}));
const flags = fc.subarray(['i', 'm', 's']).map((f) => f.join(''));

const compiledSize = (pattern: string, f: string): number | undefined => {
  const t = translateRegex(pattern, f);
  return t.ok ? t.programSize : undefined;
};

describe('the program size counted before compiling', () => {
  it('never under-counts the compiled program (generated patterns)', () => {
    fc.assert(
      fc.property(regex, flags, (pattern, f) => {
        const t = translateRegex(pattern, f);
        fc.pre(t.ok);
        if (!t.ok) return;
        const real = RE2JS.compile(t.re2.source, t.re2.flags).programSize();
        expect(estimateProgramSize(t.re2.source, t.re2.flags)).toBeGreaterThanOrEqual(real);
      }),
      { numRuns: 3000 },
    );
  });

  it('is never less than the lower bound read from the text, which never over-counts (generated patterns)', () => {
    fc.assert(
      fc.property(regex, flags, (pattern, f) => {
        const t = translateRegex(pattern, f);
        fc.pre(t.ok);
        if (!t.ok) return;
        expect(programSizeFloor(t.re2.source)).toBeLessThanOrEqual(RE2JS.compile(t.re2.source, t.re2.flags).programSize());
      }),
      { numRuns: 3000 },
    );
  });

  it('the lower bound is exact on repetitions of one piece', () => {
    for (const [pattern, f] of [['\\pL{999}'.repeat(330), ''], ['(?:ab){7}c{3}', 'i'], ['(xy){3}', '']] as const) {
      const t = translateRegex(pattern, f);
      if (!t.ok) throw new Error(t.error);
      expect(programSizeFloor(t.re2.source)).toBe(RE2JS.compile(t.re2.source, t.re2.flags).programSize());
    }
  });

  it('gives the verdict compiling gave, at every limit (generated patterns)', () => {
    fc.assert(
      fc.property(regex, flags, fc.integer({ min: 1, max: 200 }), (pattern, f, max) => {
        const real = compiledSize(pattern, f);
        fc.pre(real !== undefined);
        const checked = translateRegex(pattern, f, max);
        expect(checked.ok).toBe(true);
        if (checked.ok) expect(checked.programSize > max).toBe(real! > max);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['\\pL{999}', ''],
    ['(?:a*){999}', ''],
    ['(?:()){1000}', ''],
    ['(?:[]|a)+b{3,9}?', 'i'],
    ['^(?:[a-z0-9._%+-]+)@[a-z0-9.-]+\\.[a-z]{2,}$', 'i'],
    ['(a|b|c)(?:x|)*[^]', 's'],
  ])('%s: counted as compiled', (pattern, f) => {
    const t = translateRegex(pattern, f);
    if (!t.ok) throw new Error(t.error);
    expect(estimateProgramSize(t.re2.source, t.re2.flags)).toBe(RE2JS.compile(t.re2.source, t.re2.flags).programSize());
  });

  it('reports the same syntax errors as compiling', () => {
    for (const bad of ['(', 'a{2,1}', '[b-a]', 'a{1001}', '(?<n>a)(?<n>b)']) {
      const t = translateRegex(bad, '', 1000);
      expect(t.ok, bad).toBe(false);
      expect(() => RE2JS.compile(bad)).toThrow();
    }
  });
});

describe('an oversized regular expression is refused uncompiled', () => {
  afterEach(() => vi.restoreAllMocks());

  it('100 rules matching `\\pL{999}` × 330: 100 VLV0706 errors and no compilation', () => {
    const huge = '\\pL{999}'.repeat(330);
    const rules = Array.from({ length: 100 }, (_, i) => `  "r${i}/$x":\n    read: ${JSON.stringify(`$x.match(/${huge}/) !== null`)}`);
    const text = permissionsFile('true').replace('record:\n', `record:\n${rules.join('\n')}\n`);
    const compile = vi.spyOn(RE2JS, 'compile');
    const errors = compileProgram(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(Array(100).fill('VLV0706'));
    // Without `u`, JavaScript reads `\pL` as `p` then `L`: 330 × (1 + 999) instructions, plus two.
    expect(errors[0].message).toContain('compiles to at least 330002 instructions');
    expect(compile).not.toHaveBeenCalled();
  });

  it('a pattern within the limit is still compiled once to check it', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    const errors = compileProgram(permissionsFile("data.s.match(/^[a-z]{3,16}$/) !== null && data.t.match('^x+$') !== null")).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    const program = (pattern: string): string => {
      const t = translateRegex(pattern, '');
      if (!t.ok) throw new Error(t.error);
      return t.re2.source;
    };
    expect(compile.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining([program('^[a-z]{3,16}$'), program('^x+$')]));
  });
});
