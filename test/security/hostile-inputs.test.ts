/**
 * Inputs handed over through the API (or by a server plugin) may be any JavaScript object: with
 * getters and setters (enumerable or not, under string or symbol keys), non-enumerable data, array
 * elements that are getters, Proxies, cycles. Whatever a rule reads, no accessor and no Proxy trap
 * may ever run, and the quick path and the full path of a check must decide the same
 * (issue #13, item 1: the quick path used to read a non-enumerable getter and allow).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { RuleSet, type CheckRequest, type Decision } from '../../engine/check.js';
import { createEngine } from '../../engine/create.js';

const RUNS = Number(process.env.PROPERTY_RUNS) || 1000;

/** Every accessor and Proxy trap the test plants counts here when it runs. */
let ran = 0;

const RULES = [
  "data.role === 'admin'",
  'data.a.b === 1',
  "data.list.includes('admin')",
  'data.list.indexOf(1) === 0',
  "data + '' === '[object Object]'",
  "'role' in data",
  'data[name] !== undefined',
  'data.list[0] === 1',
  "data.list + '' === '1,admin'",
  "oldData.role === 'admin'",
  "user.data.role === 'admin'",
  "user.id === 'alice'",
  "_('users/' + user.id).role === 'admin'",
  "data.role === 'admin' && _('r/x').a.b === 1",
];

function rulesFile(): string {
  const lines = ['record:', '  "*":', '    read: true'];
  RULES.forEach((rule, i) => lines.push(`  "r${i}/*":`, `    write: ${JSON.stringify(rule)}`));
  lines.push('event:', '  "*":', '    publish: true', 'rpc:', '  "*":', '    request: true', 'presence:', '  "*":', '    allow: true');
  return lines.join('\n') + '\n';
}

type Plant = 'getter' | 'hidden-getter' | 'setter' | 'symbol-getter' | 'hidden-data' | 'element-getter' | 'proxy' | 'cycle';
const PLANTS: readonly Plant[] = ['getter', 'hidden-getter', 'setter', 'symbol-getter', 'hidden-data', 'element-getter', 'proxy', 'cycle'];

const KEYS = ['role', 'a', 'b', 'list', 'r0/x', 'x'] as const;

const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>('admin', 1, true, null, 'x'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Objects of a value tree, in a fixed walk order (so a plan can name them by index). */
function objectsOf(root: unknown): object[] {
  const out: object[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    out.push(v);
    for (const child of Object.values(v)) walk(child);
  };
  walk(root);
  return out;
}

const setData = (o: object, key: string, value: unknown): void => void Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });

const counted = <T>(value: T) => () => {
  ran += 1;
  return value;
};

/** Plants hostile properties into the value (in place) and returns its root (maybe a Proxy). */
function plant(root: unknown, plan: readonly { at: number; what: Plant; key: string }[]): unknown {
  if (root === null || typeof root !== 'object') root = { x: root };
  let top = root as object;
  const objects = objectsOf(top);
  for (const { at, what, key } of plan) {
    const o = objects[at % objects.length] as Record<string | symbol, unknown>;
    switch (what) {
      case 'getter':
        Object.defineProperty(o, key, { get: counted('admin'), enumerable: true, configurable: true });
        break;
      case 'hidden-getter':
        Object.defineProperty(o, key, { get: counted('admin'), enumerable: false, configurable: true });
        break;
      case 'setter':
        Object.defineProperty(o, key, { set: () => void (ran += 1), enumerable: false, configurable: true });
        break;
      case 'symbol-getter':
        Object.defineProperty(o, Symbol.toPrimitive, { get: counted(() => 'admin'), configurable: true });
        Object.defineProperty(o, Symbol(key), { get: counted({ role: 'admin' }), enumerable: true, configurable: true });
        break;
      case 'hidden-data':
        Object.defineProperty(o, key, { value: 'admin', enumerable: false, configurable: true, writable: true });
        break;
      case 'element-getter':
        if (Array.isArray(o)) Object.defineProperty(o, 0, { get: counted(1), enumerable: true, configurable: true });
        else Object.defineProperty(o, 'list', { value: Object.defineProperty([1], 1, { get: counted('admin'), enumerable: true }), enumerable: true, configurable: true });
        break;
      case 'proxy': {
        const handler: ProxyHandler<object> = Object.fromEntries(
          (['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'] as const).map((trap) => [
            trap,
            (...args: unknown[]) => {
              ran += 1;
              return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
            },
          ]),
        );
        if (o === top) top = new Proxy(top, handler);
        else setData(o, key, new Proxy({ role: 'admin' }, handler));
        break;
      }
      case 'cycle':
        setData(o, key, top);
        break;
    }
  }
  return top;
}

const hostileArb = fc
  .tuple(valueArb, fc.array(fc.record({ at: fc.nat(20), what: fc.constantFrom(...PLANTS), key: fc.constantFrom(...KEYS) }), { minLength: 1, maxLength: 3 }))
  .map(([value, plan]) => ({ value, plan }));

/** Where the hostile value goes in a request. */
type Slot = 'data' | 'oldData' | 'user.data' | 'record' | 'user';
const SLOTS: readonly Slot[] = ['data', 'oldData', 'user.data', 'record', 'user'];

function request(slot: Slot, value: unknown, rule: number): { request: CheckRequest; record: unknown } {
  const base = { type: 'record', action: 'write', name: `r${rule}/x`, user: { id: 'alice', data: { role: 'user' } }, data: { role: 'user' }, oldData: { role: 'user' } } as const;
  switch (slot) {
    case 'data':
      return { request: { ...base, data: value }, record: { role: 'user' } };
    case 'oldData':
      return { request: { ...base, oldData: value }, record: { role: 'user' } };
    case 'user.data':
      return { request: { ...base, user: { id: 'alice', data: value } }, record: { role: 'user' } };
    case 'record':
      return { request: base, record: value };
    case 'user': {
      const user: Record<string, unknown> = { data: value };
      Object.defineProperty(user, 'id', { get: counted('alice'), enumerable: true });
      return { request: { ...base, user: user as unknown as CheckRequest['user'] }, record: { role: 'user' } };
    }
  }
}

