/**
 * `inspect` (engine/limits.ts): the size maxRecordSize counts, the depth maxDepth counts, and
 * whether rules may read a value without property descriptors — exact for each shape an input can
 * take, since the limits and the quick path's shortcut are decided from these numbers.
 */
import { describe, expect, it, vi } from 'vitest';
import { inspect, proxyTest } from '../../engine/limits.js';

const size = (v: unknown): number => inspect(v, Infinity).size;

describe('size', () => {
  it('primitives: 1 each, strings 1 + their length', () => {
    for (const v of [null, undefined, 0, true, 12345]) expect(size(v)).toBe(1);
    expect(size('')).toBe(1);
    expect(size('abcd')).toBe(5);
  });

  it('objects: 1, plus each key length, plus each value', () => {
    expect(size({})).toBe(1);
    expect(size({ ab: 1 })).toBe(1 + 2 + 1);
    expect(size({ ab: 'xyz' })).toBe(1 + 2 + 4);
    expect(size({ a: {}, b: { c: null } })).toBe(1 + 1 + 1 + 1 + 1 + 1 + 1);
  });

  it('arrays: 1, plus the length, plus each element (indices are not keys)', () => {
    expect(size([])).toBe(1);
    expect(size([1, 2, 3])).toBe(1 + 3 + 3);
    expect(size(['ab', 'c'])).toBe(1 + 2 + 3 + 2);
    expect(size([[]])).toBe(1 + 1 + 1);
    // A hole costs its slot in the length and nothing more; extra named keys count as keys.
    expect(size([1, , 3])).toBe(1 + 3 + 2); // eslint-disable-line no-sparse-arrays
    const named = Object.assign([1], { tag: 'x' });
    expect(size(named)).toBe(1 + 1 + 1 + 3 + 2);
  });

  it('symbol and non-enumerable keys count; an accessor counts its key and 1', () => {
    const o: Record<string | symbol, unknown> = {};
    o[Symbol('s')] = 1;
    Object.defineProperty(o, 'hidden', { value: 'ab', enumerable: false });
    Object.defineProperty(o, 'get', { get: () => 'never', enumerable: true });
    // 1 + symbol (1) + value (1) + `hidden` (6) + 'ab' (3) + `get` (3) + accessor (1)
    expect(size(o)).toBe(1 + 1 + 1 + 6 + 3 + 3 + 1);
  });

  it('a shared object is walked once', () => {
    const shared = { k: 'v' }; // 1 + 1 + 2
    expect(size({ a: shared, b: shared })).toBe(1 + 1 + 1 + 4);
  });

  it('stops at the budget: exactly the budget is a size, one less is over', () => {
    const v = { s: 'x'.repeat(10) }; // 13
    expect(inspect(v, 13).size).toBe(13);
    expect(inspect(v, 12).size).toBe(Infinity);
    const list = Array.from({ length: 10 }, () => ({})); // 1 + 10 + 10
    expect(inspect(list, 21).size).toBe(21);
    expect(inspect(list, 20).size).toBe(Infinity);
    expect(inspect(Array(100), 50).size).toBe(Infinity);
    // Children waiting to be walked count against the budget already.
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String.fromCharCode(97 + i), {}])); // 1 + 10 + 10
    expect(inspect(wide, 21).size).toBe(21);
    expect(inspect(wide, 20).size).toBe(Infinity);
    // Arrays with nothing in them, and accessors (counted, never called).
    expect(inspect([], 1).size).toBe(1);
    expect(inspect(Array(5), 6).size).toBe(6);
    expect(inspect(Array(5), 5).size).toBe(Infinity);
    const getter = Object.defineProperty({}, 'get', { get: () => 1, enumerable: true }); // 1 + 3 + 1
    expect(inspect(getter, 5).size).toBe(5);
    expect(inspect(getter, 4).size).toBe(Infinity);
  });

  it('exactly the budget is a size for nested and shared values too', () => {
    const nested = { a: { b: { c: {} } } }; // 1 + 1 per key and per object below
    expect(inspect(nested, 7).size).toBe(7);
    expect(inspect(nested, 6).size).toBe(Infinity);
    const shared = { k: 1 }; // 3, counted once
    const twice = { b: { c: shared }, a: shared }; // 1 + 1 (b) + 1 + 1 (c) + 3 + 1 (a)
    expect(inspect(twice, 8).size).toBe(8);
    expect(inspect(twice, 7).size).toBe(Infinity);
  });
});

