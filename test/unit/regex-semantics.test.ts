/**
 * The character sets rule regexes are built from, against V8 on every code unit (and, for
 * Unicode case folding, every code point of planes 0 and 1): `\s`, `.`, `\w`, and what `/i`
 * makes equal with and without `u`. The pattern-level behaviour is in
 * test/property/regex-semantics.test.ts and test/conformance/cases/23-regex-semantics.yml.
 */
import { describe, expect, it } from 'vitest';
import { caseClosure, hasChar, SPACE, wordSet } from '../../compiler/regex-charset.js';
import { translateRegex } from '../../compiler/regex.js';
import { regex } from '../../engine/stdlib.js';

const units = (test: (s: string) => boolean): number[] => {
  const out: number[] = [];
  for (let c = 0; c <= 0xffff; c++) if (test(String.fromCharCode(c))) out.push(c);
  return out;
};
const members = (r: number[]): number[] => units((s) => hasChar(r, s.charCodeAt(0)));

/** Characters whose case variants V8 might call equal to `c`: its upper and lower case and theirs. */
function candidates(c: number): Set<number> {
  const out = new Set([c]);
  for (let round = 0; round < 2; round++) {
    for (const x of [...out]) {
      for (const s of [String.fromCodePoint(x).toUpperCase(), String.fromCodePoint(x).toLowerCase()]) if ([...s].length === 1) out.add(s.codePointAt(0)!);
    }
  }
  return out;
}

describe('character sets are JavaScript’s', () => {
  it('\\s is every code unit V8’s \\s matches', () => {
    expect(members(SPACE)).toEqual(units((s) => /\s/.test(s)));
  });

  it('\\w is ASCII, with ſ and the Kelvin sign only under i with u', () => {
    expect(members(wordSet(false, false))).toEqual(units((s) => /\w/.test(s)));
    expect(members(wordSet(true, false))).toEqual(units((s) => /\w/i.test(s)));
    expect(members(wordSet(true, true))).toEqual(units((s) => /\w/iu.test(s)));
  });

  it('/i without u makes equal exactly what V8 makes equal (every code unit)', () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const folded = caseClosure([c, c], false);
      const re = new RegExp(`^\\u${c.toString(16).padStart(4, '0')}$`, 'i');
      for (const x of candidates(c)) if (x <= 0xffff && hasChar(folded, x) !== re.test(String.fromCharCode(x))) wrong.push(`${c.toString(16)} ~ ${x.toString(16)}`);
      for (let i = 0; i < folded.length; i += 2) for (let x = folded[i]; x <= folded[i + 1]; x++) if (!re.test(String.fromCharCode(x))) wrong.push(`${c.toString(16)} ~ ${x.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('/iu makes equal exactly what V8 makes equal (every code point of planes 0 and 1)', () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0x1ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const folded = caseClosure([c, c], true);
      const re = new RegExp(`^\\u{${c.toString(16)}}$`, 'iu');
      for (let i = 0; i < folded.length; i += 2) for (let x = folded[i]; x <= folded[i + 1]; x++) if (!re.test(String.fromCodePoint(x))) wrong.push(`${c.toString(16)} ~ ${x.toString(16)}`);
      for (const x of candidates(c)) if (hasChar(folded, x) !== re.test(String.fromCodePoint(x))) wrong.push(`${c.toString(16)} ~ ${x.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('. leaves out exactly the line terminators, per code unit without u', () => {
    const t = translateRegex('^.$', '');
    if (!t.ok) throw new Error(t.error);
    const re = regex(t.re2, '/^.$/');
    expect(units((s) => re.match(s) === null)).toEqual([0x0a, 0x0d, 0x2028, 0x2029]);
  });
});
