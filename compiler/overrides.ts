/**
 * Limits with a caller's overrides applied, for both compile-time (compiler/limits.ts) and
 * run-time limits (engine/limits.ts). Imports nothing, so the engine can use it without loading
 * the compiler's parser.
 */

/**
 * `defaults` with `overrides` applied, frozen; `defaults` itself when there are none. An override
 * that is not a whole number ≥ 1, or names no limit, is an error; `kind` names the limits in its
 * message ("limit", "compile limit").
 */
export function withOverrides<T extends { readonly [K in keyof T]: number }>(defaults: T, overrides: Partial<T> | undefined, kind: string): T {
  if (overrides === undefined) return defaults;
  const out: Record<string, number> = { ...defaults };
  for (const [key, value] of Object.entries(overrides) as [string, number | undefined][]) {
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) throw new TypeError(`unknown ${kind} \`${key}\`; the limits are ${Object.keys(defaults).join(', ')}`);
    // Number.isInteger is false for every non-number.
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`the ${kind} \`${key}\` must be a whole number of at least 1, not ${String(value)}`);
    out[key] = value;
  }
  return Object.freeze(out) as unknown as T;
}
