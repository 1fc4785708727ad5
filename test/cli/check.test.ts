import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'valve-cli-'));

/** Runs the CLI from source (tsx), so the test never sees a stale build. */
function valve(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'cli/main.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GOOD = `record:\n  "*":\n    read: true\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;

describe('valve check', () => {
  it('exits 0 and prints a clean summary for a good file', () => {
    const r = valve('check', write('good.yml', GOOD));
    expect(r.stdout.trim()).toBe('0 errors, 0 warnings in 1 file');
    expect(r.code).toBe(0);
  });

  it('prints FILE:LINE:COL: severity CODE: message with the source line, a caret and the hint; exits 1', () => {
    const file = write('bad.yml', GOOD.replace('read: true', 'read: "usr.id === \'a\'"'));
    const r = valve('check', file);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:12: error VLV0301: \`usr\` is not available in a rule; available here: user, oldData, now, name, action, _\\(\\)$`));
    expect(lines[1]).toBe(`3 |     read: "usr.id === 'a'"`);
    expect(lines[2]).toBe('  |            ^^^');
    expect(lines[3]).toBe('  hint: did you mean `user`?');
    expect(lines.at(-2)).toBe('1 error, 0 warnings in 1 file');
  });

  it('reports every file and every problem, and json output carries positions', () => {
    const a = write('a.yml', GOOD.replace('read: true', 'read: "process.exit(1)"'));
    const b = write('b.yml', GOOD.replace('allow: true', 'allow: "user.id ="'));
    const r = valve('check', '--format', 'json', a, b);
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as { file: string; code: string; startLine: number; startColumn: number }[];
    expect(list.map((d) => `${d.file === a ? 'a' : 'b'}:${d.startLine}:${d.startColumn} ${d.code}`)).toEqual([
      'a:3:12 VLV0301',
      'a:3:20 VLV0305',
      'b:12:21 VLV0207',
      'b:12:22 VLV0201',
    ]);
  });

  it('counts notes (info) in the summary, so it does not read "0 errors, 0 warnings" under printed notes', () => {
    const file = write('notes.yml', GOOD.replace('"*":\n    read: true', '"*":\n    read: true\n  "a/$x":\n    read: true\n  "b/$y":\n    read: true'));
    const r = valve('check', file);
    expect(r.stdout.match(/: info VLV0406:/g)).toHaveLength(2);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 errors, 0 warnings, 2 notes in 1 file');
    expect(r.code).toBe(0);
  });

  it('warnings pass unless --deny-warnings or --max-warnings is exceeded', () => {
    const file = write('warn.yml', GOOD.replace('read: true', "read: \"user.id == 'a'\""));
    expect(valve('check', file).code).toBe(0);
    expect(valve('check', '--deny-warnings', file).code).toBe(1);
    expect(valve('check', '--max-warnings', '1', file).code).toBe(0);
    expect(valve('check', '--max-warnings', '0', file).code).toBe(1);
  });

  it('exits 2 with one line and no stack trace for a missing file, a non-YAML file and bad usage', () => {
    const missing = valve('check', join(dir, 'nope.yml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`valve: cannot read ${join(dir, 'nope.yml')}: no such file`);
    const notYaml = valve('check', write('x.yml', 'record: [unclosed\n'));
    expect(notYaml.code).toBe(2);
    expect(notYaml.stdout).toMatch(/x\.yml:\d+:\d+: error VLV0001: the file is not valid YAML/);
    const usage = valve('check');
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks the upstream end-to-end rule files clean', () => {
    for (const f of ['permissions-complex.json', 'permissions-default.yml']) {
      const r = valve('check', join(root, '..', 'shared', 'corpus', 'upstream', f));
      // Notes (info) may appear, e.g. an unused `$variable`; no errors and no warnings.
      expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^0 errors, 0 warnings(, \d+ notes?)? in 1 file$/);
      expect(r.stdout).not.toMatch(/: (error|warning) VLV/);
      expect(r.code).toBe(0);
    }
  });
});

describe('valve compile and explain', () => {
  it('writes an importable ES module whose rules decide like the source', async () => {
    const src = write('c.yml', GOOD.replace('read: true', 'read: "user.id === \'alice\'"'));
    const out = join(dir, 'c.rules.mjs');
    const r = valve('compile', src, '-o', out);
    expect(r.code).toBe(0);
    // Success says what it wrote (on stderr, as stdout is the module itself without -o).
    expect(r.stderr.trim()).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 4 patterns, 4 rules, from ${src.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('export default function valveRules(r)');
    const mod = (await import(out)) as { default: (r: unknown) => { pattern: string; action: string; rule: unknown }[] };
    const { STDLIB } = await import('../../engine/stdlib.js');
    const read = mod.default(STDLIB).find((r) => r.action === 'read');
    expect(typeof read?.rule).toBe('function');
  });

  it('lists the catalogue and explains one code', () => {
    const all = valve('explain');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^VLV0001 {2}error {4}the file is not valid YAML or JSON$/m);
    expect(valve('explain', 'vlv0301').stdout).toMatch(/^VLV0301 \(error\): /);
    expect(valve('explain', 'VLV9999').code).toBe(2);
  });
});
