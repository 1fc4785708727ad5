/**
 * Where things are, whether the benchmarks run from their TypeScript sources (tsx, quick mode)
 * or from the tsc build in bench/.build/dist (full mode: what users run, no esbuild helpers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'valve-toolchain') return dir;
    if (dirname(dir) === dir) throw new Error(`no valve-toolchain package.json above ${from}`);
  }
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository (checkout) root. */
export const ROOT = findRoot(here);
/** The bench/ folder of the checkout (where RESULTS.md is written). */
export const BENCH = join(ROOT, 'bench');
/** The private build: tsc output of the sources and bench/ (bench/.build/dist), and bin/valve.js beside it. */
export const BUILD = join(BENCH, '.build');
/** True when this code is the tsc build (so children run with plain node). */
export const BUILT = import.meta.url.endsWith('.js');
/** The folder holding this code's bench/*.ts|js files. */
const benchCode = dirname(here);

/** Node arguments that run bench script `name` (without extension) the way this process runs. */
export function script(name: string): string[] {
  return BUILT ? [join(benchCode, `${name}.js`)] : ['--import', 'tsx', join(benchCode, `${name}.ts`)];
}

/** How the code under measurement runs, for the reports. */
export const RUNS_AS = BUILT ? 'the tsc build of this checkout (bench/.build/dist, plain `node`)' : 'the TypeScript sources through tsx (esbuild; each function created gets a `__name` helper call)';
