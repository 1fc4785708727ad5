import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource, readSourceSync, SourceReadError } from '../../adapters/node/read-source.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['readSourceSync', async (p: string, max: number) => readSourceSync(p, max)],
  ['readSource', readSource],
])('%s', (_name, read) => {
  it('reads a regular file whole when it is within the limit', async () => {
    const file = join(dir, 'small.yml');
    writeFileSync(file, 'record:\n  "*": { read: true }\n');
    expect(await read(file, 1000)).toEqual({ text: 'record:\n  "*": { read: true }\n', bytes: 30, truncated: false });
  });

  it('reads no more than the limit of a larger file', async () => {
    const file = join(dir, 'large.yml');
    writeFileSync(file, 'x'.repeat(5000));
    const got = await read(file, 100);
    expect(got.text).toBe('x'.repeat(100));
    expect(got).toMatchObject({ bytes: 5000, truncated: true });
  });

  it('refuses a character device instead of reading it forever', async () => {
    await expect(read('/dev/zero', 1 << 20)).rejects.toMatchObject({ code: 'ENOTREG', message: 'is a character device, not a regular file' });
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, `fifo-${_name}`);
    execFileSync('mkfifo', [fifo]);
    await expect(read(fifo, 1000)).rejects.toMatchObject({ code: 'ENOTREG', message: 'is a FIFO, not a regular file' });
  });

  it('names a missing file and a directory plainly', async () => {
    await expect(read(join(dir, 'missing.yml'), 10)).rejects.toMatchObject({ code: 'ENOENT', message: 'no such file' });
    await expect(read(dir, 10)).rejects.toBeInstanceOf(SourceReadError);
    await expect(read(dir, 10)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
