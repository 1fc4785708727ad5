/**
 * `valve --version` is package.json's version, from source (tsx) and from dist/: a copy of the
 * built package whose package.json says another version reports that one.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackage, packageVersion } from '../../cli/package.js';
import { ROOT } from './golden.js';

const ours = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const temp = mkdtempSync(join(tmpdir(), 'valve-version-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const valve = (args: readonly string[]): { status: number | null; stdout: string } => {
  const r = spawnSync(process.execPath, args, { cwd: temp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout };
};

describe('valve --version', () => {
  it('finds the nearest package.json that is ours, skipping others', () => {
    const root = join(temp, 'pkg');
    const inner = join(root, 'node_modules', 'other', 'lib');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'valve-toolchain', version: '9.8.7' }));
    writeFileSync(join(root, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0' }));
    expect(findPackage(inner)).toEqual({ root, version: '9.8.7' });
    expect(findPackage(tmpdir())).toBeUndefined();
    expect(packageVersion()).toBe(ours);
  });

  it('prints package.json version from source', () => {
    const r = valve(['--import', import.meta.resolve('tsx'), join(ROOT, 'cli', 'main.ts'), '--version']);
    expect(r).toEqual({ status: 0, stdout: `${ours}\n` });
  });

  it('prints the version of the package it was built in, from dist/', () => {
    const copy = join(temp, 'built');
    for (const dir of ['bin', 'dist']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'valve-toolchain', version: '9.8.7', type: 'module' }));
    expect(valve([join(copy, 'bin', 'valve.js'), '--version'])).toEqual({ status: 0, stdout: '9.8.7\n' });
  });
});
