/** The `valve` command line: commander wiring and exit codes only; the work lives in commands/. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runCheck } from './commands/check.js';
import { runCompile } from './commands/compile.js';
import { runExplain } from './commands/explain.js';
import { UsageError } from './io.js';
import { packageVersion } from './package.js';
import { errorText } from '../grammar/index.js';
import { EXIT } from './exit.js';

const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

/** `--substitute-env`: the process environment as it is now, for the compiler's `env`. */
const withEnv = (o: { substituteEnv?: boolean }): { env?: Readonly<Record<string, string | undefined>> } => (o.substituteEnv === true ? { env: { ...process.env } } : {});

let exitCode: number = EXIT.ok;
const program = new Command()
  .name('valve')
  .description('Check, compile and run Valve permission rules (permissions.yml) for deepstream')
  .version(packageVersion())
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(s) });

program
  .command('check')
  .description('report every problem in rules files as FILE:LINE:COL: severity CODE: message')
  .argument('<files...>', 'permissions.yml / .json files')
  .addOption(new Option('--format <format>', 'output format: text, json, sarif (GitHub code scanning), github (workflow annotations)').choices(['text', 'json', 'sarif', 'github']).default('text'))
  .option('--max-warnings <n>', 'fail when there are more warnings than this', count)
  .option('--deny-warnings', 'fail on any warning')
  .option('--schema <file>', 'type-check against a schema file (JSON Schema of user.data, records, events and RPC payloads)')
  .option('--substitute-env', 'replace ${NAME} in path patterns from the environment (deepstream\'s substituteEnv; never inside rules)')
  .addHelpText('after', `
Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors, 2 usage or unreadable input.

Examples:
  $ valve check permissions.yml
  $ valve check rules/*.yml --deny-warnings
  $ valve check permissions.yml --format json
  $ valve check permissions.yml --schema permissions.schema.yml
  $ valve check permissions.yml --format sarif > valve.sarif     # upload with github/codeql-action/upload-sarif
  $ valve check permissions.yml --format github                 # annotations in a GitHub Actions run
  $ TENANT=acme valve check permissions.yml --substitute-env    # "\${TENANT}/*" checked as "acme/*"`)
  .action((files: string[], o: { format: 'text' | 'json' | 'sarif' | 'github'; maxWarnings?: number; denyWarnings?: boolean; schema?: string; substituteEnv?: boolean }) => {
    exitCode = runCheck(files, { ...o, ...withEnv(o) });
  });

program
  .command('compile')
  .description('write the compiled rules as an ES module')
  .argument('<file>', 'permissions.yml / .json file')
  .option('-o, --out <file>', 'output file (default: standard output)')
  .option('--substitute-env', 'replace ${NAME} in path patterns from the environment (deepstream\'s substituteEnv; never inside rules)')
  .addHelpText('after', `
The module's default export is a factory; load it with no eval at run time:
  createEngine({ rules: await import('./permissions.rules.mjs') })

Examples:
  $ valve compile permissions.yml -o permissions.rules.mjs
  $ valve compile permissions.yml > permissions.rules.mjs`)
  .action((file: string, o: { out?: string; substituteEnv?: boolean }) => {
    exitCode = runCompile(file, { ...o, ...withEnv(o) });
  });

program
  .command('explain')
  .description('list every diagnostic code, or explain one')
  .argument('[code]', 'a code such as VLV0301')
  .addHelpText('after', `
Examples:
  $ valve explain
  $ valve explain VLV0301`)
  .action((code: string | undefined) => {
    exitCode = runExplain(code);
  });

// ---- `valve test` and `valve eval` (cli/commands/test.ts, eval.ts) -----------------------------
const percent = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('expected a percentage from 0 to 100');
  return n;
};

