/**
 * `valve diff` through the built CLI (run `npx tsc -p tsconfig.build.json` first): the exit codes,
 * the JSON shape of issue 15, and the example of a change decided as its direction says by
 * `valve eval` on both files. Each run must also end on its own (the solver's threads released).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './golden.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, writeRule: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `record:\n  "*":\n    read: false\n  "doc/$id":\n    write: ${JSON.stringify(writeRule)}\nevent:\n  "*":\n    publish: false\nrpc:\n  "*":\n    request: false\npresence:\n  "*":\n    allow: false\n`);
  return path;
};

function valve(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/valve.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('valve diff (built CLI)', { timeout: 120_000 }, () => {
  const before = file('old.yml', 'data.n < 10');
  const after = file('new.yml', 'data.n <= 10');
  const renamed = file('same.yml', '10 > data.n');

  it('exit 1 and the json of a change, whose example valve eval decides as said on both files', () => {
    const r = valve('diff', before, after, '--format', 'json');
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { equivalent: boolean; changes: { section: string; action: string; direction: string; old: { pattern: string; location: string }; new: { pattern: string; location: string }; example: { request: object; records: object } }[]; unknown: unknown[] };
    expect(report.equivalent).toBe(false);
    expect(report.unknown).toEqual([]);
    expect(report.changes.map((c) => [c.section, c.action, c.direction, c.old.pattern, c.new.pattern])).toEqual([['record', 'write', 'allows-more', 'doc/$id', 'doc/$id']]);
    expect(report.changes[0].new.location).toBe(`${after}:5:12`);
    const { request, records } = report.changes[0].example;
    const decide = (rules: string): boolean => {
      const e = valve('eval', '--permissions', rules, '--request', JSON.stringify(request), '--records', JSON.stringify(records));
      expect(e.code, e.stderr).toBe(0);
      return (JSON.parse(e.stdout) as { allowed: boolean }).allowed;
    };
    expect([decide(before), decide(after)]).toEqual([false, true]);
  });

  it('text: the direction, both deciding rules and the example', () => {
    const r = valve('diff', before, after);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`record write: ${after} allows more than ${before}`);
    expect(r.stdout).toContain(`  old: "doc/$id" at ${before}:5:12`);
    expect(r.stdout).toMatch(/ {2}example: --request '\{"record":"doc\/[^"]*","action":"write".*"data":\{"n":10\}\}'/);
    expect(r.stdout.trim().endsWith('1 change')).toBe(true);
  });

  it('exit 0 for files that decide every request alike', () => {
    const r = valve('diff', before, renamed, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('exit 3 when a section/action can not be decided and no change was found', () => {
    const r = valve('diff', file('re1.yml', 'data.s.match(/\\bab/) !== null'), file('re2.yml', 'data.s.match(/\\b(?:ab)/) !== null'), '--format', 'json');
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as { unknown: { section: string; action: string; reason: string }[] };
    expect(report.unknown[0]).toMatchObject({ section: 'record', action: 'write' });
    expect(report.unknown[0].reason).toMatch(/`\\b` inside a pattern is not encoded/);
  });

  it('exit 2 with the diagnostic for a file with errors, or one that can not be read', () => {
    const bad = valve('diff', before, file('bad.yml', 'datta.n < 10'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yml:5:\d+: error VLV0301/);
    const missing = valve('diff', before, join(dir, 'nope.yml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^valve: cannot read .*nope\.yml/);
  });
});
