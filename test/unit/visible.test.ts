import { describe, expect, it } from 'vitest';
import { visible } from '../../grammar/visible.js';

describe('visible', () => {
  it.each([
    ['plain text', 'plain text'],
    ['\u001b]0;pwned\u0007\u001b[2J', '\\x1b]0;pwned\\x07\\x1b[2J'],
    ['a\nforged log line', 'a\\x0aforged log line'],
    ['abc\u202edcba', 'abc\\u202edcba'],
    ['\u2066x\u2069 \u200f', '\\u2066x\\u2069 \\u200f'],
    ['\u0085 \u009b31m', '\\x85 \\x9b31m'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['tab\there', 'tab here'],
    ['ünïcödé 😀 stays', 'ünïcödé 😀 stays'],
  ])('%j → %j', (input, expected) => {
    expect(visible(input)).toBe(expected);
  });

  it('returns the very same string when nothing needs escaping', () => {
    const s = 'x'.repeat(100);
    expect(visible(s)).toBe(s);
  });
});
