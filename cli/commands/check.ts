/** `valve check FILE…`: diagnostics for each rules file; exit 0 clean, 1 errors, 2 unreadable. */
import { compileProgram } from '../../compiler/index.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { readSource, UsageError, useColor } from '../io.js';
import { formatJson, formatText, summary } from '../report.js';

export interface CheckOptions {
  readonly format: 'text' | 'json';
  readonly maxWarnings?: number;
  readonly denyWarnings?: boolean;
}

/** Problems that mean the file is not a YAML/JSON document at all (exit 2, not 1). */
const UNREADABLE = new Set(['VLV0001', 'VLV0005', 'VLV0006']);

export function runCheck(files: readonly string[], options: CheckOptions): number {
  const all: Diagnostic[] = [];
  const out: string[] = [];
  let unreadable = false;
  for (const file of files) {
    const source = readSource(file);
    const { diagnostics } = compileProgram(source, { file });
    all.push(...diagnostics);
    if (diagnostics.some((d) => UNREADABLE.has(d.code))) unreadable = true;
    if (options.format === 'text') for (const d of diagnostics) out.push(formatText(d, source, { color: useColor(process.stdout) }));
  }
  if (options.format === 'json') process.stdout.write(`${formatJson(all)}\n`);
  else process.stdout.write(`${out.map((s) => `${s}\n`).join('')}${summary(all, files.length)}\n`);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (unreadable) return 2;
  if (errors > 0) return 1;
  if (options.denyWarnings && warnings > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return 1;
  return 0;
}

export { UsageError };
