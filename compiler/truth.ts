/**
 * Which parts of a rule become its result, and what they can yield there. Only exactly `true`
 * allows (spec section 7, STRICTER row 1), while deepstream allows on any truthy value: a rule
 * like `data.postcode && data.postcode.match(/^[0-9]*$/)` (deepstream's own docs) allows upstream
 * and can never allow here. The checker reports such rules, and the parts that sometimes yield a
 * truthy non-boolean (where deepstream allows and we deny), each at the part to blame.
 */
import { type Expr, type ResultFix, print } from '../grammar/index.js';
import * as T from './types.js';
import type { Type } from './types.js';

type Facts = ReadonlyMap<string, Type>;

/** What the checker offers this analysis: types under facts, and facts under a condition. */
export interface Typing {
  type(e: Expr, facts: Facts): Type;
  narrow(e: Expr, facts: Facts, truthy: boolean): Facts;
}

/** Which of a part's values reach the result: all, those not null or undefined (`??`), the truthy ones (`||`). */
type Reach = 'all' | 'defined' | 'truthy';

/** A part of a rule whose value can be the rule's result, with the values of it that can. */
export interface ResultPart {
  readonly expr: Expr;
  /** The values of it that can be the result. */
  readonly type: Type;
  /** All its values (what a fix speaks about). */
  readonly full: Type;
}

function reaching(t: Type, reach: Reach): Type {
  if (reach === 'truthy') return T.truthyPart(t);
  return reach === 'defined' ? T.withoutNullish(t) : t;
}

/**
 * The parts whose value can be the result of `e`: through `&&` the right side (the left side only
 * passes on falsy values, which never allow), through `||` the truthy values of the left and the
 * right, through `??` the defined values of the left and the right, through `?:` both branches.
 * Each part is typed under the facts the checker narrows to there.
 */
export function resultParts(c: Typing, e: Expr, facts: Facts, reach: Reach = 'all'): ResultPart[] {
  if (e.kind === 'logical') {
    if (e.op === '&&') return resultParts(c, e.right, c.narrow(e.left, facts, true), reach);
    if (e.op === '||') return [...resultParts(c, e.left, facts, 'truthy'), ...resultParts(c, e.right, c.narrow(e.left, facts, false), reach)];
    return [...resultParts(c, e.left, facts, reach === 'truthy' ? 'truthy' : 'defined'), ...resultParts(c, e.right, facts, reach)];
  }
  if (e.kind === 'conditional') return [...resultParts(c, e.consequent, c.narrow(e.test, facts, true), reach), ...resultParts(c, e.alternate, c.narrow(e.test, facts, false), reach)];
  const full = c.type(e, facts);
  return [{ expr: e, type: reaching(full, reach), full }];
}

/** The values of a type that are not booleans (unknown stays unknown). */
export const nonBoolean = (t: Type): Type => T.filter(t, (m) => m.kind !== 'boolean');

/** Each kind of value, in words (the checker's messages use them too). */
export const KIND_WORDS: Partial<Record<Type['kind'], string>> = {
  string: 'a string',
  number: 'a number',
  array: 'an array',
  object: 'an object',
  null: '`null`',
  undefined: '`undefined`',
  regex: 'a regular expression',
};

/** "an array or `null`", "a string or `false`": the values of a type, in words. */
export function inWords(t: Type): string {
  const words = T.members(t).map((m) => (m.kind === 'boolean' ? (m.values?.length === 1 ? `\`${String(m.values[0])}\`` : 'a boolean') : (KIND_WORDS[m.kind] ?? m.kind)));
  return [...new Set(words)].join(' or ');
}

const ALWAYS_TRUTHY = new Set<Type['kind']>(['array', 'object', 'regex']);

/**
 * The mechanical fix for a part whose non-boolean values should count as deepstream counts them
 * (truthy allows): `… !== null` when null is its only falsy value (`match`, `_()`), `!!(…)` else,
 * and for a literal the boolean meant.
 */
export function fixOf(part: Expr, t: Type): ResultFix {
  if (part.kind === 'literal' || part.kind === 'template') return { kind: 'literal' };
  const text = print(part);
  const values = nonBoolean(t);
  const falsy = T.members(values).filter((m) => !ALWAYS_TRUTHY.has(m.kind));
  if (falsy.length === 1 && (falsy[0].kind === 'null' || falsy[0].kind === 'undefined')) return { kind: 'compare', text, to: falsy[0].kind };
  return { kind: 'truthy', text };
}
