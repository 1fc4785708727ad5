/**
 * deepstream record paths and patches applied to a copy of the stored record, split and set
 * exactly as the server does (@deepstream/server dist/src/utils/json-path.js `tokenize` and
 * `setValue`, which both its permission check and its record store use), except that keys
 * reaching JavaScript internals are refused and a `null` parent is replaced instead of throwing.
 */
import { FORBIDDEN_PROPERTIES } from '../compiler/index.js';

export class PatchError extends Error {}

/** A key of a path: a string, or a number for what stood in brackets (`NaN` for `[k]`). */
export type PathToken = string | number;

/**
 * deepstream's tokenizer: split at `.`, trim each part and skip empty ones (`.a`, `a..b`); in a
 * part, the text before the first `[` or `]` is a key (possibly empty: `[0]` is `''` then `0`)
 * and every non-empty piece between brackets is `Number(piece)`: `list[]` adds nothing, `obj[k]`
 * is `obj`, `NaN`, and `list[1.5]`, split at its dot first, is `list`, `1`, `'5'`. Only the empty
 * path (which clients refuse to send) and the keys `__proto__`, `constructor`, `prototype` are
 * refused.
 */
export function parsePath(path: string): PathToken[] {
  if (path.length === 0) throw new PatchError(path);
  const tokens: PathToken[] = [];
  for (const raw of path.split('.')) {
    const part = raw.trim();
    if (part.length === 0) continue;
    const pieces = part.split(/[[\]]/);
    // Only the text before a bracket is a string key; the forbidden keys are strings.
    if (FORBIDDEN_PROPERTIES.has(pieces[0])) throw new PatchError(path);
    tokens.push(pieces[0]);
    for (let j = 1; j < pieces.length; j++) if (pieces[j].length > 0) tokens.push(Number(pieces[j]));
  }
  return tokens;
}

type Node = Record<string | number, unknown>;

/**
 * The record as it would be after deepstream's `setValue(record, path, value)`; the stored value
 * is left untouched. A missing or non-object parent becomes `[]` when the next key is a number,
 * `{}` otherwise; the last key is set, or deleted when `value` is undefined. With no keys (the
 * path `.`) deepstream sets the key `undefined`, and so do we. A record that is not an object
 * (deepstream's assignment would throw) is a PatchError.
 */
export function applyPatch(record: unknown, keys: readonly PathToken[], value: unknown): unknown {
  const root: unknown = structuredClone(record);
  if (root === null || typeof root !== 'object') throw new PatchError();
  let node = root as Node;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    // Own properties only: what deepstream would read through the prototype is never an object
    // (forbidden keys aside), so it is replaced either way.
    let next = Object.prototype.hasOwnProperty.call(node, k) ? node[k] : undefined;
    // deepstream descends into `null` and throws; one safe answer instead: replace it.
    if (next === null || typeof next !== 'object') {
      next = typeof keys[i + 1] === 'number' ? [] : {};
      node[k] = next;
    }
    node = next as Node;
  }
  // No keys: `String(undefined)`, the key deepstream's `node[tokens[-1]]` sets.
  const last = String(keys[keys.length - 1]);
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
  return root;
}
