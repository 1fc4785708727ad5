/** Paths as CI tools want them: relative to the working directory, with forward slashes. */
import { relative, resolve, sep } from 'node:path';

/** `file` relative to `cwd`, `/`-separated (GitHub annotations and SARIF need repository-relative paths). */
export function relativePath(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  const out = rel === '' ? file : rel;
  return out.split(sep).join('/');
}

/** A relative URI reference for a path: each segment percent-encoded. */
export function relativeUri(file: string, cwd: string): string {
  return relativePath(file, cwd)
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
