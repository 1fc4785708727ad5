#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('valve: not built yet; run `npm install` (or `npm run build`) in the repository first\n');
  process.exit(2); // EXIT.usage (cli/exit.ts): this launcher runs before anything is built
}
// `valve … | head` closes the pipe before we are done writing: the reader has what it wanted, so
// stop quietly with the exit code so far instead of dying on an unhandled EPIPE. Installed here,
// once per process, not in cli/main.ts, which tests import many times in one process.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}
// Load chevrotain as its single-file build (see chevrotain-bundle.js); `register` needs Node 20.6+.
if (typeof nodeModule.register === 'function') nodeModule.register('./chevrotain-bundle.js', import.meta.url);
await import(main.href);
