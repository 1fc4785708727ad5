/**
 * Runs named `valve` argument lists through test/cli/harness.ts in ONE child process (each CLI
 * start costs about two seconds) and returns each run's exit code and output by name.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './golden.js';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` is merged over this process's environment (a value of undefined removes a variable). */
export function runBatch<K extends string>(runs: Readonly<Record<K, readonly string[]>>, env: Readonly<Record<string, string | undefined>> = {}): Record<K, Run> {
  const names = Object.keys(runs) as K[];
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'test/cli/harness.ts'), JSON.stringify(names.map((n) => runs[n]))], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`harness failed (${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout) as Run[];
  return Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<K, Run>;
}