describe('hostile inputs through the API', () => {
  const { module } = compile(rulesFile(), { file: 'hostile.yml' });
  const quick = new RuleSet(module!.file, module!.rules);
  const full = new RuleSet(module!.file, module!.rules, { quick: false });

  it('no accessor or Proxy trap ever runs, and the quick and full paths decide the same', async () => {
    await fc.assert(
      fc.asyncProperty(hostileArb, fc.constantFrom(...SLOTS), fc.nat(RULES.length - 1), async ({ value, plan }, slot, rule) => {
        ran = 0;
        // Built inside the property: planting runs no accessor, and every run starts from fresh objects.
        const hostile = plant(structuredClone(value), plan);
        const { request: req, record } = request(slot, hostile, rule);
        const loadRecord = (): unknown => record;
        const a = (await quick.check(req, { loadRecord })) as Decision;
        const b = (await full.check(req, { loadRecord })) as Decision;
        expect(ran, `an accessor or trap ran for rule ${RULES[rule]} with ${slot} (${JSON.stringify(plan)})`).toBe(0);
        expect(a, `quick vs full path for rule ${RULES[rule]} with ${slot} (${JSON.stringify(plan)})`).toEqual(b);
      }),
      { numRuns: RUNS },
    );
  });

  const engine = createEngine({ rules: { text: rulesFile(), file: 'hostile.yml' } });

  it('a non-enumerable getter is never read as data (the review\'s wrong allow)', () => {
    ran = 0;
    const data: Record<string, unknown> = { x: 1 };
    Object.defineProperty(data, 'role', { get: counted('admin'), enumerable: false });
    const d = engine.check({ type: 'record', action: 'write', name: 'r0/x', user: { id: 'bob' }, data, oldData: {} }) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0901' } });
    expect(ran).toBe(0);
    for (const where of ['oldData', 'user.data'] as const) {
      const hidden: Record<string, unknown> = {};
      Object.defineProperty(hidden, 'role', { get: counted('admin'), enumerable: false });
      const r = where === 'oldData' ? { name: 'r9/x', oldData: hidden, user: { id: 'bob' } } : { name: 'r10/x', oldData: {}, user: { id: 'bob', data: hidden } };
      expect((engine.check({ type: 'record', action: 'write', data: {}, ...r }) as Decision).allowed, where).toBe(false);
    }
    expect(ran).toBe(0);
  });

  it('a non-enumerable child object holding a getter is never read either', () => {
    ran = 0;
    const child = Object.defineProperty({}, 'b', { get: counted(1), enumerable: true });
    const data = Object.defineProperty({}, 'a', { value: child, enumerable: false });
    expect((engine.check({ type: 'record', action: 'write', name: 'r1/x', user: { id: 'bob' }, data, oldData: {} }) as Decision).allowed).toBe(false);
    expect(ran).toBe(0);
  });

  it('`user.id` must be a string: an object, a getter or a Proxy is a malformed request (VLV0913)', () => {
    ran = 0;
    const asObject = { toString: counted('alice') } as unknown as string;
    const withGetter = Object.defineProperty({}, 'id', { get: counted('alice'), enumerable: true }) as { id: string };
    for (const user of [{ id: asObject }, withGetter, new Proxy({ id: 'alice' }, { get: counted('alice') })]) {
      const d = engine.check({ type: 'record', action: 'write', name: 'r11/x', user, data: {}, oldData: {} }) as Decision;
      expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0913' } });
    }
    expect(ran).toBe(0);
    expect((engine.check({ type: 'record', action: 'write', name: 'r11/x', user: { id: 'alice' }, data: {}, oldData: {} }) as Decision).allowed).toBe(true);
  });

  it('a Proxy is refused before any trap runs (VLV0914)', () => {
    ran = 0;
    const data = new Proxy({ role: 'admin' }, { getOwnPropertyDescriptor: counted(undefined), ownKeys: counted([]), get: counted('admin') });
    const d = engine.check({ type: 'record', action: 'write', name: 'r0/x', user: { id: 'bob' }, data, oldData: {} }) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0914', message: expect.stringContaining('Proxy') } });
    expect(ran).toBe(0);
  });

  it('a cycle is found in one pass, not by walking to maxRecordSize (VLV0914)', () => {
    // Counted in property reads: a walk to the 16 Mi budget would read millions of descriptors.
    const data: Record<string, unknown> = { role: 'admin', list: [] };
    (data.list as unknown[]).push(data);
    let reads = 0;
    const original = Reflect.getOwnPropertyDescriptor;
    Reflect.getOwnPropertyDescriptor = ((o: object, k: PropertyKey) => {
      reads += 1;
      return original(o, k);
    }) as typeof Reflect.getOwnPropertyDescriptor;
    try {
      const d = engine.check({ type: 'record', action: 'write', name: 'r0/x', user: { id: 'bob' }, data, oldData: {} }) as Decision;
      expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0914' } });
    } finally {
      Reflect.getOwnPropertyDescriptor = original;
    }
    expect(reads).toBeLessThan(20);
  });

  it('a shared (not cyclic) object is read normally', () => {
    const shared = { b: 1 };
    const d = engine.check({ type: 'record', action: 'write', name: 'r1/x', user: { id: 'bob' }, data: { a: shared, c: shared, list: [shared, shared] }, oldData: {} }) as Decision;
    expect(d.allowed).toBe(true);
  });
});
