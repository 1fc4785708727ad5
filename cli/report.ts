/**
 * The only place diagnostics are printed: text (grammar/render.ts: source excerpt and caret,
 * re-exported here for the CLI, the deepstream plugin and the tests) and JSON here; SARIF and
 * GitHub workflow commands in formats/ (they take the same Diagnostic list).
 */
import { type Diagnostic, hasUnsafe } from '../grammar/index.js';

export { formatProblem, formatText, paint, summary, type TextStyle } from '../grammar/index.js';

/**
 * JSON text with the characters `visible()` escapes written as `\uXXXX`. JSON.stringify already
 * escapes C0; DEL, C1, the line separators and the bidi controls it leaves raw, and they would
 * act on a terminal that shows the JSON. Outside strings JSON is ASCII, so the escape is always
 * inside a string and the parsed value is unchanged.
 */
export const printableJson = (json: string): string =>
  json.replace(/[\u007f-\uffff]/g, (c) => (hasUnsafe(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c));

/**
 * `JSON.stringify(items.map(toJson), null, 2)` as an array nested `depth` levels deep, byte for
 * byte, but written one element at a time: 300,000 diagnostics never become one string.
 */
export function writeJsonArray<T>(items: readonly T[], toJson: (item: T, i: number) => unknown, depth: number, write: (text: string) => void): void {
  if (items.length === 0) return write('[]');
  const indent = '  '.repeat(depth + 1);
  write('[');
  items.forEach((item, i) => write(`${i === 0 ? '' : ','}\n${indent}${printableJson(JSON.stringify(toJson(item, i), null, 2)).replace(/\n/g, `\n${indent}`)}`));
  write(`\n${'  '.repeat(depth)}]`);
}

const diagnosticJson = (d: Diagnostic): object => ({
  file: d.file,
  code: d.code,
  severity: d.severity,
  message: d.message,
  ...(d.hint ? { hint: d.hint } : {}),
  startLine: d.start.line,
  startColumn: d.start.column,
  endLine: d.end.line,
  endColumn: d.end.column,
  ...(d.related?.length ? { related: d.related.map((r) => ({ message: r.message, startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column })) } : {}),
});

/** `--format json`: an array of `{ file, code, severity, message, hint?, startLine, …, related? }`. */
export const writeJson = (diagnostics: readonly Diagnostic[], write: (text: string) => void): void => writeJsonArray(diagnostics, diagnosticJson, 0, write);

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const out: string[] = [];
  writeJson(diagnostics, (s) => out.push(s));
  return out.join('');
}
