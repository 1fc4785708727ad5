/**
 * `valve fmt` through the built CLI (run `npx tsc -p tsconfig.build.json` first): the formatted
 * text of a messy file (golden), --check and --write with their exit codes, idempotence, and a
 * file with errors left alone (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGolden, FIXTURES, ROOT } from './golden.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-fmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function valve(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/valve.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MESSY = join(FIXTURES, 'fmt-messy.yml');
const copy = (name: string, from = MESSY): string => {
  const path = join(dir, name);
  copyFileSync(from, path);
  return path;
};

describe('valve fmt (built CLI)', { timeout: 120_000 }, () => {
  it('prints the formatted file: canonical rule text, in each scalar\'s style where it can hold it, the rest as written', () => {
    const r = valve('fmt', MESSY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expectGolden('fmt-messy.formatted.yml', r.stdout);
    // Everything but the rule text is kept: comments, key order, anchors and aliases, layout.
    const source = readFileSync(MESSY, 'utf8');
    for (const kept of ['# a comment after a rule stays', '# valve-ignore VLV0402', '"shared/$id": { read:', '&authed', 'subscribe: *authed', 'delete: false', 'write: |', 'delete: >-', '/* kept as written: the printer would drop the comment */']) {
      expect(source).toContain(kept);
      expect(r.stdout).toContain(kept);
    }
    const keys = (t: string): string[] => t.split('\n').flatMap((l) => /^\s*("[^"]*"|[\w$/]+):/.exec(l)?.[1] ?? []);
    expect(keys(r.stdout)).toEqual(keys(source));
  });

  it('--check: exit 1 naming the file that would change, exit 0 once formatted; --write rewrites it and formatting again changes nothing', () => {
    const path = copy('messy.yml');
    const check = valve('fmt', '--check', path);
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toBe(`${path}: would be reformatted\n`);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(MESSY, 'utf8'));

    const write = valve('fmt', '--write', path);
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toBe(`${path}: formatted\n`);
    const once = readFileSync(path, 'utf8');
    expect(once).toBe(valve('fmt', MESSY).stdout);

    const again = valve('fmt', '--check', path);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toBe('');
    expect(valve('fmt', '--write', path).stdout).toBe('');
    expect(readFileSync(path, 'utf8')).toBe(once);
  });

  it('a file with errors is not formatted: its diagnostics and exit 2, whatever the flags; the other files still are', () => {
    const broken = join(dir, 'broken.yml');
    const text = 'record:\n  "*":\n    read: user.id ==   (\n    write: a||b\n';
    writeFileSync(broken, text);
    const good = copy('good.yml');
    const r = valve('fmt', '--write', broken, good);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${broken}:3:`);
    expect(r.stderr).toContain('error VLV02');
    expect(r.stderr).toContain(`valve: ${broken} has errors; it was not formatted`);
    expect(readFileSync(broken, 'utf8')).toBe(text);
    expect(r.stdout).toBe(`${good}: formatted\n`);
    expect(valve('fmt', broken).stdout).toBe('');
    expect(valve('fmt', '--check', broken).code).toBe(2);
  });

  it('--check with --write is a usage error; a missing file is a one-line error', () => {
    const both = valve('fmt', '--check', '--write', MESSY);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('valve: --check and --write can not be used together\n');
    const missing = valve('fmt', join(dir, 'nope.yml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the examples: formatting is idempotent and keeps every line that holds no rule', () => {
    for (const name of ['permissions.yml', 'chat.yml', 'todo.yml', 'game-lobby.yml']) {
      const once = valve('fmt', join(ROOT, 'examples', name));
      expect(once.code, once.stderr).toBe(0);
      const path = join(dir, `formatted-${name}`);
      writeFileSync(path, once.stdout);
      expect(valve('fmt', '--check', path).code, name).toBe(0);
      const comments = (t: string): string[] => t.split('\n').filter((l) => /^\s*#/.test(l));
      expect(comments(once.stdout), name).toEqual(comments(readFileSync(join(ROOT, 'examples', name), 'utf8')));
    }
  });
});
