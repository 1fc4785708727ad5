/**
 * Run-time limits: explicit, frozen defaults, each overridable per engine (`createEngine({ limits })`)
 * or per check (`RuleSet.check(request, { limits })`). A check that hits one denies with a reason;
 * nothing is thrown into the caller. Compile-time limits live in compiler/limits.ts.
 */
import { withOverrides } from '../compiler/index.js';

export interface RuntimeLimits {
  /** Longest string a rule may build (by `+`, a template or a conversion), in UTF-16 units. */
  readonly maxStringLength: number;
  /** Deepest nesting converted to a string or compared. */
  readonly maxDepth: number;
  /** Rounds of cross-reference loads per check (deepstream's maxRuleIterations). */
  readonly maxRuleIterations: number;
  /** Distinct records `_()` may load in one check. */
  readonly maxReferences: number;
  /**
   * Largest value a check considers (the payload, `oldData`, `user.data`, each `_()` record):
   * 1 per value (object, array, element, primitive) plus the length of every string and property
   * name, plus an array's length. Larger values deny instead of being read.
   */
  readonly maxRecordSize: number;
  /**
   * Most work one `match` may do: the input's length times the size of the regular expression's
   * program (re2js runs in time proportional to both, never worse). Beyond it the check denies
   * without matching.
   */
  readonly maxRegexWork: number;
}

export const LIMITS: RuntimeLimits = Object.freeze({
  maxStringLength: 4 * 1024 * 1024,
  maxDepth: 256,
  maxRuleIterations: 3,
  maxReferences: 64,
  maxRecordSize: 16 * 1024 * 1024,
  maxRegexWork: 1_000_000,
});

/** The defaults with `overrides` applied; an override that is not a whole number ≥ 1 is an error. */
export function resolveLimits(overrides?: Partial<RuntimeLimits>): RuntimeLimits {
  return withOverrides(LIMITS, overrides, 'limit');
}

/** What `inspect` found in an input value. */
export interface Inspection {
  /** The size as maxRecordSize counts it; Infinity once over the budget (the walk then stopped). */
  readonly size: number;
  /**
   * Every object in it holds own data properties only (no getter or setter, under any key,
   * symbols and non-enumerable ones included) and no array has a hole: rules can read it without
   * property descriptors.
   */
  readonly plain: boolean;
  /** Some object in it has a getter or setter (a copy, as a patch makes, would call it). */
  readonly accessor: boolean;
  /** Deepest nesting of objects and arrays (a primitive is 0, `{}` is 1); exact unless over the budget. */
  readonly depth: number;
  /** Why the value can not be read at all: it contains itself, or a Proxy (whose traps are code). */
  readonly refused?: 'cycle' | 'proxy';
}

/** The platform's test for a Proxy, from its `process.getBuiltinModule`; none (always false) without one. */
export function proxyTest(getBuiltin: unknown): (v: object) => boolean {
  const util = typeof getBuiltin === 'function' ? (getBuiltin('node:util') as { types?: { isProxy?: (v: unknown) => boolean } } | undefined) : undefined;
  const test = util?.types?.isProxy;
  return typeof test === 'function' ? (v: object) => test(v) : () => false;
}

/** Node's own test for a Proxy, where the platform offers one (browsers have none: SECURITY.md). */
export const isProxy: (v: object) => boolean = proxyTest((globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule);

const PRIMITIVE: Inspection = Object.freeze({ size: 1, plain: true, accessor: false, depth: 0 });
const OVER: Inspection = Object.freeze({ size: Infinity, plain: false, accessor: false, depth: 0 });
const PROXY: Inspection = Object.freeze({ size: Infinity, plain: false, accessor: false, depth: 0, refused: 'proxy' });
const CYCLE: Inspection = Object.freeze({ size: Infinity, plain: false, accessor: false, depth: 0, refused: 'cycle' });

/** Marks, on the walk's stack, that the children of the innermost open object are done. */
const LEAVE: unique symbol = Symbol('leave');

/**
 * Walks a value the way a rule could read it, calling nothing on it: every own key (strings and
 * symbols, enumerable or not) is examined by its property descriptor, so no getter, setter or
 * method runs, and a Proxy is refused before anything touches it. Cost is linear in the value's
 * size and stops as soon as the size exceeds `budget`. An object met again on the path from the
 * root is a cycle (refused); one met again elsewhere (shared) is walked once, so neither costs
 * more than one pass.
 */
export function inspect(value: unknown, budget: number): Inspection {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? { size: 1 + value.length, plain: true, accessor: false, depth: 0 } : PRIMITIVE;
  let size = 0;
  let hole = false;
  let accessor = false;
  let depth = 0;
  /** Objects on the stack not walked yet: each will cost at least 1, so they count against the budget already. */
  let waiting = 0;
  // Made only for nested values: a flat payload allocates nothing but the result.
  let stack: (object | typeof LEAVE)[] | undefined;
  /** The open objects from the root down (those whose children are being walked). */
  let path: object[] | undefined;
  /** 1: open (on the path), 2: done. */
  let state: Map<object, 1 | 2> | undefined;
  let v: object = value;
  for (;;) {
    if (isProxy(v)) return PROXY;
    depth = Math.max(depth, (path?.length ?? 0) + 1);
    size += 1;
    let open = false;
    const array = Array.isArray(v);
    // Before its keys are listed: an array longer than the budget costs nothing more to refuse.
    if (array) {
      size += (v as unknown[]).length;
      if (size > budget) return OVER;
    }
    const names = Object.getOwnPropertyNames(v);
    const symbols = Object.getOwnPropertySymbols(v);
    // An array's present indices come first in `names`, then its own `length`: they are counted
    // by the length (as elements), not as keys.
    let indices = 0;
    let lengthAt = -1;
    if (array) {
      lengthAt = names.indexOf('length');
      indices = lengthAt;
      if (indices < (v as unknown[]).length) hole = true; // a hole: reading it would reach Array.prototype
    }
    const count = names.length + symbols.length;
    for (let k = 0; k < count; k++) {
      const key = k < names.length ? names[k] : symbols[k - names.length];
      if (k === lengthAt) continue; // the array's own `length`
      if (k >= indices) size += typeof key === 'string' ? key.length : 1;
      const d = Reflect.getOwnPropertyDescriptor(v, key) as PropertyDescriptor;
      if (!('value' in d)) {
        accessor = true;
        size += 1;
        continue;
      }
      const child: unknown = d.value;
      if (child !== null && typeof child === 'object') {
        if (!open) {
          open = true;
          (state ??= new Map()).set(v, 1);
          (stack ??= []).push(LEAVE);
          (path ??= []).push(v);
        }
        const seen = state!.get(child);
        if (seen === 1) return CYCLE;
        if (seen === undefined) {
          stack!.push(child);
          waiting++;
        }
      } else size += typeof child === 'string' ? child.length + 1 : 1;
      if (size + waiting > budget) return OVER;
    }
    if (size > budget) return OVER;
    if (!open && state !== undefined) state.set(v, 2);
    // The next object to walk; a marker closes the innermost open object.
    let next: object | typeof LEAVE | undefined;
    for (;;) {
      next = stack?.pop();
      if (next === undefined) return { size, plain: !accessor && !hole, accessor, depth };
      if (next === LEAVE) {
        state!.set(path!.pop()!, 2);
        continue;
      }
      waiting--;
      // Never 1 (open) here: an object opened after this entry was pushed closed (its LEAVE,
      // above this entry) before this entry is reached. 2: a shared object, walked already.
      if (state!.get(next) === undefined) break;
    }
    v = next;
  }
}
