/** untilSignalled: how `valve serve` and `valve playground` end, at SIGINT (Ctrl-C) or SIGTERM. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './golden.js';

function runUntil(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'test/cli/fixtures/until-signalled.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout === 'ready\n') child.kill(signal);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

describe('untilSignalled', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('at %s says it is stopping, stops and exits 0', async (signal) => {
    expect(await runUntil(signal)).toEqual({ code: 0, stdout: 'ready\nvalve demo: stopping\nstopped\n' });
  });
});
