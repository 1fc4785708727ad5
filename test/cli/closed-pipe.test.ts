/** A reader that closes the pipe early (`valve … | head`) ends the CLI quietly, not with an EPIPE crash. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './golden.js';

it('valve serve --help into a closed pipe exits 0 without a stack trace', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'valve.js'), 'serve', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first write
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
