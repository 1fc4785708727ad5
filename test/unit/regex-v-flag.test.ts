/**
 * `\c` control escapes and the `v` flag, translated to RE2, against JavaScript's own RegExp as the
 * oracle (upstream runs rule regexes on it): each pattern must match exactly the inputs
 * JavaScript matches. Class set operations are computed into explicit classes (regex-sets.ts).
 */
import { describe, expect, it } from 'vitest';
import { translateRegex } from '../../compiler/regex.js';
import { regex } from '../../engine/stdlib.js';

const INPUTS = ['', 'a', 'A', 'b', 'B', 'k', 'K', '\u212a', 's', 'S', '\u017f', 'é', 'É', 'Ω', 'ω', '1', '_', '-', '&', '\n', '\u0001', '\u0011', '\u001f', '\\c', '\\c1', 'c1', 'abc', 'ABC', 'ab', 'd', 'x', 'X', '😀', '\ud83d', 'bcd', 'bad'];

const CASES: ReadonlyArray<readonly [string, string]> = [
  ['^\\cJ$', ''], ['^\\ca$', ''], ['^\\cJ$', 'u'], ['^[\\c1]$', ''], ['^[\\c_]$', ''], ['^\\c1$', ''], ['^\\c$', ''], ['^[\\c*]+$', ''],
  ['^\\p{L}$', 'v'], ['^[a-z\\d]+$', 'v'], ['^[\\&\\-x]$', 'v'], ['^.$', 'v'],
  ['^[\\p{L}--[a-z]]+$', 'v'], ['^[\\p{Ll}&&[A-Z]]$', 'vi'], ['^[\\p{Ll}&&[A-Z]]$', 'v'], ['^[[a-z]--[aeiou]]+$', 'v'],
  ['^[\\q{abc|d}x]$', 'v'], ['^[\\q{abc|d}x]$', 'vi'], ['^[^\\d]$', 'v'], ['^[\\p{L}--\\q{é}]$', 'v'], ['^[\\w--\\d]+$', 'v'],
  ['^[[^a]&&[a-c]]$', 'v'], ['^[\\q{}]$', 'v'], ['^[\\u{1F600}-\\u{1F64F}]$', 'v'], ['^[\\p{L}--[k]]$', 'vi'],
  ['^[\\q{abc}--\\q{ABC}]$', 'vi'], ['^[[\\p{Lu}\\p{Ll}]&&[α-ωΑ-Ω]]$', 'v'],
];

describe('regex translation agrees with JavaScript', () => {
  it.each(CASES)('/%s/%s', (pattern, flags) => {
    const t = translateRegex(pattern, flags);
    expect(t.ok, t.ok ? '' : t.error).toBe(true);
    if (!t.ok) return;
    const ours = regex(t.re2, `/${pattern}/${flags}`);
    const js = new RegExp(pattern, flags);
    for (const input of INPUTS) expect(ours.match(input) !== null, JSON.stringify(input)).toBe(js.test(input));
  });

  it.each([['\\c1', 'u'], ['[(]', 'v'], ['a', 'uv'], ['[\\c_]', 'v']])('refuses /%s/%s, as JavaScript does', (pattern, flags) => {
    expect(() => new RegExp(pattern, flags)).toThrow(SyntaxError);
    expect(translateRegex(pattern, flags).ok).toBe(false);
  });
});
