/** The `valve` command line: commander wiring and exit codes only; the work lives in commands/. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runCheck } from './commands/check.js';
import { runCompile } from './commands/compile.js';
import { runExplain } from './commands/explain.js';
import { UsageError } from './io.js';

const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

let exitCode = 0;
const program = new Command()
  .name('valve')
  .description('Check, compile and run Valve permission rules (permissions.yml) for deepstream')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(s) });

program
  .command('check')
  .description('report every problem in rules files as FILE:LINE:COL: severity CODE: message')
  .argument('<files...>', 'permissions.yml / .json files')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--max-warnings <n>', 'fail when there are more warnings than this', count)
  .option('--deny-warnings', 'fail on any warning')
  .action((files: string[], o: { format: 'text' | 'json'; maxWarnings?: number; denyWarnings?: boolean }) => {
    exitCode = runCheck(files, o);
  });

program
  .command('compile')
  .description('write the compiled rules as an ES module')
  .argument('<file>', 'permissions.yml / .json file')
  .option('-o, --out <file>', 'output file (default: standard output)')
  .action((file: string, o: { out?: string }) => {
    exitCode = runCompile(file, o);
  });

program
  .command('explain')
  .description('list every diagnostic code, or explain one')
  .argument('[code]', 'a code such as VLV0301')
  .action((code: string | undefined) => {
    exitCode = runExplain(code);
  });

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError) exitCode = e.exitCode === 0 ? 0 : 2;
  else if (e instanceof UsageError) {
    process.stderr.write(`valve: ${e.message}\n`);
    exitCode = 2;
  } else {
    process.stderr.write(`valve: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    exitCode = 70;
  }
}
process.exitCode = exitCode;
