/**
 * Golden files: expected CLI output kept under test/cli/golden/. Run with UPDATE_GOLDEN=1 to
 * (re)write them after an intended change, then read the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const GOLDEN = join(import.meta.dirname, 'golden');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A repository file as a path relative to the working directory (as a user would type it). */
export const rel = (...parts: string[]): string => relative(process.cwd(), join(ROOT, ...parts)).split(sep).join('/');

/** Output made independent of the directory the tests run from: paths as from the repository root. */
export function stable(text: string): string {
  const here = relative(process.cwd(), ROOT).split(sep).join('/');
  return here === '' ? text : text.split(`${here}/`).join('');
}

export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && !process.env.CI)) writeFileSync(file, actual);
  expect(actual, `golden file test/cli/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}
