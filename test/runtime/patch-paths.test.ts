/**
 * Patch paths against deepstream's own path code: every path of the table is applied by the
 * server's `setValue` (dist/src/utils/json-path.js, which its permission check and its record
 * store both call) and by ours, to the same record, and the results must be the same objects,
 * down to non-index keys on arrays (`obj[k]` sets `NaN` on a new array). Then the engine: a
 * patch under `write: true` is allowed for each of these paths.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { applyPatch, parsePath, PatchError } from '../../engine/patch.js';

const require = createRequire(import.meta.url);
const jsonPath = require('@deepstream/server/dist/src/utils/json-path') as { setValue: (root: unknown, path: string, value: unknown) => void };

const RECORD = { a: { b: 1 }, list: ['x', 'y', 'z'], s: 'str', n: 5, obj: {}, nested: [[1, 2], { k: 1 }] };

/** Paths upstream's tokenizer accepts, the forms the issue names first. */
const PATHS = [
  'a', 'a.b', 'a.c.d', '.a', 'a.', 'a..b', ' a . b ', '..a...b..',
  '[0]', '[]', '.', '..', 'list[]', 'list[0]', 'list[1]', 'list[5]', 'list[1.5]', 'obj[k]', 'x[k].y',
  'a[0][1]', 'nested[0][1]', 'nested[1].k', 'nested[1][0]', 'a[ 1 ]', 'a[ ]', 'a[-1]', 'a[1e2]', 'a[0x10]', 'a[Infinity]',
  'a]b', 'a[b', 'a[1]b', 'a[[1]]', 's.x', 'n[0]', 'n.x.y', 'new[0].x', 'list.length', 'toString.x', 'hasOwnProperty',
  'a.b.c[2].d', 'fresh[0][0].x', 'ünï.cödé', 'a\tb',
];

/** Own keys and values, recursively, arrays included (so `arr.NaN` and holes show). */
function shape(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = { '#': Array.isArray(v) ? `array(${(v as unknown[]).length})` : 'object' };
  for (const k of Object.keys(v)) out[k] = shape((v as Record<string, unknown>)[k]);
  return out;
}

/** The result's shape, or the error it threw (`list.length = {}` is an invalid array length in both). */
function outcome(run: () => unknown): unknown {
  try {
    return shape(run());
  } catch (e) {
    return { threw: e instanceof Error ? e.name : String(e) };
  }
}

const upstream = (path: string, value: unknown): unknown =>
  outcome(() => {
    const data = JSON.parse(JSON.stringify(RECORD)) as unknown;
    jsonPath.setValue(data, path, value);
    return data;
  });
const ours = (path: string, value: unknown): unknown => outcome(() => applyPatch(RECORD, parsePath(path), value));

describe('patch paths split and applied as deepstream does', () => {
  it.each(PATHS)('`%s`', (path) => {
    for (const value of [7, { v: 1 }, [1], null, 'text']) {
      expect(ours(path, value), `${path} = ${JSON.stringify(value)}`).toEqual(upstream(path, value));
    }
  });

  it('an undefined value deletes the key, as deepstream does', () => {
    for (const path of ['a.b', 'list[1]', 'n', 'missing.x']) {
      // Strict: a key left behind holding `undefined` is not a deleted key.
      expect(ours(path, undefined), path).toStrictEqual(upstream(path, undefined));
    }
  });

  it('leaves the stored record untouched', () => {
    const before = JSON.stringify(RECORD);
    applyPatch(RECORD, parsePath('a.b'), 2);
    applyPatch(RECORD, parsePath('list[9]'), 2);
    expect(JSON.stringify(RECORD)).toBe(before);
  });

  it('a `null` parent: deepstream throws; we replace it (one safe answer)', () => {
    const record = { a: null };
    expect(() => jsonPath.setValue(JSON.parse(JSON.stringify(record)), 'a.b', 1)).toThrow(TypeError);
    expect(applyPatch(record, parsePath('a.b'), 1)).toEqual({ a: { b: 1 } });
  });

  it('a stored record that is not an object: deepstream throws; we refuse it', () => {
    for (const record of [5, 'str', true, null]) {
      for (const path of ['a', 'a.b', '.']) {
        expect(() => jsonPath.setValue(record, path, 1), `${String(record)} ${path}`).toThrow(TypeError);
        expect(() => applyPatch(record, parsePath(path), 1), `${String(record)} ${path}`).toThrow(PatchError);
      }
    }
  });

  it.each(['__proto__', '__proto__.x', 'a.__proto__.x', ' __proto__ .x', 'constructor.prototype.x', 'a[0].constructor', 'a.prototype', '__proto__[0]', '..constructor'])(
    'refuses `%s`',
    (path) => {
      expect(() => parsePath(path)).toThrow(PatchError);
    },
  );

  it('refuses the empty path, which deepstream clients refuse to send', () => {
    expect(() => parsePath('')).toThrow(PatchError);
  });
});

describe('the engine decides patches at these paths', () => {
  const module = compile('record:\n  "*":\n    write: true\n    read: true\nevent:\n  "*": { publish: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n').module!;
  const merged = compile('record:\n  "*":\n    write: "data.obj.NaN === 1 && data.list.length === 3 && data.a.b === 1"\nevent:\n  "*": { publish: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n').module!;

  it.each(['obj[k]', 'list[]', '.a', 'a..b', '[0]', 'list[1.5]'])('`%s` is allowed under `write: true`', async (path) => {
    const d = await module.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData: RECORD, patch: { path, value: 1 } });
    expect(d).toMatchObject({ allowed: true });
  });

  it('`data` is the record as deepstream sets it: `obj[k]` is the key `NaN`', async () => {
    const d = await merged.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData: RECORD, patch: { path: 'obj[k]', value: 1 } });
    expect(d).toMatchObject({ allowed: true });
  });

  it.each([5, 'str', true])('a patch of the stored record %j (not an object): a rule that does not read `data` decides; one that reads it denies', async (oldData) => {
    // deepstream applies a patch only for a rule that reads `data`, and then fails
    const d = await module.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData, patch: { path: 'a', value: 1 } });
    expect(d).toMatchObject({ allowed: true });
    const reads = await merged.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData, patch: { path: 'a', value: 1 } });
    expect(reads).toMatchObject({ allowed: false, reason: { code: 'VLV0919' } });
    expect(reads.error).toContain(`the record \`r\` is stored as a ${typeof oldData}, not an object, so the patch has nothing to apply to`);
    // the path is still checked: an invalid one denies whatever the rule
    const bad = await module.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData, patch: { path: '__proto__.x', value: 1 } });
    expect(bad).toMatchObject({ allowed: false, reason: { code: 'VLV0908' } });
  });

  it('the maxDepth check counts the keys deepstream splits out', async () => {
    const deep = Array.from({ length: 300 }, () => 'a').join('..');
    const d = await module.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData: {}, patch: { path: deep, value: 1 } });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0912' } });
    const shallow = await module.check({ type: 'record', action: 'write', name: 'r', user: { id: 'alice' }, oldData: {}, patch: { path: `${'.'.repeat(5000)}a`, value: 1 } });
    expect(shallow).toMatchObject({ allowed: true });
  });
});
