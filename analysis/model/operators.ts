/**
 * The encoding column of the language table (compiler/language/operators.ts), kept here so
 * compiler/ does not depend on the solver: one row per operator, keyed by the table's operator
 * types, so TypeScript asks for a row whenever the language gains an operator. A row gives the
 * exact meaning where it is encoded and names the region where it is not (`inexact`): there the
 * value is an uninterpreted function of the operands (still a function, so equal operands give
 * equal results in OLD and NEW), and an example found through it must be confirmed by the engine.
 */
import type { BinaryOp, LogicalOp, UnaryOp } from '../../compiler/index.js';
import { LIMITS } from '../../engine/index.js';
import type { B, Theory, V } from './theory.js';

/** What an operator yields: its value, whether it throws, and where the encoding is not exact. */
export interface Outcome {
  readonly v: V;
  readonly t: B;
  /** Where the row does not encode the operator (an uninterpreted function stands there); absent: nowhere. */
  readonly inexact?: B;
  /** Where the row's value rests on an uninterpreted conversion (ToNumber of a string): consistent, but not exact. */
  readonly approximate?: B;
}

type UnaryEncoding = ((th: Theory, a: V) => Outcome) | 'opaque';
type BinaryEncoding = ((th: Theory, a: V, b: V) => Outcome) | 'opaque';

const no = (th: Theory): B => th.ctx.Bool.val(false);
const exact = (th: Theory, v: V): Outcome => ({ v, t: no(th) });

export const UNARY_MODEL: { readonly [K in UnaryOp]: UnaryEncoding } = {
  '!': (th, a) => exact(th, th.bool(th.ctx.Not(th.truthy(a)))),
  typeof: (th, a) => exact(th, th.typeOf(a)),
  void: (th) => exact(th, th.undef),
  // ToNumber of strings and arithmetic rounding are not encoded yet.
  '-': 'opaque',
  '+': 'opaque',
  '~': 'opaque',
};

/** Strings for `+`: a string, or an object's "[object Object]" (toPrimitive). */
const stringLike = (th: Theory, v: V): B => th.ctx.Or(th.is('str', v), th.is('obj', v));

/**
 * `<`, `<=`, `>`, `>=` (stdlib lt/le/gt/ge): both sides to primitives; two strings compare by
 * code units, anything else as numbers, where NaN (undefined among others) makes it false.
 */
function relational(cmp: 'lt' | 'le' | 'gt' | 'ge'): BinaryEncoding {
  return (th, a, b) => {
    const { ctx } = th;
    const pa = th.primitive(a);
    const pb = th.primitive(b);
    const bothText = ctx.And(th.is('str', pa.v), th.is('str', pb.v));
    const [sa, sb] = [th.s(pa.v), th.s(pb.v)];
    const text = cmp === 'lt' ? sa.lt(sb) : cmp === 'le' ? sa.le(sb) : cmp === 'gt' ? sb.lt(sa) : sb.le(sa);
    // ToNumber of a string is one uninterpreted function for every operator, so `s < 5` and
    // `s >= 5` still exclude each other; the same holds for an array's joined text.
    const na = th.numberOf(pa.v);
    const nb = th.numberOf(pb.v);
    const [xa, xb] = [th.n(na), th.n(nb)];
    const numeric = ctx.And(th.is('num', na), th.is('num', nb), cmp === 'lt' ? xa.lt(xb) : cmp === 'le' ? xa.le(xb) : cmp === 'gt' ? xa.gt(xb) : xa.ge(xb));
    const converts = (p: V, q: V): B => ctx.And(th.is('str', p), ctx.Not(th.is('str', q)));
    const approximate = ctx.Or(th.is('arr', a), th.is('arr', b), converts(pa.v, pb.v), converts(pb.v, pa.v));
    return { v: th.bool(ctx.If(bothText, text, numeric) as B), t: ctx.Or(pa.t, ctx.And(ctx.Not(pa.t), pb.t)), approximate };
  };
}

/** `==` where JavaScript converts nothing (same kinds, or null/undefined on a side); other pairs are not encoded. */
const looseEq = (th: Theory, a: V, b: V): { eq: B; inexact: B } => {
  const { ctx } = th;
  const both = (k: 'bool' | 'str' | 'obj' | 'arr'): B => ctx.And(th.is(k, a), th.is(k, b));
  const numeric = (v: V): B => ctx.Or(th.is('num', v), th.is('nan', v));
  const same = ctx.Or(both('bool'), both('str'), both('obj'), both('arr'), ctx.And(numeric(a), numeric(b)));
  const nullish = ctx.Or(th.nullish(a), th.nullish(b));
  return { eq: ctx.If(nullish, ctx.And(th.nullish(a), th.nullish(b)), th.strictEq(a, b)) as B, inexact: ctx.Not(ctx.Or(nullish, same)) };
};

