/** The golden-file rendering of diagnostics, shared by the runner and by anyone reviewing cases. */
import type { Diagnostic } from '../../index.js';

/** Line breaks inside an underline are shown as ⏎ so every diagnostic stays on its own lines. */
const showSpan = (text: string): string => (text === '' ? '(empty span)' : text.replace(/\r\n|\r|\n/g, '⏎'));

export function formatDiagnostic(source: string, d: Diagnostic): string {
  const lines = [
    `${d.start.line}:${d.start.column}-${d.end.line}:${d.end.column} ${d.severity} ${d.code} ${d.message}`,
    `  ^ underlined: ${showSpan(source.slice(d.start.offset, d.end.offset))}`,
  ];
  for (const r of d.related ?? []) lines.push(`  related ${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column} ${r.message}: ${showSpan(source.slice(r.start.offset, r.end.offset))}`);
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

export const formatDiagnostics = (source: string, list: readonly Diagnostic[]): string =>
  list.map((d) => formatDiagnostic(source, d)).join('\n') + (list.length ? '\n' : '');
