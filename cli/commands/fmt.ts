/**
 * `valve fmt [--check | --write] FILES…`: every rule in its canonical text (grammar/format.ts).
 * No flag prints the formatted files; --check lists those that would change (exit 1); --write
 * rewrites them. A file with errors is never formatted: its diagnostics, and exit 2.
 */
import { writeFileSync } from 'node:fs';
import { errorText, formatFile, visible } from '../../grammar/index.js';
import { readRules, UsageError } from '../io.js';
import { formatText } from '../report.js';
import { processOutput, type Output } from '../formats/output.js';
import { EXIT, type ExitCode } from '../exit.js';

export interface FmtOptions {
  readonly check?: boolean;
  readonly write?: boolean;
}

export function runFmt(files: readonly string[], options: FmtOptions = {}, io: Output = processOutput()): ExitCode {
  if (options.check && options.write) throw new UsageError('--check and --write can not be used together');
  let code: ExitCode = EXIT.ok;
  const worse = (c: ExitCode): void => void (code = Math.max(code, c) as ExitCode);
  for (const file of files) {
    const { text: source, tooLarge } = readRules(file);
    const result = tooLarge ? { text: source, diagnostics: [tooLarge], changed: false } : formatFile(source, file);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      for (const d of errors) io.err(`${formatText(d, source, { color: io.errColor })}\n`);
      io.err(`valve: ${visible(file)} has errors; it was not formatted\n`);
      worse(EXIT.usage);
      continue;
    }
    if (options.check) {
      if (result.changed) {
        io.out(`${visible(file)}: would be reformatted\n`);
        worse(EXIT.failed);
      }
    } else if (options.write) {
      if (!result.changed) continue;
      try {
        writeFileSync(file, result.text);
      } catch (e) {
        throw new UsageError(`cannot write ${visible(file)}: ${errorText(e)}`);
      }
      io.out(`${visible(file)}: formatted\n`);
    } else io.out(result.text);
  }
  return code;
}