describe('work', () => {
  it('stops reading properties once the budget is spent: reads are bounded by the budget, not the value', () => {
    // 1,000 one-unit keys, each holding an object (which will cost at least 1) or a number.
    for (const child of [() => ({}), () => 1]) {
      const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [String.fromCharCode(0x4e00 + i), child()]));
      const reads = vi.spyOn(Reflect, 'getOwnPropertyDescriptor');
      try {
        expect(inspect(wide, 30).size).toBe(Infinity);
        expect(reads.mock.calls.length).toBeLessThanOrEqual(30);
      } finally {
        reads.mockRestore();
      }
    }
  });

  it('refuses an array longer than the budget before listing its keys', () => {
    const long = new Array<number>(1000).fill(0);
    const listed = vi.spyOn(Object, 'getOwnPropertyNames');
    try {
      expect(inspect({ a: long }, 100).size).toBe(Infinity);
      expect(listed.mock.calls.some(([o]) => o === long)).toBe(false);
    } finally {
      listed.mockRestore();
    }
  });
});

describe('depth', () => {
  it('a primitive is 0, {} and [] are 1, each level one more', () => {
    expect(inspect('x', Infinity).depth).toBe(0);
    expect(inspect({}, Infinity).depth).toBe(1);
    expect(inspect([], Infinity).depth).toBe(1);
    expect(inspect({ a: [{ b: 1 }] }, Infinity).depth).toBe(3);
    expect(inspect({ a: 1, b: { c: { d: {} } }, e: {} }, Infinity).depth).toBe(4);
    expect(inspect([[[]], []], Infinity).depth).toBe(3);
  });

  it('is the deepest branch whichever order the branches come in', () => {
    expect(inspect({ deep: { a: { b: {} } }, flat: {} }, Infinity).depth).toBe(4);
    expect(inspect({ flat: {}, deep: { a: { b: {} } } }, Infinity).depth).toBe(4);
  });
});

describe('plain, accessor, refused', () => {
  it('a primitive is plain, no accessor, depth 0', () => {
    for (const v of [null, undefined, 0, true, 'abc']) expect(inspect(v, Infinity), String(v)).toEqual({ size: typeof v === 'string' ? 4 : 1, plain: true, accessor: false, depth: 0 });
  });

  it('plain data is plain', () => {
    expect(inspect({ a: [1, 'x', { b: null }] }, Infinity)).toMatchObject({ plain: true, accessor: false });
    expect(inspect({ a: 1 }, Infinity).refused).toBeUndefined();
  });

  it('a getter or setter anywhere is an accessor and not plain', () => {
    const deep = { a: [{}] };
    Object.defineProperty(deep.a[0], 'x', { set: () => undefined });
    expect(inspect(deep, Infinity)).toMatchObject({ plain: false, accessor: true });
  });

  it('a hole is not plain but is not an accessor', () => {
    expect(inspect({ a: [1, , 2] }, Infinity)).toMatchObject({ plain: false, accessor: false }); // eslint-disable-line no-sparse-arrays
    expect(inspect([undefined], Infinity)).toMatchObject({ plain: true });
  });

  it('a cycle and a Proxy are refused, at any depth', () => {
    const cyclic: Record<string, unknown> = { a: { b: {} } };
    (cyclic.a as Record<string, Record<string, unknown>>).b.back = cyclic;
    expect(inspect(cyclic, Infinity).refused).toBe('cycle');
    const self: unknown[] = [];
    self.push(self);
    expect(inspect(self, Infinity).refused).toBe('cycle');
    expect(inspect({ a: [new Proxy({}, {})] }, Infinity).refused).toBe('proxy');
    expect(inspect(new Proxy([], {}), Infinity).refused).toBe('proxy');
  });

  it('the Proxy test is Node\'s where the platform has one; without one (browsers: SECURITY.md) nothing is a Proxy', () => {
    const proxy = new Proxy({}, {});
    expect(proxyTest(process.getBuiltinModule)(proxy)).toBe(true);
    expect(proxyTest(process.getBuiltinModule)({})).toBe(false);
    for (const without of [undefined, () => undefined, () => ({}), () => ({ types: {} })]) expect(proxyTest(without)(proxy)).toBe(false);
  });

  it('an object reached twice on different branches is not a cycle', () => {
    const shared = { x: [1] };
    expect(inspect({ a: shared, b: [shared, { c: shared }] }, Infinity).refused).toBeUndefined();
  });
});
