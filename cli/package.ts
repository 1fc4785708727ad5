/**
 * The installed valve-toolchain package: its root folder and its version, found by walking up
 * from this file, so the same code works from source (cli/, run by tsx) and from dist/cli/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './io.js';

const NAME = 'valve-toolchain';
const here = dirname(fileURLToPath(import.meta.url));

/** The nearest folder up from `from` whose package.json is ours, with that package.json's version. */
export function findPackage(from = here): { readonly root: string; readonly version?: string } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
        if (json.name === NAME) return { root: dir, ...(typeof json.version === 'string' ? { version: json.version } : {}) };
      } catch {
        // Not ours; keep looking.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The repository (or installed package) root. */
export function packageRoot(from = here): string {
  const found = findPackage(from);
  if (!found) throw new UsageError(`cannot find the ${NAME} package root`);
  return found.root;
}

let version: string | undefined;

/** The version in our package.json (`valve --version`, SARIF's tool version); 0.0.0 when it can not be read. */
export const packageVersion = (): string => (version ??= findPackage()?.version ?? '0.0.0');