program
  .command('test')
  .description('run rule tests (*.test.yml): requests with the decision each must get')
  .argument('<files...>', '*.test.yml files')
  .option('--coverage', 'report which rules, outcomes and sub-expressions the tests exercised')
  .option('--coverage-threshold <pct>', 'fail (exit 1) when fewer than PCT% of the rules were seen both allowing and denying (implies --coverage)', percent)
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--substitute-env', 'replace ${NAME} in path patterns from the environment (deepstream\'s substituteEnv; never inside rules)')
  .addHelpText('after', `
Prints one line per failing test and ends with the line "N passed, N failed".
Exit codes: 0 all passed, 1 a test failed or coverage is below the threshold, 2 an invalid test file.

Examples:
  $ valve test examples/permissions.test.yml
  $ valve test tests/*.test.yml --coverage
  $ valve test permissions.test.yml --coverage-threshold 90
  $ valve test permissions.test.yml --format json`)
  .action(async (files: string[], o: { coverage?: boolean; coverageThreshold?: number; format: 'text' | 'json'; substituteEnv?: boolean }) => {
    const { runTest } = await import('./commands/test.js');
    exitCode = await runTest(files, { ...o, ...withEnv(o) });
  });

program
  .command('eval')
  .description('decide one request and print the decision as JSON (--explain: why)')
  .requiredOption('--permissions <file>', 'permissions.yml / .json file')
  .requiredOption('--request <json>', 'the request as JSON, or @file.json, e.g. {"record":"profile/alice","action":"read","user":{"id":"alice"}}')
  .option('--records <json>', 'records that _() and oldData see, as JSON {"name": data} or @file.json')
  .option('--explain', 'show the chosen pattern and rule, the $variables and the value of every sub-expression')
  .addOption(new Option('--format <format>', 'output format (default: json; text with --explain)').choices(['json', 'text']))
  .option('--substitute-env', 'replace ${NAME} in path patterns from the environment (deepstream\'s substituteEnv; never inside rules)')
  .addHelpText('after', `
A request names exactly one of record / event / rpc / presence, as in a test file
(or gives "type" and "name" as the library's CheckRequest does); "user" omitted means an
unauthenticated connection. Exit codes: 0 a decision was printed (allow or deny), 2 invalid input.

Examples:
  $ valve eval --permissions permissions.yml --request '{"record":"profile/alice","action":"read","user":{"id":"alice"}}'
  $ valve eval --permissions permissions.yml --request @request.json --records @records.json --explain
  $ valve eval --permissions permissions.yml --request '{"event":"chat/dev/typing","action":"publish","user":{"id":"bob"},"data":{"userId":"bob"}}' --explain --format json`)
  .action(async (o: { permissions: string; request: string; records?: string; explain?: boolean; format?: 'json' | 'text'; substituteEnv?: boolean }) => {
    const { runEval } = await import('./commands/eval.js');
    exitCode = await runEval({ ...o, ...withEnv(o) });
  });

program.addHelpText('after', `
Examples:
  $ valve check permissions.yml                         # every problem, with line:column and a hint
  $ valve check permissions.yml --format github         # annotations in GitHub Actions (also: json, sarif)
  $ valve test permissions.test.yml --coverage          # run rule tests, show what they exercised
  $ valve eval --permissions permissions.yml --request '{"record":"a/b","action":"read"}' --explain
  $ valve compile permissions.yml -o permissions.rules.mjs
  $ valve explain VLV0301

Run \`valve help <command>\` for a command's options and examples.`);
// ---- end of `valve test` and `valve eval` ----------------------------------------------------

// ---- `valve diff` (cli/commands/diff.ts): what a change of the rules changes ---------------------
program
  .command('diff')
  .description('compare two rules files: every section/action whose decisions change, with an example request')
  .argument('<old>', 'the rules before (permissions.yml / .json)')
  .argument('<new>', 'the rules after')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--timeout-ms <ms>', 'time for each solver query (default 10000)', (v: string) => count(v))
  .addHelpText('after', `
Every example is run through the engine on both files before it is printed.
Exit codes: 0 equivalent, 1 decisions differ, 2 usage or invalid input, 3 could not decide (and no change found).

Examples:
  $ valve diff old/permissions.yml permissions.yml
  $ valve diff old.yml new.yml --format json`)
  .action(async (oldFile: string, newFile: string, o: { format: 'text' | 'json'; timeoutMs?: number }) => {
    const { runDiff } = await import('./commands/diff.js');
    exitCode = await runDiff(oldFile, newFile, o);
  });
