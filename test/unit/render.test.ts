/**
 * Diagnostics as text (grammar/render.ts, re-exported by cli/report.ts): each one costs bounded
 * output however long its source line is, a file's diagnostics share one LineIndex, and text from
 * the file is escaped (issue #13, items 4, 5 and 10).
 */
import { describe, expect, it, vi } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';

// Counts LineIndex constructions: formatting 20,000 diagnostics of one file must build one index.
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../grammar/span.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../grammar/span.js')>();
  class CountingLineIndex extends original.LineIndex {
    constructor(text: string) {
      super(text);
      built.count++;
    }
  }
  return { ...original, LineIndex: CountingLineIndex };
});

const { formatText, formatProblem } = await import('../../cli/report.js');

const at = (line: number, column: number, offset = 0): Diagnostic['start'] => ({ line, column, offset });
const diagnostic = (start: Diagnostic['start'], end: Diagnostic['end'], message = 'a problem'): Diagnostic => ({
  code: 'VLV0402',
  severity: 'warning',
  message,
  file: 'f.json',
  start,
  end,
});
const plain = { color: false };
const longest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

/** The excerpt line without its gutter, and the caret's column and width under it. */
function shape(text: string): { line: string; caretAt: number; caretWidth: number } {
  const [, source, caret] = text.split('\n');
  const gutter = source.indexOf('| ') + 2;
  const marks = caret.slice(gutter);
  return { line: source.slice(gutter), caretAt: marks.indexOf('^'), caretWidth: marks.trim().length };
}

/** Minified JSON on one line with `n` loose-equality warnings (VLV0402), as the review's 689 kB file. */
function oneLineRules(n: number): string {
  const patterns = ['"*":{"read":true}'];
  for (let i = 0; i < n; i++) patterns.push(`"p${i}":{"read":"oldData.x == 1"}`);
  return `{"record":{${patterns.join(',')}},"event":{"*":{"publish":true,"subscribe":true,"listen":true}},"rpc":{"*":{"provide":true,"request":true}},"presence":{"*":{"allow":true}}}`;
}

describe('formatText on long lines', () => {
  it('formats 20,000 diagnostics of a 689 kB one-line file with bounded lines and total size, on one LineIndex', () => {
    const source = oneLineRules(20_000);
    expect(source.length).toBeGreaterThan(600_000);
    const { diagnostics } = compileProgram(source, { file: 'big.json', emit: false });
    const loose = diagnostics.filter((d) => d.code === 'VLV0402');
    expect(loose).toHaveLength(20_000);
    built.count = 0;
    let total = 0;
    let widest = 0;
    for (const d of diagnostics) {
      const text = formatText(d, source, plain);
      widest = Math.max(widest, longest(text));
      total += text.length + 1;
      // Fail on the first oversized one: printing whole 689 kB lines 20,000 times is what ran out of memory.
      expect(widest).toBeLessThanOrEqual(500);
    }
    expect(total).toBeLessThanOrEqual(diagnostics.length * 1_000);
    expect(built.count).toBe(1);
  });

  it('builds one LineIndex per source across files, not one per diagnostic', () => {
    const a = `x\n`.repeat(1000);
    const b = `y\n`.repeat(1000);
    built.count = 0;
    for (let i = 1; i <= 500; i++) {
      formatText(diagnostic(at(i, 1), at(i, 2)), a, plain);
      formatText(diagnostic(at(i, 1), at(i, 2)), b, plain);
      formatProblem({ file: 'a', start: at(i, 1), end: at(i, 2), message: 'm' }, a, plain);
    }
    expect(built.count).toBe(2);
  });

  it('shows a window around the span with … marks and the caret under the span', () => {
    const line = `${'a'.repeat(5000)}NEEDLE${'b'.repeat(5000)}`;
    const { line: shown, caretAt, caretWidth } = shape(formatText(diagnostic(at(1, 5001), at(1, 5007)), line, plain));
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown.slice(caretAt, caretAt + caretWidth)).toBe('NEEDLE');
  });

  it('keeps the span whole near the line start and end', () => {
    const line = `START${'x'.repeat(10_000)}END`;
    const first = shape(formatText(diagnostic(at(1, 1), at(1, 6)), line, plain));
    expect(first.line.startsWith('START')).toBe(true);
    expect(first.line.slice(first.caretAt, first.caretAt + first.caretWidth)).toBe('START');
    const last = shape(formatText(diagnostic(at(1, 10_006), at(1, 10_009)), line, plain));
    expect(last.line.endsWith('END')).toBe(true);
    expect(last.line.slice(last.caretAt, last.caretAt + last.caretWidth)).toBe('END');
    // A caret just past the line's end (an empty span at the end of the file) stays after it.
    const eol = shape(formatText(diagnostic(at(1, 10_009), at(1, 10_009)), line, plain));
    expect(eol.caretAt).toBe(eol.line.length);
  });

  it('cuts a span wider than the window, the caret running to the cut', () => {
    const line = 'y'.repeat(50_000);
    const text = formatText(diagnostic(at(1, 1), at(2, 1)), line, plain);
    expect(longest(text)).toBeLessThanOrEqual(300);
    const { line: shown, caretAt, caretWidth } = shape(text);
    expect(caretAt).toBe(0);
    expect(caretWidth).toBe(shown.length);
  });

  it('prints a short line whole, as before', () => {
    const text = formatText(diagnostic(at(1, 3), at(1, 5)), 'ab==cd\nnext', plain);
    expect(text.split('\n').slice(1)).toEqual(['1 | ab==cd', '  |   ^^']);
  });

  it('escapes control characters in the window and keeps the caret under the span', () => {
    const line = `${'\u001b'.repeat(2000)}NEEDLE${'\u0007'.repeat(2000)}`;
    const text = formatText(diagnostic(at(1, 2001), at(1, 2007)), line, plain);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(longest(text)).toBeLessThanOrEqual(500);
    const { line: shown, caretAt, caretWidth } = shape(text);
    expect(shown).toContain('\\x1b');
    expect(shown.slice(caretAt, caretAt + caretWidth)).toBe('NEEDLE');
  });

  it('never splits a surrogate pair at a window edge', () => {
    const line = '😀'.repeat(5000);
    const { line: shown } = shape(formatText(diagnostic(at(1, 5001), at(1, 5003)), line, plain));
    expect(shown.replace(/…/g, '')).toMatch(/^(😀)+$/u);
  });

  it('clips a huge message and escapes it', () => {
    const key = `\u001b]0;x\u0007${'k'.repeat(100_000)}`;
    const text = formatText(diagnostic(at(1, 1), at(1, 2), `pattern \`${key}\` is odd`), 'x', plain);
    expect(longest(text)).toBeLessThanOrEqual(500);
    expect(text).toContain('\\x1b]0;x\\x07');
    expect(text).toContain('…');
    expect(text.split('\n')[0].endsWith('` is odd')).toBe(true);
  });
});
