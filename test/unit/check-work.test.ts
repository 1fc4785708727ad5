/**
 * `valve check` on a big file does each piece of work once per distinct input: a regex is
 * translated once per (pattern, flags, limit), a rule text is lexed and parsed once per file.
 * Counted, never timed; the diagnostics themselves are held byte-identical by test/diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { translateRegex } from '../../compiler/regex.js';

describe('regex translation', () => {
  it('translates the same pattern, flags and limit once', () => {
    const a = translateRegex('^[a-z]+-7$', 'i', 1000);
    const b = translateRegex('^[a-z]+-7$', 'i', 1000);
    expect(a.ok).toBe(true);
    expect(b).toBe(a);
  });

  it('keeps translations with other flags or limits apart', () => {
    const wide = translateRegex('^(ab|cd){3}x$', '', 1000);
    const narrow = translateRegex('^(ab|cd){3}x$', '', 5);
    const folded = translateRegex('^(ab|cd){3}x$', 'i', 1000);
    expect(wide).not.toBe(narrow);
    expect(wide).not.toBe(folded);
    expect(narrow.ok && narrow.programSize > 5).toBe(true);
    expect(translateRegex('^(ab|cd){3}x$', '', 5)).toBe(narrow);
  });
});
