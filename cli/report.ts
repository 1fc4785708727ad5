/**
 * The only place diagnostics are printed: text (with source excerpt and caret) and JSON here;
 * SARIF and GitHub workflow commands in formats/ (they take the same Diagnostic list).
 */
import type { Diagnostic } from '../grammar/diagnostic.js';
import { LineIndex, type Position } from '../grammar/span.js';

export interface TextStyle {
  readonly color: boolean;
}

export const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** `FILE:LINE:COL: severity CODE: message`, the source line, a caret line and the hint. */
export function formatText(d: Diagnostic, source: string | undefined, style: TextStyle): string {
  const sev = d.severity === 'error' ? paint(style.color, '31;1', 'error') : d.severity === 'warning' ? paint(style.color, '33;1', 'warning') : paint(style.color, '36', 'info');
  const lines = [`${d.file}:${d.start.line}:${d.start.column}: ${sev} ${d.code}: ${d.message}`];
  if (source !== undefined) lines.push(...excerpt(source, d.start, d.end, style));
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/** The source line of `start` and a caret line under the span (to the line's end when it spans lines). */
function excerpt(source: string, start: Position, end: Position, style: TextStyle): string[] {
  const index = new LineIndex(source);
  const text = index.lineText(start.line);
  const width = end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, text.length - start.column + 1);
  const gutter = `${start.line} | `;
  return [`${gutter}${text.replace(/\t/g, ' ')}`, `${' '.repeat(gutter.length - 2)}| ${' '.repeat(start.column - 1)}${paint(style.color, '32', '^'.repeat(width))}`];
}

/**
 * A problem that is not a catalogue diagnostic (an invalid `*.test.yml` file, a bad `--request`):
 * `FILE:LINE:COL: error: message`, then the same excerpt and caret as formatText.
 */
export function formatProblem(p: { readonly file: string; readonly start: Position; readonly end: Position; readonly message: string }, source: string | undefined, style: TextStyle): string {
  const lines = [`${p.file}:${p.start.line}:${p.start.column}: ${paint(style.color, '31;1', 'error')}: ${p.message}`];
  if (source !== undefined) lines.push(...excerpt(source, p.start, p.end, style));
  return lines.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      file: d.file,
      code: d.code,
      severity: d.severity,
      message: d.message,
      ...(d.hint ? { hint: d.hint } : {}),
      startLine: d.start.line,
      startColumn: d.start.column,
      endLine: d.end.line,
      endColumn: d.end.column,
    })),
    null,
    2,
  );
}