// ---- end of `valve diff` ----------------------------------------------------------------------

// ---- `valve fmt` (cli/commands/fmt.ts): every rule in its canonical text -----------------------
program
  .command('fmt')
  .description('rewrite every rule in its canonical text (spacing, parentheses); YAML layout, key order and comments are kept')
  .argument('<files...>', 'permissions.yml / .json files')
  .option('--check', 'change nothing; list the files that would change and exit 1 if any would')
  .option('--write', 'rewrite the files in place')
  .addHelpText('after', `
Without --check or --write the formatted text is printed to standard output.
Exit codes: 0 done (or, with --check, nothing would change), 1 --check found files to format,
2 usage problems or a file with errors (not formatted; its diagnostics are printed).

Examples:
  $ valve fmt permissions.yml                 # the formatted file on standard output
  $ valve fmt --check rules/*.yml             # in CI
  $ valve fmt --write permissions.yml`)
  .action(async (files: string[], o: { check?: boolean; write?: boolean }) => {
    const { runFmt } = await import('./commands/fmt.js');
    exitCode = runFmt(files, o);
  });
// ---- end of `valve fmt` -----------------------------------------------------------------------

// ---- `valve serve` (cli/commands/serve.ts): a deepstream server with the Valve plugin ----------
program
  .command('serve')
  .description('run a local deepstream server (ws://127.0.0.1:6020/deepstream) whose permissions are Valve rules')
  .option('--permissions <file|url>', 'rules file: .yml/.json, or a module written by `valve compile` (default: examples/permissions.yml); or an http(s) URL serving YAML/JSON rules')
  .option('--port <n>', 'port to listen on (0 picks a free one)', (v: string) => count(v), 6020)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--users <file>', 'deepstream users file (YAML/JSON): file authentication; serverData becomes user.data')
  .option('--log-level <level>', 'deepstream log level: DEBUG, INFO, WARN, ERROR, OFF', 'INFO')
  .option('--no-watch', 'do not reload the rules when the file changes')
  .option('--settle-ms <ms>', 'wait until a changed rules file is unchanged this long before loading it (default 1000; 0 with --reload rename)', (v: string) => count(v))
  .addOption(new Option('--reload <mode>', 'change: reload on any change once the file settles; rename: only when a new file is renamed over it (in-place writes are ignored)').choices(['change', 'rename']).default('change'))
  .option('--substitute-env', 'replace ${NAME} in path patterns from the server\'s environment at every load (deepstream\'s substituteEnv; never inside rules)')
  .option('--redis <url>', 'join a cluster over Redis (redis://HOST:PORT[/DB]): message bus and record cache')
  .option('--storage <url>', 'store records in Postgres (postgres://USER@HOST:PORT/DATABASE)')
  .option('--poll-ms <ms>', 'with a URL for --permissions: poll it this often (default 5000)', (v: string) => count(v))
  .option('--decision-log <to>', 'log each deny (and sampled allows) as a JSON line to stdout, logger (deepstream\'s) or a file')
  .option('--decision-log-allows <rate>', 'the share of allows logged, 0 to 1 (default 0)', (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
    return n;
  })
  .option('--decision-log-payload', 'include the request\'s data in decision log lines (left out by default)')
  .option('--name <name>', 'the server name (unique per node; default valve-serve, or valve-HOST-PID with --redis)')
  .addHelpText('after', `
Hot reload: save the rules by writing a temporary file and renaming it over the rules file
(what most editors do); with --reload rename that is the only kind of save that is loaded.

Examples:
  $ valve serve --permissions permissions.yml
  $ valve serve --permissions permissions.yml --users users.yml --port 7000
  $ valve serve --permissions permissions.yml --reload rename
  $ valve serve --port 6021 --name node-a --redis redis://127.0.0.1:6379 --storage postgres://ds@127.0.0.1:5432/ds

GET http://HOST:PORT/valve answers with the rules version the node enforces.`)
  .action((o: { permissions?: string; port: number; host: string; users?: string; logLevel: string; watch: boolean; settleMs?: number; reload: 'change' | 'rename'; substituteEnv?: boolean; redis?: string; storage?: string; name?: string; pollMs?: number; decisionLog?: string; decisionLogAllows?: number; decisionLogPayload?: boolean }) => {
    void import('./commands/serve.js')
      .then(({ runServe }) => runServe(o))
      .then((code) => process.exit(code), (e: unknown) => {
        process.stderr.write(`valve: internal error: ${errorText(e)}\n`);
        process.exit(EXIT.internal);
      });
  });
