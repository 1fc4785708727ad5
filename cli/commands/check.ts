/** `valve check FILE…`: diagnostics for each rules file; exit 0 clean, 1 errors, 2 unreadable. */
import { compileProgram } from '../../compiler/index.js';
import type { Diagnostic, Environment } from '../../grammar/index.js';
import { formatGithub } from '../formats/github.js';
import { processOutput, type Output } from '../formats/output.js';
import { writeSarif } from '../formats/sarif.js';
import { readRules, UsageError } from '../io.js';
import { formatText, summary, writeJson } from '../report.js';
import { EXIT, type ExitCode } from '../exit.js';

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckCommandOptions {
  readonly format: CheckFormat;
  readonly maxWarnings?: number;
  readonly denyWarnings?: boolean;
  /** Schema file for the type checker (JSON Schema of user.data, records, events, RPCs). */
  readonly schema?: string;
  /** `--substitute-env`: replace `${NAME}` in path patterns from these values (deepstream's substituteEnv). */
  readonly env?: Environment;
}

/** Problems that mean the file is not a YAML/JSON document at all (exit 2, not 1). */
const UNREADABLE = new Set(['VLV0001', 'VLV0005', 'VLV0006']);

export function runCheck(files: readonly string[], options: CheckCommandOptions, io: Output = processOutput()): ExitCode {
  const all: Diagnostic[] = [];
  let unreadable = false;
  const schemaFile = options.schema;
  const schemaRead = schemaFile === undefined ? undefined : readRules(schemaFile);
  // A schema over maxFileSize is reported as the compiler reports one: and the rules are checked without it.
  const schema = schemaFile !== undefined && schemaRead && !schemaRead.tooLarge ? { text: schemaRead.text, file: schemaFile } : undefined;
  let schemaReported = false;
  for (const file of files) {
    const { text: source, tooLarge } = readRules(file);
    // Diagnostics only: no module source is generated.
    const found = [...(schemaRead?.tooLarge ? [schemaRead.tooLarge] : []), ...(tooLarge ? [tooLarge] : compileProgram(source, { file, emit: false, ...(schema ? { schema } : {}), ...(options.env ? { env: options.env } : {}) }).diagnostics)];
    // The schema's own problems are the same for every rules file: report them once.
    const diagnostics = found.filter((d) => d.file !== schemaFile || !schemaReported);
    if (found.some((d) => d.file === schemaFile)) schemaReported = true;
    if (diagnostics.some((d) => UNREADABLE.has(d.code))) unreadable = true;
    // Written per diagnostic: a file with 20,000 problems never becomes one string. (Not
    // `all.push(...diagnostics)`: 300,000 arguments overflow the stack.)
    for (const d of diagnostics) {
      all.push(d);
      if (options.format === 'text') io.out(`${formatText(d, d.file === schemaFile && schemaRead ? schemaRead.text : source, { color: io.color })}\n`);
      if (options.format === 'github') io.out(`${formatGithub(d, io.cwd)}\n`);
    }
  }
  // JSON and SARIF are written an element at a time too, not built as one string.
  if (options.format === 'json') writeJson(all, io.out);
  else if (options.format === 'sarif') writeSarif(all, { cwd: io.cwd }, io.out);
  else io.out(summary(all, files.length));
  io.out('\n');
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (unreadable) return EXIT.usage;
  if (errors > 0) return EXIT.failed;
  if (options.denyWarnings && warnings > 0) return EXIT.failed;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return EXIT.failed;
  return EXIT.ok;
}

export { UsageError };
