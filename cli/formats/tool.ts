/** The tool's name, version and home, as SARIF's `tool.driver` states them. */
import { readFileSync } from 'node:fs';

export const TOOL_NAME = 'valve';
export const INFORMATION_URI = 'https://www.npmjs.com/package/valve-toolchain';

let version: string | undefined;

/** The version in package.json (found from source and from dist/ alike). */
export function toolVersion(): string {
  if (version !== undefined) return version;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'valve-toolchain' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not this one
    }
  }
  return (version = '0.0.0');
}
