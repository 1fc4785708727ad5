/**
 * Run-time limits: explicit, frozen defaults, each overridable per engine (`createEngine({ limits })`)
 * or per check (`RuleSet.check(request, { limits })`). A check that hits one denies with a reason;
 * nothing is thrown into the caller. Compile-time limits live in compiler/limits.ts.
 */
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
  if (overrides === undefined) return LIMITS;
  const out: Record<string, number> = { ...LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(LIMITS, key)) throw new TypeError(`unknown limit \`${key}\`; the limits are ${Object.keys(LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`the limit \`${key}\` must be a whole number of at least 1, not ${String(value)}`);
    out[key] = value;
  }
  return Object.freeze(out) as unknown as RuntimeLimits;
}

/** What `measure` found: the size (Infinity once over the budget) and whether an accessor was seen. */
export interface Measured {
  readonly size: number;
  readonly accessor: boolean;
}

/**
 * The size of a value as `maxRecordSize` counts it, walking own data properties only: no getter or
 * method of the value is ever called (a Proxy's traps still run; see SECURITY.md). Stops as soon as the size exceeds
 * `budget` (so its cost is bounded by the budget, cycles included) and reports Infinity.
 */
export function measure(value: unknown, budget: number): Measured {
  const size = sizeOf(value, budget);
  return { size, accessor: sawAccessor };
}

/** Whether the last sizeOf met an accessor property (read right after it; runs are synchronous). */
let sawAccessor = false;
/** Whether the last sizeOf met an array hole (a read of it would reach Array.prototype). */
let sawHole = false;

/** measure's walk without its result object, for the per-check path: the size; see `walkedPlain`. */
export function sizeOf(value: unknown, budget: number): number {
  let size = 0;
  sawAccessor = false;
  sawHole = false;
  // The stack is only made for nested objects: a flat payload allocates nothing here.
  let stack: unknown[] | undefined;
  let v = value;
  for (;;) {
    size += 1;
    if (typeof v === 'string') size += v.length;
    else if (Array.isArray(v)) {
      size += v.length;
      if (size + (stack?.length ?? 0) > budget) return Infinity;
      for (let i = 0; i < v.length; i++) {
        const d = Object.getOwnPropertyDescriptor(v, i);
        if (d === undefined) {
          sawHole = true;
          continue;
        }
        if (!('value' in d)) sawAccessor = true;
        else if (d.value !== null && typeof d.value === 'object') (stack ??= []).push(d.value);
        else size += typeof d.value === 'string' ? d.value.length + 1 : 1;
      }
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        size += key.length;
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (d === undefined) continue;
        if (!('value' in d)) sawAccessor = true;
        else if (d.value !== null && typeof d.value === 'object') (stack ??= []).push(d.value);
        else size += typeof d.value === 'string' ? d.value.length + 1 : 1;
        if (size + (stack?.length ?? 0) > budget) return Infinity;
      }
    }
    if (size > budget) return Infinity;
    if (stack === undefined || stack.length === 0) return size;
    v = stack.pop();
  }
}

/** Whether the value of the last sizeOf, every object in it included, holds only data properties and no array holes. */
export const walkedPlain = (): boolean => !sawAccessor && !sawHole;
