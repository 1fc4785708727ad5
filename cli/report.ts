/** The only place diagnostics are printed: text (with source excerpt and caret) and JSON. */
import type { Diagnostic } from '../grammar/diagnostic.js';
import { LineIndex } from '../grammar/span.js';

export interface TextStyle {
  readonly color: boolean;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** `FILE:LINE:COL: severity CODE: message`, the source line, a caret line and the hint. */
export function formatText(d: Diagnostic, source: string | undefined, style: TextStyle): string {
  const sev = d.severity === 'error' ? paint(style.color, '31;1', 'error') : d.severity === 'warning' ? paint(style.color, '33;1', 'warning') : paint(style.color, '36', 'info');
  const lines = [`${d.file}:${d.start.line}:${d.start.column}: ${sev} ${d.code}: ${d.message}`];
  if (source !== undefined) {
    const index = new LineIndex(source);
    const text = index.lineText(d.start.line);
    const width = d.end.line === d.start.line ? Math.max(1, d.end.column - d.start.column) : Math.max(1, text.length - d.start.column + 1);
    const gutter = `${d.start.line} | `;
    lines.push(`${gutter}${text.replace(/\t/g, ' ')}`);
    lines.push(`${' '.repeat(gutter.length - 2)}| ${' '.repeat(d.start.column - 1)}${paint(style.color, '32', '^'.repeat(width))}`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
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
