/**
 * What a literal token stands for: one answer for both ways a rule is parsed (cst-to-ast.ts after
 * Chevrotain, and fast-parse.ts for everyday rules), which must build the same AST.
 */
import type { LiteralValue } from './ast.js';

/** `NaN` and `Infinity` are read-only globals upstream's rules see: their values, here. */
const GLOBAL_VALUES: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY };
const KEYWORD_VALUES: Readonly<Record<string, LiteralValue>> = { Kw_true: true, Kw_false: false, Kw_null: null, Kw_undefined: undefined };

/** Whether an identifier names a global value (`NaN`, `Infinity`), and which. */
export const globalValue = (name: string): { value: number } | undefined => (Object.prototype.hasOwnProperty.call(GLOBAL_VALUES, name) ? { value: GLOBAL_VALUES[name] } : undefined);

/** Whether a token type is a keyword literal (`true`, `false`, `null`, `undefined`), and its value. */
export const keywordValue = (tokenType: string): { value: LiteralValue } | undefined => (Object.prototype.hasOwnProperty.call(KEYWORD_VALUES, tokenType) ? { value: KEYWORD_VALUES[tokenType] } : undefined);

/** `012`, `0_1`: a leading zero, which rules do not accept (cst-to-ast reports it). */
export const hasLeadingZero = (image: string): boolean => /^0[0-9_]/.test(image);

export const numberValue = (image: string): number => Number(image.replace(/_/g, ''));

/** `/a+/gi` → its pattern and flags. */
export function regexParts(image: string): { pattern: string; flags: string } {
  const close = image.lastIndexOf('/');
  return { pattern: image.slice(1, close), flags: image.slice(close + 1) };
}
