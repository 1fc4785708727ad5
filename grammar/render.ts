/**
 * Diagnostics as text for a person: `FILE:LINE:COL: severity CODE: message`, the source line, a
 * caret line under the span and the hint. Used by the CLI (cli/report.ts re-exports it) and by the
 * deepstream plugin's log; pure, so it runs anywhere.
 *
 * Everything printed that came from a file passes through `visible()` (no terminal control or
 * bidi character reaches the screen), and each diagnostic costs a bounded amount of output and
 * work however long its line is: a line too wide to print whole is shown as a window around the
 * span (issue #13, items 4, 5 and 10).
 */
import type { Diagnostic } from './diagnostic.js';
import { LineIndex, type Position } from './span.js';
import { plural } from './text.js';
import { hasUnsafe, visible } from './visible.js';

export interface TextStyle {
  readonly color: boolean;
}

export const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** A source line up to this many columns (after escaping) is printed whole, as it always was. */
export const EXCERPT_LINE = 300;
/** Columns of a longer line shown on each side of the span. */
export const EXCERPT_CONTEXT = 80;
/** Columns of the span itself shown at most; a wider span is cut there, its caret running to the cut. */
export const EXCERPT_SPAN = 120;
/** Columns of a message or hint printed at most (a message can quote a key of the file's size). */
export const MESSAGE_MAX = 400;
/** Marks where a long line was cut. */
const CUT = '…';

/** `s` escaped and, when longer than `max` columns, its start and end around a cut marker. */
function clipped(s: string, max: number): string {
  if (s.length <= max) return visible(s);
  // Escaping at most quadruples a character: slices of `max` units are enough to fill both ends.
  const head = visible(s.slice(0, max));
  const tail = visible(s.slice(-max));
  const keepHead = Math.ceil((max - CUT.length) * 0.75);
  const keepTail = max - CUT.length - keepHead;
  // Never a lone half of a surrogate pair at either side of the cut.
  const h = head.slice(0, keepHead - ((head.charCodeAt(keepHead - 1) & 0xfc00) === 0xd800 ? 1 : 0));
  const t = tail.slice(tail.length - keepTail + ((tail.charCodeAt(tail.length - keepTail) & 0xfc00) === 0xdc00 ? 1 : 0));
  return `${h}${CUT}${t}`;
}

/**
 * Line indexes of the last two sources: a file's diagnostics come one after another (a rules file
 * and its schema at most interleave), and indexing a big file once per diagnostic was quadratic.
 */
const indexes: LineIndex[] = [];
function indexOf(source: string): LineIndex {
  const hit = indexes.find((i) => i.text === source);
  if (hit) return hit;
  const index = new LineIndex(source);
  indexes.unshift(index);
  indexes.length = Math.min(indexes.length, 2);
  return index;
}

/** `FILE:LINE:COL: severity CODE: message`, the source line, a caret line and the hint. */
export function formatText(d: Diagnostic, source: string | undefined, style: TextStyle): string {
  const sev = d.severity === 'error' ? paint(style.color, '31;1', 'error') : d.severity === 'warning' ? paint(style.color, '33;1', 'warning') : paint(style.color, '36', 'info');
  const lines = [`${clipped(d.file, MESSAGE_MAX)}:${d.start.line}:${d.start.column}: ${sev} ${d.code}: ${clipped(d.message, MESSAGE_MAX)}`];
  if (source !== undefined) lines.push(...excerpt(source, d.start, d.end, style));
  for (const r of d.related ?? []) {
    lines.push(`  ${clipped(d.file, MESSAGE_MAX)}:${r.start.line}:${r.start.column}: ${clipped(r.message, MESSAGE_MAX)}`);
    if (source !== undefined) lines.push(...excerpt(source, r.start, r.end, style));
  }
  if (d.hint) lines.push(`  hint: ${clipped(d.hint, MESSAGE_MAX)}`);
  return lines.join('\n');
}

/**
 * A problem that is not a catalogue diagnostic (an invalid `*.test.yml` file, a bad `--request`):
 * `FILE:LINE:COL: error: message`, then the same excerpt and caret as formatText.
 */
