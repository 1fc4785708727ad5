/**
 * GitHub Actions workflow commands for `valve check --format github`: each diagnostic becomes an
 * annotation on the pull request's diff (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`).
 */
import { type Diagnostic, visible } from '../../grammar/index.js';
import { relativePath } from './paths.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Escaping of a command's message (GitHub's toolkit `escapeData`). */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Escaping of a property value (`escapeProperty`): also `:` and `,`, which delimit properties. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(d: Diagnostic, cwd: string): string {
  const props = [
    `file=${escapeProperty(visible(relativePath(d.file, cwd)))}`,
    `line=${d.start.line}`,
    `col=${d.start.column}`,
    `endLine=${d.end.line}`,
    `endColumn=${d.end.column}`,
    `title=${escapeProperty(d.code)}`,
  ].join(',');
  // The Actions log is a terminal (it renders SGR colours): no raw control or bidi character.
  // An annotation has one place: the related ones go into its text.
  const related = (d.related ?? []).map((r) => `\n${r.start.line}:${r.start.column}: ${visible(r.message)}`).join('');
  const message = `${visible(d.message)}${related}${d.hint ? `\nhint: ${visible(d.hint)}` : ''}`;
  return `::${COMMAND[d.severity]} ${props}::${escapeData(message)}`;
}
