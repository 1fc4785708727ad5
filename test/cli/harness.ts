/**
 * Runs several `valve` invocations in one Node process (each CLI spawn costs about two seconds of
 * start-up): for each argument list, cli/main.ts is imported afresh with that process.argv and its
 * output captured. Usage: node --import tsx harness.ts '<JSON array of argument arrays>'.
 * Prints a JSON array of { code, stdout, stderr }.
 */
import { pathToFileURL } from 'node:url';

const main = pathToFileURL(new URL('../../cli/main.ts', import.meta.url).pathname).href;
const runs = JSON.parse(process.argv[2] ?? '[]') as string[][];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
const results: { code: number; stdout: string; stderr: string }[] = [];
const node = process.argv[0];

for (const [i, args] of runs.entries()) {
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.argv = [node, 'valve', ...args];
  process.exitCode = undefined;
  try {
    await import(`${main}?run=${i}`);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  results.push({ code: Number(process.exitCode ?? 0), stdout, stderr });
}
process.exitCode = 0;
realOut(`${JSON.stringify(results)}\n`);
