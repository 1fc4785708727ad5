/** deepstream record paths (`a.b[0].c`) and patches applied to a copy of the stored record. */
import { FORBIDDEN_PROPERTIES } from '../compiler/scope.js';

export class PatchError extends Error {}

/** `a.b[0].c` → ['a', 'b', 0, 'c']; refuses empty segments and keys that reach JS internals. */
export function parsePath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(path)) !== null) {
    last = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectKey) throw new PatchError(path);
      keys.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (keys.length === 0 && expectKey) throw new PatchError(path);
      keys.push(Number(m[2]));
      expectKey = false;
    } else {
      if (expectKey) throw new PatchError(path);
      expectKey = true;
    }
  }
  if (last !== path.length || expectKey || keys.length === 0) throw new PatchError(path);
  if (keys.some((k) => typeof k === 'string' && FORBIDDEN_PROPERTIES.has(k))) throw new PatchError(path);
  return keys;
}

const clone = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));

/** The record as it would be after setting `value` at `keys` (from parsePath); the stored value is left untouched. */
export function applyPatch(record: unknown, keys: readonly (string | number)[], value: unknown): unknown {
  const root = clone(record);
  if (root === null || typeof root !== 'object') throw new PatchError(keys.join('.'));
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    let next = Object.prototype.hasOwnProperty.call(node, k) ? node[k] : undefined;
    if (next === null || typeof next !== 'object') {
      next = typeof keys[i + 1] === 'number' ? [] : {};
      node[k] = next;
    }
    node = next as Record<string | number, unknown>;
  }
  node[keys[keys.length - 1]] = clone(value);
  return root;
}