/** ToString where it is exact: strings, objects, undefined, null, booleans and NaN (numbers and arrays are not encoded). */
export function toText(th: Theory, v: V) {
  const { ctx } = th;
  const pick = (cond: B, text: string, rest: ReturnType<Theory['s']>) => ctx.If(cond, th.text(text), rest);
  const bool = ctx.If(th.b(v), th.text('true'), th.text('false'));
  return pick(th.is('obj', v), '[object Object]', pick(th.is('undef', v), 'undefined', pick(th.is('nul', v), 'null', pick(th.is('nan', v), 'NaN', ctx.If(th.is('bool', v), bool, th.s(v))))));
}
export const textExact = (th: Theory, v: V): B => th.ctx.And(th.ctx.Not(th.is('num', v)), th.ctx.Not(th.is('arr', v)));

/** Integers of at most 2^53 in magnitude: double arithmetic on them is exact while the result stays there. */
const SAFE = 2 ** 53;
const safeInt = (th: Theory, x: ReturnType<Theory['n']>): B => th.ctx.And(th.ctx.IsInt(x), x.le(SAFE), x.ge(-SAFE));

/**
 * `a - b`, `a * b` (and `+` of two numbers): exact on safe integers (no rounding, no -0 that
 * could show: `===` and every other operator read -0 as 0); other operands are not encoded.
 */
function arithmetic(op: '+' | '-' | '*'): (th: Theory, a: V, b: V) => { v: V; exact: B } {
  return (th, a, b) => {
    const { ctx } = th;
    const [x, y] = [th.n(a), th.n(b)];
    const r = op === '+' ? x.add(y) : op === '-' ? x.sub(y) : x.mul(y);
    return { v: th.num(r), exact: ctx.And(th.is('num', a), th.is('num', b), safeInt(th, x), safeInt(th, y), safeInt(th, r)) };
  };
}

const numeric = (op: '-' | '*'): BinaryEncoding => (th, a, b) => {
  const { v, exact } = arithmetic(op)(th, a, b);
  return { v, t: no(th), inexact: th.ctx.Not(exact) };
};

/** `a + b` with a string on a side concatenates (exact unless a number or array must become text); two safe integers add. */
const add: BinaryEncoding = (th, a, b) => {
  const { ctx } = th;
  const concat = toText(th, a).concat(toText(th, b));
  const joins = ctx.Or(stringLike(th, a), stringLike(th, b));
  const sum = arithmetic('+')(th, a, b);
  return {
    v: ctx.If(sum.exact, sum.v, th.str(concat)) as V,
    t: ctx.And(ctx.Not(sum.exact), concat.length().gt(LIMITS.maxStringLength)),
    inexact: ctx.And(ctx.Not(sum.exact), ctx.Or(ctx.Not(joins), ctx.Not(textExact(th, a)), ctx.Not(textExact(th, b)))),
  };
};

export const BINARY_MODEL: { readonly [K in BinaryOp]: BinaryEncoding } = {
  '===': (th, a, b) => exact(th, th.bool(th.strictEq(a, b))),
  '!==': (th, a, b) => exact(th, th.bool(th.ctx.Not(th.strictEq(a, b)))),
  '==': (th, a, b) => {
    const { eq, inexact } = looseEq(th, a, b);
    return { v: th.bool(eq), t: no(th), inexact };
  },
  '!=': (th, a, b) => {
    const { eq, inexact } = looseEq(th, a, b);
    return { v: th.bool(th.ctx.Not(eq)), t: no(th), inexact };
  },
  '<': relational('lt'),
  '<=': relational('le'),
  '>': relational('gt'),
  '>=': relational('ge'),
  // `k in o`: an own property of a JSON object; arrays (indices, `length`) and non-string keys are not encoded.
  in: (th, k, o) => {
    const { ctx } = th;
    const forbidden = ctx.Or(...['constructor', '__proto__', 'prototype'].map((f) => th.s(k).eq(th.text(f))));
    const present = ctx.And(ctx.Not(th.is('undef', th.field(th.ref(o), th.s(k), o))), ctx.Not(forbidden));
    return { v: th.bool(present), t: ctx.Not(th.isRef(o)), inexact: ctx.And(th.isRef(o), ctx.Or(th.is('arr', o), ctx.Not(th.is('str', k)))) };
  },
  '+': add,
  '-': numeric('-'),
  '*': numeric('*'),
  '/': 'opaque',
  '%': 'opaque',
  '**': 'opaque',
  '|': 'opaque',
  '^': 'opaque',
  '&': 'opaque',
  '<<': 'opaque',
  '>>': 'opaque',
  '>>>': 'opaque',
};

/** Short-circuit operators: the right operand runs only under `runsRight`; the value picks a side. */
export interface LogicalEncoding {
  /** Whether the right operand is evaluated, given the left value. */
  readonly runsRight: (th: Theory, left: V) => B;
}

export const LOGICAL_MODEL: { readonly [K in LogicalOp]: LogicalEncoding } = {
  '&&': { runsRight: (th, l) => th.truthy(l) },
  '||': { runsRight: (th, l) => th.ctx.Not(th.truthy(l)) },
  '??': { runsRight: (th, l) => th.nullish(l) },
};
