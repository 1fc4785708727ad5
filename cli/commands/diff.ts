/**
 * `valve diff OLD NEW [--format text|json]`: every section/action whose decisions change, in
 * which direction, with an example request (and records) that the engine confirms on both files.
 * Exit 0 equivalent, 1 decisions differ, 2 bad input, 3 could not decide (unknowns and no change).
 */
import { diffRules, releaseSolver, type Change, type DiffReport } from '../../analysis/index.js';
import { readRules } from '../io.js';
import { formatText, paint } from '../report.js';
import { processOutput, type Output } from '../formats/output.js';
import { EXIT } from '../exit.js';
import { plural } from '../../grammar/index.js';

export interface DiffCommandOptions {
  readonly format?: 'text' | 'json';
  /** Per solver query, in milliseconds. */
  readonly timeoutMs?: number;
}

/** Exit code of a diff that could not decide some section/action and found no change. */
export const UNDECIDED = 3;

export async function runDiff(oldFile: string, newFile: string, options: DiffCommandOptions = {}, io: Output = processOutput()): Promise<number> {
  const sources = [oldFile, newFile].map((file) => ({ file, ...readRules(file) }));
  for (const s of sources) {
    if (s.tooLarge) {
      io.err(`${formatText(s.tooLarge, s.text, { color: io.errColor })}\n`);
      return EXIT.usage;
    }
  }
  try {
    const result = await diffRules(sources[0], sources[1], options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    if ('errors' in result) {
      for (const d of result.errors) {
        const source = sources.find((s) => s.file === d.file)?.text ?? '';
        io.err(`${formatText(d, source, { color: io.errColor })}\n`);
      }
      io.err('valve: the rules have errors; nothing was compared\n');
      return EXIT.usage;
    }
    const { report } = result;
    io.out(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : textReport(report, oldFile, newFile, io.color));
    return report.changes.length > 0 ? EXIT.failed : report.unknown.length > 0 ? UNDECIDED : EXIT.ok;
  } finally {
    await releaseSolver();
  }
}

const rule = (r: Change['old']): string => (r ? `${JSON.stringify(r.pattern)} at ${r.location}` : 'no rule (denied)');

/** One block per change: the direction, the deciding rules, and the example as `valve eval` takes it. */
function textReport(report: DiffReport, oldFile: string, newFile: string, color: boolean): string {
  const lines: string[] = [];
  for (const c of report.changes) {
    const verb = c.direction === 'allows-more' ? paint(color, '31;1', 'allows more') : paint(color, '33;1', 'allows less');
    lines.push(`${c.section} ${c.action}: ${newFile} ${verb} than ${oldFile}`);
    lines.push(`  old: ${rule(c.old)}`);
    lines.push(`  new: ${rule(c.new)}`);
    lines.push(`  example: --request '${JSON.stringify(c.example.request)}'${Object.keys(c.example.records).length ? ` --records '${JSON.stringify(c.example.records)}'` : ''}`);
    lines.push(`  ${c.direction === 'allows-more' ? 'new allows it, old denies it' : 'old allows it, new denies it'}`);
  }
  for (const u of report.unknown) lines.push(`${u.section} ${u.action}: could not decide: ${u.reason}`);
  const summary = report.equivalent
    ? 'equivalent: every request is decided the same by both files'
    : `${plural(report.changes.length, 'change')}${report.unknown.length ? `, ${report.unknown.length} undecided` : ''}`;
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}
