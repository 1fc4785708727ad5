/**
 * The toolchain's own source files (not the tests), for checks that a fact is written in one
 * place: `written(pattern, allowed)` lists each `file:line` outside `allowed` that matches.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const FOLDERS = ['grammar', 'compiler', 'engine', 'tooling', 'adapters', 'editor', 'cli', 'playground', 'bench', 'index.ts'];
const SKIP = new Set(['node_modules', 'dist', '.build']);

function sources(path: string): string[] {
  if (!statSync(join(root, path)).isDirectory()) return /\.(ts|mts|mjs|cjs)$/.test(path) ? [path] : [];
  return readdirSync(join(root, path)).flatMap((f) => (SKIP.has(f) || f.startsWith('.') ? [] : sources(join(path, f))));
}

export function written(pattern: RegExp, allowed: readonly string[] = [], folders: readonly string[] = FOLDERS): string[] {
  return folders.flatMap(sources)
    .filter((f) => !allowed.includes(f))
    .flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}`] : [])),
    );
}
