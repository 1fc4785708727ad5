/**
 * Quick fixes: the catalogue's mechanical fixes (grammar/messages.ts `fix`) as text edits. A fix is
 * offered only when the edited file still reads as well as before: a replacement written inside a
 * quoted YAML string must not break the quoting.
 */
import { type Diagnostic, parseRuleFile } from '../grammar/index.js';
import type { Edit } from './navigate.js';

export interface QuickFix {
  readonly title: string;
  readonly diagnostic: Diagnostic;
  readonly edit: Edit;
}

function editOf(text: string, d: Diagnostic): Edit | undefined {
  const fix = d.fix;
  if (!fix) return undefined;
  if (fix.at !== 'end') return { start: d.start.offset, end: d.end.offset, text: fix.text };
  const gap = text === '' || text.endsWith('\n') ? '' : '\n';
  return { start: text.length, end: text.length, text: gap + fix.text };
}

/** Diagnostics of the YAML and of rule syntax: what a fix must not add to. */
const syntaxProblems = (text: string): number => parseRuleFile(text, 'permissions.yml').diagnostics.filter((d) => d.severity === 'error').length;

export function quickFixes(text: string, diagnostics: readonly Diagnostic[]): QuickFix[] {
  const before = syntaxProblems(text);
  return diagnostics.flatMap((d) => {
    const edit = editOf(text, d);
    if (!d.fix || !edit) return [];
    const after = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    return syntaxProblems(after) <= before ? [{ title: d.fix.title, diagnostic: d, edit }] : [];
  });
}