export function formatProblem(p: { readonly file: string; readonly start: Position; readonly end: Position; readonly message: string }, source: string | undefined, style: TextStyle): string {
  const lines = [`${clipped(p.file, MESSAGE_MAX)}:${p.start.line}:${p.start.column}: ${paint(style.color, '31;1', 'error')}: ${clipped(p.message, MESSAGE_MAX)}`];
  if (source !== undefined) lines.push(...excerpt(source, p.start, p.end, style));
  return lines.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  // Notes only when there are some: printed notes under "0 errors, 0 warnings" read as lost output.
  const notes = diagnostics.length - errors - warnings;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${notes > 0 ? `, ${plural(notes, 'note')}` : ''} in ${plural(files, 'file')}`;
}

/** Code units of the character at `i` (a surrogate pair is one character: never split it). */
const unitsAt = (s: string, i: number): number => (i + 1 < s.length && (s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1);
const unitsBefore = (s: string, i: number): number => (i >= 2 && (s.charCodeAt(i - 1) & 0xfc00) === 0xdc00 && (s.charCodeAt(i - 2) & 0xfc00) === 0xd800 ? 2 : 1);

/** The end of the longest stretch of `s` from `from` (at most to `to`) whose escaped form fits in `width` columns. */
function forward(s: string, from: number, to: number, width: number): number {
  // The common case: nothing to escape, so a column is a code unit (a tab stays one column).
  const plain = Math.min(to, from + width);
  if (!hasUnsafe(s.slice(from, plain))) return plain < to && plain > from && (s.charCodeAt(plain - 1) & 0xfc00) === 0xd800 ? plain - 1 : plain;
  let i = from;
  let used = 0;
  while (i < to) {
    const n = unitsAt(s, i);
    const w = visible(s.slice(i, i + n)).length;
    if (used + w > width) break;
    used += w;
    i += n;
  }
  return i;
}

/** The start of the longest stretch of `s` ending at `to` whose escaped form fits in `width` columns. */
function backward(s: string, to: number, width: number): number {
  const plain = Math.max(0, to - width);
  if (!hasUnsafe(s.slice(plain, to))) return plain > 0 && plain < to && (s.charCodeAt(plain) & 0xfc00) === 0xdc00 ? plain + 1 : plain;
  let i = to;
  let used = 0;
  while (i > 0) {
    const n = unitsBefore(s, i);
    const w = visible(s.slice(i - n, i)).length;
    if (used + w > width) break;
    used += w;
    i -= n;
  }
  return i;
}

/**
 * The source line of `start` and a caret line under the span (to the line's end when it spans
 * lines), both in escaped text, so the caret sits under the span however wide its escapes are.
 */
function excerpt(source: string, start: Position, end: Position, style: TextStyle): string[] {
  const index = indexOf(source);
  const lineStart = index.lineStart(start.line);
  const length = index.lineEnd(start.line) - lineStart;
  // Columns as the diagnostic counts them (UTF-16 units from the line's start), the span at least one wide.
  const from = start.column - 1;
  const width = end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, length - start.column + 1);
  // Only a window of the line is ever sliced: a line may be megabytes long.
  const slice = (a: number, b: number): string => source.slice(lineStart + Math.max(0, Math.min(a, length)), lineStart + Math.max(0, Math.min(b, length)));
  const beyond = (a: number, b: number): number => Math.max(0, b - Math.max(a, length));
  let text: string;
  let pad: number;
  let caret: number;
  const whole = length <= EXCERPT_LINE ? visible(slice(0, length)) : undefined;
  if (whole !== undefined && whole.length <= EXCERPT_LINE) {
    text = whole;
    pad = visible(slice(0, from)).length + beyond(0, from);
    caret = visible(slice(from, from + width)).length + beyond(from, from + width);
  } else {
    const line = slice(0, length);
    const a = Math.min(from, length);
    const b = Math.min(from + width, length);
    const left = backward(line, a, EXCERPT_CONTEXT);
    const spanEnd = forward(line, a, b, EXCERPT_SPAN);
    const cut = spanEnd < b;
    const right = cut ? spanEnd : forward(line, b, length, EXCERPT_CONTEXT);
    const head = `${left > 0 ? CUT : ''}${visible(line.slice(left, a))}`;
    const span = visible(line.slice(a, spanEnd));
    const tail = cut ? CUT : `${visible(line.slice(b, right))}${right < length ? CUT : ''}`;
    text = `${head}${span}${tail}`;
    pad = head.length + beyond(0, from);
    // A cut span: the caret runs under the cut marker too, to the window's end.
    caret = span.length + (cut ? CUT.length : beyond(from, from + width));
  }
  const gutter = `${start.line} | `;
  return [`${gutter}${text}`, `${' '.repeat(gutter.length - 2)}| ${' '.repeat(pad)}${paint(style.color, '32', '^'.repeat(Math.max(1, caret)))}`];
}