// ---- end of `valve serve` ---------------------------------------------------------------------

// ---- `valve status` (cli/commands/status.ts): the rules version of each cluster node ---------
program
  .command('status')
  .description('print the rules version each `valve serve` node enforces (its GET /valve); exit 0 when all agree')
  .argument('<urls...>', 'each node\'s HTTP address, e.g. http://127.0.0.1:6021')
  .option('--expect <version|file>', 'exit 0 only when every node is on this version (or on the version of this rules file)')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addHelpText('after', `
Exit codes: 0 every node answered with the same version (the one --expect names) and none refused
a newer file, 1 otherwise (a node unreachable, on another version, or refusing a file), 2 a bad URL.

Examples:
  $ valve status http://127.0.0.1:6021 http://127.0.0.1:6022
  $ valve status 127.0.0.1:6021 127.0.0.1:6022 --expect 6d0165a3fa86ac50
  $ valve status 127.0.0.1:6021 127.0.0.1:6022 --expect permissions.yml`)
  .action(async (urls: string[], o: { expect?: string; format: 'text' | 'json' }) => {
    const { runStatus } = await import('./commands/status.js');
    exitCode = await runStatus(urls, o);
  });
// ---- end of `valve status` --------------------------------------------------------------------

// ---- `valve playground` (cli/commands/playground.ts): the rules playground in a browser -------
program
  .command('playground')
  .description('edit, check and try rules in the browser: builds the playground if needed and serves it on 127.0.0.1')
  .argument('[file]', 'rules file to open (default: examples/permissions.yml); FILE.test.yml and FILE.schema.yml beside it are loaded too')
  .option('--port <n>', 'first port to try; the next free one is used (0 picks any)', (v: string) => count(v), 5173)
  .option('--rebuild', 'rebuild the playground even when the build is up to date')
  .addHelpText('after', `
Examples:
  $ valve playground                       # examples/permissions.yml at http://127.0.0.1:5173/
  $ valve playground permissions.yml --port 8080`)
  .action(async (file: string | undefined, o: { port: number; rebuild?: boolean }) => {
    const { runPlayground } = await import('./commands/playground.js');
    exitCode = await runPlayground(file, o);
  });
// ---- end of `valve playground` ----------------------------------------------------------------

// ---- `valve lsp` (cli/commands/lsp.ts): the language server for editors -----------------------
program
  .command('lsp')
  .description('run the language server on standard input and output (for editors: diagnostics, hover, completion, go to definition, rename, quick fixes, outline, highlighting)')
  .option('--stdio', 'talk over standard input and output (the only transport; accepted because clients pass it)')
  // Language clients add options of their own (e.g. --clientProcessId); the server needs none of them.
  .allowUnknownOption()
  .addHelpText('after', `
Point the editor's language client at \`valve lsp\` (or \`npx valve lsp --stdio\`) for permissions*.yml files.

Examples:
  $ valve lsp --stdio`)
  .action(async () => {
    const { runLsp } = await import('./commands/lsp.js');
    exitCode = await runLsp();
  });
// ---- end of `valve lsp` -----------------------------------------------------------------------

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else if (e instanceof UsageError) {
    process.stderr.write(`valve: ${e.message}\n`);
    exitCode = EXIT.usage;
  } else {
    process.stderr.write(`valve: internal error: ${errorText(e)}\n`);
    exitCode = EXIT.internal;
  }
}
process.exitCode = exitCode;
