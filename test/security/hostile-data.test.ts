/**
 * Data is hostile too: payloads, stored records, `_()` records and `user.data` with own
 * `__proto__` / `constructor` / `toString` keys, getters and conversion methods (objects a plugin
 * hands over), cycles, deep nesting and huge arrays. Reading them never reaches a prototype, never
 * runs their code, never changes them, and always ends in a decision.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile, type RulesModule } from '../../engine/rules-module.js';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { Canary, prototypesSnapshot, snapshot } from './helpers.js';

const canary = new Canary();
const prototypes = prototypesSnapshot();
beforeEach(() => canary.arm());
afterEach(() => {
  expect(canary.fired(), 'hostile data ran').toEqual([]);
  expect(prototypesSnapshot(), 'a built-in prototype changed').toEqual(prototypes);
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
});
afterAll(() => canary.disarm());

function rules(body: string): RulesModule {
  const text = `record:\n  "*":\n    read: true\n${body}event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
  const { diagnostics, module } = compile(text, { file: 'hostile.yml' });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return module!;
}

const check = async (m: RulesModule, request: Partial<CheckRequest> & { name: string }, options: CheckOptions = {}): Promise<Decision> =>
  m.check({ type: 'record', action: 'write', user: { id: 'mallory' }, oldData: {}, ...request }, options);

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const key of Reflect.ownKeys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) deepFreeze(d.value);
    }
  }
  return v;
}

const getter = <T extends object>(o: T, key: string, value: unknown = 'x'): T =>
  Object.defineProperty(o, key, { enumerable: true, configurable: false, get: () => (canary.trip(`getter ${key}`), value) });

const conversions = (): object => ({
  toString: () => (canary.trip('toString'), 'admin'),
  valueOf: () => (canary.trip('valueOf'), 1),
  toJSON: () => (canary.trip('toJSON'), 'admin'),
  [Symbol.toPrimitive]: () => (canary.trip('Symbol.toPrimitive'), 'admin'),
});

describe('own __proto__, constructor and toString keys (JSON.parse makes them own properties)', () => {
  const m = rules(
    [
      '  "read/$k":',
      '    write: "data[$k] !== undefined"',
      '  "in/$k":',
      '    write: "$k in data"',
      '  "olddata/$k":',
      '    write: "oldData[$k] !== undefined"',
      '  "ref/$k":',
      "    write: \"_('hostile')[$k] !== undefined\"",
      '  "tostring":',
      "    write: \"data.toString === 'own' && data + '' === '[object Object]' && `${data}` === '[object Object]'\"",
      '',
    ].join('\n'),
  );
  const make = (): object => JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"prototype":1,"toString":"own","valueOf":"own","x":1}') as object;
  const data = deepFreeze(make());
  const oldData = deepFreeze(make());
  const record = deepFreeze(make());
  const before = snapshot([data, oldData, record]);
  const loadRecord = (): unknown => record;

  it.each(['__proto__', 'constructor', 'prototype'])('refuses `%s` read through a path variable, from data, oldData and _() records', async (k) => {
    for (const prefix of ['read', 'olddata', 'ref']) {
      const d = await check(m, { name: `${prefix}/${k}`, data, oldData }, { loadRecord });
      expect(d.allowed).toBe(false);
      expect(d.error).toContain(`the property \`${k}\` can not be read in a rule`);
    }
    const inside = await check(m, { name: `in/${k}`, data, oldData });
    expect(inside).toMatchObject({ allowed: false, reason: { code: 'VLV0906' } });
  });

  it.each(['toString', 'valueOf', 'x'])('reads the own key `%s` as data', async (k) => {
    expect((await check(m, { name: `read/${k}`, data, oldData })).allowed).toBe(true);
    expect((await check(m, { name: `in/${k}`, data, oldData })).allowed).toBe(true);
    expect((await check(m, { name: `ref/${k}`, data, oldData }, { loadRecord })).allowed).toBe(true);
  });

  it.each(['hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'isAdmin', 'polluted', 'length'])('never sees the inherited or prototype-only `%s`', async (k) => {
    expect((await check(m, { name: `read/${k}`, data, oldData })).allowed).toBe(false);
    expect((await check(m, { name: `in/${k}`, data, oldData })).allowed).toBe(false);
    expect((await check(m, { name: `olddata/${k}`, data, oldData })).allowed).toBe(false);
  });

  it('converts with the language rules, never with an own toString', async () => {
    expect((await check(m, { name: 'tostring', data, oldData })).allowed).toBe(true);
  });

  it('leaves every value exactly as it was', () => {
    expect(snapshot([data, oldData, record])).toEqual(before);
  });
});

describe('getters and conversion methods of objects handed over by a plugin', () => {
  const m = rules(
    [
      '  "get/data":',
      "    write: \"data.secret === 'x'\"",
      '  "get/nested":',
      "    write: \"data.a.b === 'x'\"",
      '  "get/olddata":',
      '    write: "oldData.owner === user.id"',
      '  "get/user":',
      "    write: \"user.data.role === 'admin'\"",
      '  "get/ref":',
      "    write: \"_('profile').role === 'admin'\"",
      '  "get/typeof":',
      "    write: \"typeof data.secret === 'string'\"",
      '  "get/elsewhere":',
      '    write: "data.x === 1"',
      '  "get/includes":',
      "    write: \"data.list.includes('x') || data.list.indexOf('x') === 0\"",
      '  "conv/$op":',
      "    write: \"$op === 'add' ? data.c + '' === 'admin' : $op === 'eq' ? data.c == 'admin' : $op === 'lt' ? data.c < 2 : $op === 'tpl' ? `${data.c}` === 'admin' : $op === 'arg' ? 'admin'.startsWith(data.c) : $op === 'key' ? data[data.c] === 1 : $op === 'in' ? data.c in data : $op === 'ref' ? _(data.c) !== null : $op === 'id' ? 'u/' + user.id === 'u/admin' : false\"",
      '',
    ].join('\n'),
  );

  it.each([
    ['get/data', { data: getter({}, 'secret') }],
    ['get/nested', { data: { a: getter({}, 'b') } }],
    ['get/olddata', { oldData: getter({}, 'owner', 'mallory') }],
    ['get/user', { user: { id: 'mallory', data: getter({}, 'role', 'admin') } }],
    ['get/typeof', { data: getter({}, 'secret') }],
    ['get/includes', { data: { list: Object.defineProperty(['y', 'z'], 0, { enumerable: true, get: () => (canary.trip('element getter'), 'x') }) } }],
  ] as const)('%s: a getter read by the rule denies with an error and is never called', async (name, request) => {
    const d = await check(m, { name, ...request });
    expect(d.allowed).toBe(false);
    expect(d.error).toMatch(/getter/);
  });

  it('a getter on a record loaded by _() denies', async () => {
    const d = await check(m, { name: 'get/ref' }, { loadRecord: () => getter({}, 'role', 'admin') });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0901' } });
  });

  it('an array hole never reaches Array.prototype, even when that is polluted', async () => {
    const proto = Array.prototype as unknown as Record<number, unknown>;
    proto[0] = 'x';
    try {
      // `[, 'y']`: a hole at 0 (the engine's quick path sees the hole and keeps descriptor reads)
      const sparse = { list: [, 'y'] }; // eslint-disable-line no-sparse-arrays
      const d = await check(m, { name: 'get/includes', data: sparse });
      expect(d.allowed).toBe(false);
      expect((await check(m, { name: 'get/includes', data: { list: ['x', 'y'] } })).allowed).toBe(true);
    } finally {
      delete proto[0];
      (Array.prototype as unknown[]).length = 0; // Array.prototype is an array: setting [0] grew it
    }
  });

  it('a getter the rule does not read changes nothing', async () => {
    expect((await check(m, { name: 'get/elsewhere', data: getter({ x: 1 }, 'y') })).allowed).toBe(true);
  });

  it.each(['add', 'eq', 'lt', 'tpl', 'arg', 'key', 'in', 'ref', 'id'])('`%s`: an object converts to "[object Object]" without its methods being called', async (op) => {
    const c = conversions();
    const d = await check(m, { name: `conv/${op}`, data: { c, admin: 1 }, user: { id: conversions() as unknown as string } }, { loadRecord: () => ({}) });
    expect(d.allowed).toBe(false);
  });
});

describe('patches against hostile paths and records', () => {
  const m = rules(['  "p/*":', '    write: "true"', '  "q/*":', '    write: "data.list.length > 0"', ''].join('\n'));
  const stored = deepFreeze({ a: { b: 1 }, list: [1, 2] });
  const before = snapshot(stored);

  it.each(['__proto__.isAdmin', 'a.__proto__.isAdmin', 'constructor.prototype.isAdmin', 'a.constructor', 'prototype', 'a[0].__proto__'])('refuses the path `%s` (VLV0908) and pollutes nothing', async (path) => {
    const d = await check(m, { name: 'p/x', oldData: stored, patch: { path, value: true } });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0908' } });
  });

  it('a patch that would make a sparse array of a billion slots denies (VLV0910) instead of walking it', async () => {
    const d = await check(m, { name: 'q/x', oldData: stored, patch: { path: 'list[999999999]', value: 1 } });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
  });

  it('a stored record or a patch value with a getter is not copied (the copy would call it)', async () => {
    const withGetter = getter({ a: 1 }, 'g');
    expect(await check(m, { name: 'p/x', oldData: withGetter, patch: { path: 'a', value: 2 } })).toMatchObject({ allowed: false, reason: { code: 'VLV0917' } });
    expect(await check(m, { name: 'p/x', oldData: stored, patch: { path: 'a', value: getter({}, 'g') } })).toMatchObject({ allowed: false, reason: { code: 'VLV0917' } });
    const loaded = await check(m, { name: 'p/x', oldData: undefined, patch: { path: 'a', value: 2 } }, { loadRecord: () => getter({ a: 1 }, 'g') });
    expect(loaded).toMatchObject({ allowed: false, reason: { code: 'VLV0904' } });
  });

  it('an ordinary patch still works and leaves the stored record untouched', async () => {
    expect((await check(m, { name: 'p/x', oldData: stored, patch: { path: 'a.b', value: 2 } })).allowed).toBe(true);
    expect(snapshot(stored)).toEqual(before);
  });
});

describe('huge, deep and cyclic values', () => {
  const m = rules(
    [
      '  "big/includes":',
      '    write: "data.list.includes(999999) && data.list.indexOf(5) === 5"',
      '  "big/concat":',
      "    write: \"(data.s + data.s).length > 0\"",
      '  "big/join":',
      "    write: \"data.list + '' !== ''\"",
      '  "big/x":',
      '    write: "data.x === 1"',
      '  "big/ref":',
      "    write: \"_('big').x === 1\"",
      '',
    ].join('\n'),
  );
  const big = Array.from({ length: 1_000_000 }, (_, i) => i);

  it('a million-element array is measured, searched and decided', async () => {
    expect((await check(m, { name: 'big/includes', data: { list: big } })).allowed).toBe(true);
  });

  it('a sparse array of 2^32 - 1 slots denies at once (maxRecordSize), not after walking it', async () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    for (const name of ['big/includes', 'big/join']) expect(await check(m, { name, data: { list: sparse } })).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    expect(await check(m, { name: 'big/ref' }, { loadRecord: () => ({ x: 1, list: sparse }) })).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
  });

  it('strings built by `+` stop at maxStringLength', async () => {
    const s = 'x'.repeat(3 * 1024 * 1024);
    const d = await check(m, { name: 'big/concat', data: { s } });
    expect(d).toMatchObject({ allowed: false, error: expect.stringContaining('string too long') });
    expect((await check(m, { name: 'big/concat', data: { s: 'abc' } })).allowed).toBe(true);
  });

  it('a cyclic object from a plugin denies as a cycle (VLV0914) instead of looping', async () => {
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(await check(m, { name: 'big/x', data: cyclic })).toMatchObject({ allowed: false, reason: { code: 'VLV0914', message: expect.stringContaining('contains itself') } });
    expect(await check(m, { name: 'big/join', data: { list: [1, cyclic] } })).toMatchObject({ allowed: false, reason: { code: 'VLV0914' } });
    expect(await check(m, { name: 'big/ref' }, { loadRecord: () => ({ list: [cyclic] }) })).toMatchObject({ allowed: false, reason: { code: 'VLV0914' } });
  });

  it('100,000 levels of nesting are measured without recursion: a record write of them is refused (VLV0912), an event passes', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const d = await check(m, { name: 'big/join', data: { list: deep } });
    expect(d).toMatchObject({ allowed: false });
    // A record write of it is refused before any rule runs: the server could not serialise it.
    expect(d.reason.code).toBe('VLV0912');
    const published = await m.check({ type: 'event', action: 'publish', name: 'e', user: { id: 'mallory' }, data: { list: deep } });
    expect(published.allowed).toBe(true);
  });
});
