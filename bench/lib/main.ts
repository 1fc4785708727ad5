import { errorText } from '../../grammar/text.js';

/** Runs a bench script's `main`: a failure prints its stack (the bench's reader wants where) and exits 1. */
export function runMain(main: () => Promise<unknown>, prefix = ''): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${prefix}${e instanceof Error && e.stack !== undefined ? e.stack : errorText(e)}\n`);
    process.exit(1);
  });
}
