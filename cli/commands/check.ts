/** `valve check FILE…`: diagnostics for each rules file; exit 0 clean, 1 errors, 2 unreadable. */
import { compileProgram } from '../../compiler/index.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { formatGithub } from '../formats/github.js';
import { processOutput, type Output } from '../formats/output.js';
import { formatSarif } from '../formats/sarif.js';
import { readSource, UsageError } from '../io.js';
import { formatJson, formatText, summary } from '../report.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptions {
  readonly format: CheckFormat;
  readonly maxWarnings?: number;
  readonly denyWarnings?: boolean;
  /** Schema file for the type checker (JSON Schema of user.data, records, events, RPCs). */
  readonly schema?: string;
}

/** Problems that mean the file is not a YAML/JSON document at all (exit 2, not 1). */
const UNREADABLE = new Set(['VLV0001', 'VLV0005', 'VLV0006']);

export function runCheck(files: readonly string[], options: CheckOptions, io: Output = processOutput()): number {
  const all: Diagnostic[] = [];
  const out: string[] = [];
  let unreadable = false;
  const schema = options.schema === undefined ? undefined : { text: readSource(options.schema), file: options.schema };
  let schemaReported = false;
  for (const file of files) {
    const source = readSource(file);
    // Diagnostics only: no module source is generated.
    const result = compileProgram(source, { file, emit: false, ...(schema ? { schema } : {}) });
    // The schema's own problems are the same for every rules file: report them once.
    const diagnostics = result.diagnostics.filter((d) => d.file !== schema?.file || !schemaReported);
    if (schema && result.diagnostics.some((d) => d.file === schema.file)) schemaReported = true;
    all.push(...diagnostics);
    if (diagnostics.some((d) => UNREADABLE.has(d.code))) unreadable = true;
    const textOf = (d: Diagnostic): string => (schema && d.file === schema.file ? schema.text : source);
    if (options.format === 'text') for (const d of diagnostics) out.push(formatText(d, textOf(d), { color: io.color }));
    if (options.format === 'github') for (const d of diagnostics) out.push(formatGithub(d, io.cwd));
  }
  if (options.format === 'json') io.out(`${formatJson(all)}\n`);
  else if (options.format === 'sarif') io.out(`${formatSarif(all, { cwd: io.cwd })}\n`);
  else io.out(`${out.map((s) => `${s}\n`).join('')}${summary(all, files.length)}\n`);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (unreadable) return 2;
  if (errors > 0) return 1;
  if (options.denyWarnings && warnings > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return 1;
  return 0;
}

export { UsageError };
