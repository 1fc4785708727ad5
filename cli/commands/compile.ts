/** `valve compile FILE [-o OUT]`: writes the generated ES module (stdout when no -o). */
import { writeFileSync } from 'node:fs';
import { compileProgram } from '../../compiler/index.js';
import { type Environment, errorText, plural } from '../../grammar/index.js';
import { readRules, UsageError, useColor } from '../io.js';
import { formatText, summary } from '../report.js';
import { EXIT, type ExitCode } from '../exit.js';

export function runCompile(file: string, options: { readonly out?: string; readonly env?: Environment }): ExitCode {
  const { text: source, tooLarge } = readRules(file);
  const result = tooLarge ? { diagnostics: [tooLarge], moduleSource: undefined } : compileProgram(source, { file, ...(options.env ? { env: options.env } : {}) });
  for (const d of result.diagnostics) process.stderr.write(`${formatText(d, source, { color: useColor(process.stderr) })}\n`);
  if (result.moduleSource === undefined) {
    process.stderr.write(`${summary(result.diagnostics, 1)}\n`);
    return EXIT.failed;
  }
  if (!options.out) {
    process.stdout.write(result.moduleSource);
    return EXIT.ok;
  }
  try {
    writeFileSync(options.out, result.moduleSource);
  } catch (e) {
    throw new UsageError(`cannot write ${options.out}: ${errorText(e)}`);
  }
  // Success said in one line (stderr: without -o, stdout is the module), so a build log shows what happened.
  const rules = result.program?.rules ?? [];
  const patterns = new Set(rules.map((r) => `${r.section}\0${r.pattern}`)).size;
  process.stderr.write(`wrote ${options.out}: ${plural(patterns, 'pattern')}, ${plural(rules.length, 'rule')}, from ${file}\n`);
  return EXIT.ok;
}
