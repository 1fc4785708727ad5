/** `valve explain [CODE]`: the diagnostic catalogue, or one code's explanation. */
import { CODES, MESSAGES, type Code } from '../../grammar/index.js';
import { UsageError } from '../io.js';
import { EXIT, type ExitCode } from '../exit.js';

export function runExplain(code: string | undefined): ExitCode {
  if (code === undefined) {
    for (const c of CODES) process.stdout.write(`${c}  ${MESSAGES[c].severity.padEnd(7)}  ${MESSAGES[c].summary}\n`);
    return EXIT.ok;
  }
  const key = code.toUpperCase() as Code;
  if (!(CODES as string[]).includes(key)) throw new UsageError(`unknown diagnostic code ${code}; \`valve explain\` lists them all`);
  process.stdout.write(`${key} (${MESSAGES[key].severity}): ${MESSAGES[key].summary}\n`);
  return EXIT.ok;
}
