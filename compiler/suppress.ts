/**
 * `# valve-ignore CODE[, CODE…]` on the line above a rule (or a pattern, or a section) silences
 * those warnings and notes for the lines that entry covers. Errors can not be silenced. Without
 * codes every warning and note there is silenced.
 */
import type { Diagnostic } from '../grammar/index.js';

interface Suppression {
  readonly from: number;
  readonly to: number;
  readonly codes: ReadonlySet<string> | 'all';
}

const indent = (line: string): number => line.length - line.trimStart().length;
const isBlankOrComment = (line: string): boolean => /^\s*(#.*)?$/.test(line);

function suppressions(text: string): Suppression[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Suppression[] = [];
  lines.forEach((line, i) => {
    const m = /#\s*valve-ignore\b([^#]*)/.exec(line);
    if (!m || !/^\s*#/.test(line)) return;
    let target = i + 1;
    while (target < lines.length && isBlankOrComment(lines[target])) target++;
    if (target >= lines.length) return;
    let end = target;
    const depth = indent(lines[target]);
    while (end + 1 < lines.length && (isBlankOrComment(lines[end + 1]) || indent(lines[end + 1]) > depth)) end++;
    const codes = m[1].split(/[\s,]+/).filter((c) => /^VLV\d{4}$/i.test(c)).map((c) => c.toUpperCase());
    // 1-based lines
    out.push({ from: target + 1, to: end + 1, codes: codes.length ? new Set(codes) : 'all' });
  });
  return out;
}

export function applySuppressions(text: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const list = suppressions(text);
  if (!list.length) return [...diagnostics];
  return diagnostics.filter(
    (d) => d.severity === 'error' || !list.some((s) => d.start.line >= s.from && d.start.line <= s.to && (s.codes === 'all' || s.codes.has(d.code))),
  );
}
