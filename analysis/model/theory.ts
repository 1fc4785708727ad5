/**
 * The JSON-value theory: one Z3 datatype `Val` (undefined, null, boolean, number, NaN, string,
 * object, array) and the operations of engine/stdlib.ts on it, written once. Numbers are reals:
 * comparisons and `===` are exact on them; NaN has its own constructor; arithmetic (rounding) is
 * not encoded here (model/encode.ts makes it an uninterpreted function). Objects and arrays are
 * references into a symbolic heap (`field(ref, key)`), so `===` on them is identity.
 */
import type { Arith, Bool, Context, Datatype, DatatypeExpr, DatatypeSort, Expr, FuncDecl, Seq } from 'z3-solver';
import { ANONYMOUS_ID } from '../../compiler/index.js';

export type Ctx = Context<'main'>;
export type B = Bool<'main'>;
export type V = DatatypeExpr<'main'>;
export type S = Seq<'main'>;
export type N = Arith<'main'>;

/** A Z3 string literal of a JavaScript string: every unit outside plain ASCII as `\u{…}` (Z3 reads other bytes as UTF-8). */
export const z3Text = (s: string): string => s.replace(/[^ !#-[\]-~]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
/** A string value of a Z3 model, back to JavaScript. */
export const jsText = (s: string): string => s.replace(/\\u\{([0-9a-fA-F]+)\}/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** One field read: the value at `key` of the object or array `ref`. */
export interface FieldRead {
  readonly ref: N;
  readonly key: S;
  readonly value: V;
  /** The value read from: the read means something only when it is an object or array. */
  readonly parent: V;
}

export class Theory {
  readonly sort: DatatypeSort<'main'>;
  readonly undef: V;
  readonly nul: V;
  readonly nan: V;
  private readonly d: Record<string, FuncDecl<'main'>> & Record<string, unknown>;
  private readonly fieldFn: FuncDecl<'main'>;
  private readonly strNum: FuncDecl<'main'>;
  private readonly arrText: FuncDecl<'main'>;
  private readonly arrThrows: FuncDecl<'main'>;
  /** Every field read made, for the heap's consistency constraints and for building examples. */
  readonly reads: FieldRead[] = [];
  private readonly readKeys = new Map<string, FieldRead>();

  constructor(readonly ctx: Ctx) {
    const { Datatype, Bool: Bo, Real, String: St, Int } = ctx;
    const dt: Datatype<'main'> = Datatype('Val');
    dt.declare('undef').declare('nul').declare('nan');
    dt.declare('bool', ['b', Bo.sort()]);
    dt.declare('num', ['n', Real.sort()]);
    dt.declare('str', ['s', St.sort()]);
    dt.declare('obj', ['ref', Int.sort()]);
    dt.declare('arr', ['aref', Int.sort()], ['len', Int.sort()]);
    this.sort = dt.create();
    this.d = this.sort as unknown as Record<string, FuncDecl<'main'>> & Record<string, unknown>;
    this.undef = this.d.undef as unknown as V;
    this.nul = this.d.nul as unknown as V;
    this.nan = this.d.nan as unknown as V;
    this.fieldFn = ctx.Function.declare('field', Int.sort(), St.sort(), this.sort);
    this.strNum = ctx.Function.declare('strnum', St.sort(), this.sort);
    this.arrText = ctx.Function.declare('arrtext', Int.sort(), St.sort());
    this.arrThrows = ctx.Function.declare('arrthrows', Int.sort(), Bo.sort());
  }

  private app(name: string, ...args: Expr<'main'>[]): Expr<'main'> {
    return this.d[name].call(...args);
  }
  is(kind: 'undef' | 'nul' | 'nan' | 'bool' | 'num' | 'str' | 'obj' | 'arr', v: V): B {
    return this.app(`is_${kind}`, v) as B;
  }
  bool(b: B | boolean): V {
    return this.app('bool', typeof b === 'boolean' ? this.ctx.Bool.val(b) : b) as V;
  }
  num(n: N | number): V {
    return this.app('num', typeof n === 'number' ? this.ctx.Real.val(n) : n) as V;
  }
  str(s: S | string): V {
    return this.app('str', typeof s === 'string' ? this.text(s) : s) as V;
  }
  text(s: string): S {
    return this.ctx.String.val(z3Text(s));
  }
  b(v: V): B {
    return this.app('b', v) as B;
  }
  n(v: V): N {
    return this.app('n', v) as N;
  }
  s(v: V): S {
    return this.app('s', v) as S;
  }
  len(v: V): N {
    return this.app('len', v) as N;
  }
  /** The heap reference of an object or array. */
  ref(v: V): N {
    return this.ctx.If(this.is('obj', v), this.app('ref', v) as N, this.app('aref', v) as N) as N;
  }
  isRef(v: V): B {
    return this.ctx.Or(this.is('obj', v), this.is('arr', v));
  }
  nullish(v: V): B {
    return this.ctx.Or(this.is('undef', v), this.is('nul', v));
  }

  /** A stored JSON value: never undefined or NaN (JSON has neither). */
  json(v: V): B {
    return this.ctx.And(this.ctx.Not(this.is('undef', v)), this.ctx.Not(this.is('nan', v)));
  }

  /** `field(ref, key)`, made once per pair so examples and constraints see each read once. */
  field(ref: N, key: S, parent: V): V {
    const id = `${ref.toString()}\0${key.toString()}`;
    const known = this.readKeys.get(id);
    if (known) return known.value;
    const value = this.fieldFn.call(ref, key) as V;
    const read = { ref, key, value, parent };
    this.reads.push(read);
    this.readKeys.set(id, read);
    return value;
  }

  /** JavaScript truthiness. */
  truthy(v: V): B {
    const { ctx } = this;
    return ctx.Or(
      ctx.And(this.is('bool', v), this.b(v)),
      ctx.And(this.is('num', v), this.n(v).neq(0)),
      ctx.And(this.is('str', v), this.s(v).length().gt(0)),
      this.isRef(v),
    );
  }

  /** `a === b`: the same constructor and payload, NaN never equal, objects by identity. */
  strictEq(a: V, b: V): B {
    return this.ctx.And(a.eq(b), this.ctx.Not(this.is('nan', a)));
  }

  /** `typeof v`. */
  typeOf(v: V): V {
    const { ctx } = this;
    const pick = (cond: B, name: string, rest: V): V => ctx.If(cond, this.str(name), rest) as V;
    return pick(this.is('undef', v), 'undefined', pick(this.is('bool', v), 'boolean', pick(ctx.Or(this.is('num', v), this.is('nan', v)), 'number', pick(this.is('str', v), 'string', this.str('object')))));
  }

  /**
   * ToNumber of a primitive that is not a string (stdlib toNum): undefined → NaN, null → 0,
   * booleans → 0/1; numbers and NaN are themselves. Strings and objects are the caller's.
   */
  toNumber(v: V): V {
    const { ctx } = this;
    return ctx.If(this.is('undef', v), this.nan, ctx.If(this.is('nul', v), this.num(0), ctx.If(this.is('bool', v), ctx.If(this.b(v), this.num(1), this.num(0)), v))) as V;
  }

  /**
   * toPrimitive (stdlib): an object is "[object Object]", an array the join of its elements (an
   * uninterpreted function of the array, which may throw: depth and length limits); others themselves.
   */
  primitive(v: V): { v: V; t: B } {
    const { ctx } = this;
    const ref = this.ref(v);
    const joined = this.str(this.arrText.call(ref) as S);
    return {
      v: ctx.If(this.is('arr', v), joined, ctx.If(this.is('obj', v), this.str('[object Object]'), v)) as V,
      t: ctx.And(this.is('arr', v), this.arrThrows.call(ref) as B),
    };
  }

  /** ToNumber of any primitive; of a string an uninterpreted function (a number or NaN), not JavaScript's grammar of numbers. */
  numberOf(v: V): V {
    const { ctx } = this;
    const f = this.strNum.call(this.s(v)) as V;
    const parsed = ctx.If(ctx.Or(this.is('num', f), this.is('nan', f)), f, this.nan) as V;
    return ctx.If(this.is('str', v), parsed, this.toNumber(v)) as V;
  }

  /** `user.isAuthenticated` of an id: false exactly for the anonymous id (compiler/scope.ts). */
  authenticated(id: S): B {
    return id.neq(this.text(ANONYMOUS_ID));
  }
}
