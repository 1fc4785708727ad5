/**
 * `valve check` on files built to break it (issue #13): a one-line file with 20,000 problems, a
 * file far over the size limit, escape sequences in a key, a FIFO and /dev/zero. Each must end
 * with bounded output and a clear message, never a heap overflow, a hang or a raw escape.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'valve-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI from source. `heapMb` caps the V8 heap, so "bounded memory" is checked by the
 * process surviving; `timeout` kills a CLI that hangs (the test then fails on its exit status).
 */
function valve(args: readonly string[], heapMb?: number): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), '--import', import.meta.resolve('tsx'), join(root, 'cli/main.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 100_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const longestLine = (text: string): number => text.split('\n').reduce((m, l) => Math.max(m, l.length), 0);

const REST_JSON = '"event":{"*":{"publish":true,"subscribe":true,"listen":true}},"rpc":{"*":{"provide":true,"request":true}},"presence":{"*":{"allow":true}}';
const REST_YAML = 'event:\n  "*": { publish: true, subscribe: true, listen: true }\nrpc:\n  "*": { provide: true, request: true }\npresence:\n  "*": { allow: true }\n';

describe('valve check on hostile files', () => {
  it('prints 20,000 problems of a 689 kB one-line file in a 256 MB heap, every line short', { timeout: 240_000 }, () => {
    const patterns = ['"*":{"read":true}'];
    for (let i = 0; i < 20_000; i++) patterns.push(`"p${i}":{"read":"oldData.x == 1"}`);
    const file = write('one-line.json', `{"record":{${patterns.join(',')}},${REST_JSON}}`);
    const r = valve(['check', file], 256);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 errors, 20000 warnings in 1 file');
    expect(longestLine(r.stdout)).toBeLessThanOrEqual(500);
    expect(r.stdout.length).toBeLessThanOrEqual(20_000 * 1_000);
    const sarif = valve(['check', '--format', 'sarif', file], 256);
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0].results).toHaveLength(20_000);
  });

  it('reports a 50 MB one-line file as VLV0701 in a few short lines', { timeout: 120_000 }, () => {
    const file = write('huge.json', `{"record":{"*":{"read":"${'x'.repeat(50 * 1024 * 1024)}"}}}`);
    const r = valve(['check', file], 256);
    rmSync(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error VLV0701: the permissions file has at least \d+ characters \(52428\d+ bytes\), more than the limit of 1048576/);
    expect(r.stdout.length).toBeLessThanOrEqual(2_000);
  });

  it('prints escape sequences in a key escaped, in text and github output', { timeout: 60_000 }, () => {
    const file = write('escape.yml', `record:\n  "*": { read: true }\n  "a\\e]0;pwned\\a\\e[2J\\u202e": true\n${REST_YAML}`);
    for (const format of ['text', 'github']) {
      const r = valve(['check', '--format', format, file]);
      // `]…[` in the key is regular-expression syntax (VLV0118): its message quotes the key's characters too.
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('VLV0114');
      expect(r.stdout).toContain('VLV0118');
      expect(r.stdout).toContain('a\\x1b]0;pwned\\x07\\x1b[2J\\u202e');
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
  });

  it('refuses a FIFO at once instead of blocking on it', { timeout: 120_000 }, () => {
    const fifo = join(dir, 'rules.yml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = valve(['check', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`valve: cannot read ${fifo}: is a FIFO, not a regular file\n`);
  });

  it('refuses /dev/zero at once instead of reading it forever', { timeout: 120_000 }, () => {
    const r = valve(['check', '/dev/zero'], 256);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('valve: cannot read /dev/zero: is a character device, not a regular file\n');
  });

  it('refuses a FIFO given as the schema', { timeout: 120_000 }, () => {
    const fifo = join(dir, 'schema.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const rules = write('ok.yml', `record:\n  "*": { read: true }\n${REST_YAML}`);
    const r = valve(['check', '--schema', fifo, rules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`valve: cannot read ${fifo}: is a FIFO, not a regular file\n`);
  });
});
