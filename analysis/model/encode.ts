/**
 * A checked rule's expression (the compiler's typed AST) → Z3 terms: its value and whether it
 * throws (a throw denies). Constructs outside the encoded subset become uninterpreted functions
 * of what they read (a function, so the same sub-expression over the same values is the same in
 * OLD and NEW) and are recorded as inexact sites: an "equivalent" found through them is still a
 * proof, while an example found through them must be confirmed by the engine.
 */
import { walk as walkExpr, type Expr, print } from '../../grammar/index.js';
import { LIMITS } from '../../engine/index.js';
import { FORBIDDEN_PROPERTIES, SPACE } from '../../compiler/index.js';
import { encodeRegex } from './regex.js';
import { BINARY_MODEL, LOGICAL_MODEL, textExact, toText, UNARY_MODEL, type Outcome } from './operators.js';
import { type B, type N, type S, type Theory, type V, z3Text } from './theory.js';

/** A value and whether computing it throws. */
export interface Term {
  readonly v: V;
  readonly t: B;
}

/** Where the encoding is not exact: `used` holds when evaluation goes through it. */
export interface Site {
  readonly used: B;
  readonly reason: string;
}

/** The symbolic request one rule sees. */
export interface RuleScope {
  readonly th: Theory;
  readonly userId: S;
  readonly userData: V;
  readonly data: V;
  readonly oldData: V;
  readonly now: N;
  readonly action: S;
  readonly name: V;
  readonly vars: ReadonlyMap<string, V>;
  /** `_(name)` of a string: the stored record (null when missing). */
  readonly record: (name: S) => V;
  /** Uninterpreted functions by name, made once, shared by every rule of the query. */
  readonly opaque: (key: string, args: readonly V[]) => Term;
  readonly sites: Site[];
  /** Facts every real request satisfies (what a read from JSON can be). */
  readonly facts: B[];
}

const isIndex = (k: string): boolean => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;

export class Encoder {
  constructor(private readonly s: RuleScope) {}

  private get th(): Theory {
    return this.s.th;
  }

  /** An uninterpreted stand-in for `e` (a function of the `$variables` it reads), recorded as inexact where reached. */
  private opaqueExpr(e: Expr, reach: B, reason: string): Term {
    const text = print(e);
    const used = [...new Set(text.match(/\$[A-Za-z0-9]+/g) ?? [])].sort();
    const args = used.map((n) => this.s.vars.get(n) ?? this.th.undef);
    this.s.sites.push({ used: reach, reason: `\`${text}\`: ${reason}` });
    return this.s.opaque(`expr:${used.join(',')}:${text}`, args);
  }

  /** `exact` except where `inexact` holds, where the operator is an uninterpreted function of its operands. */
  private mixed(out: Outcome, key: string, args: readonly V[], reach: B, text: string, reason: string): Term {
    const { ctx } = this.th;
    if (out.approximate) this.s.sites.push({ used: ctx.And(reach, out.approximate), reason: `\`${text}\`: ToNumber of a string and the text of an array are not encoded exactly yet` });
    if (!out.inexact) return out;
    const f = this.s.opaque(key, args);
    this.s.sites.push({ used: ctx.And(reach, out.inexact), reason: `\`${text}\`: ${reason}` });
    return { v: ctx.If(out.inexact, f.v, out.v) as V, t: ctx.If(out.inexact, f.t, out.t) as B };
  }

  encode(e: Expr, reach: B): Term {
    const { th } = this;
    const { ctx } = th;
    const no = ctx.Bool.val(false);
    switch (e.kind) {
      case 'literal': {
        const x = e.value;
        if (x === undefined) return { v: th.undef, t: no };
        if (x === null) return { v: th.nul, t: no };
        if (typeof x === 'boolean') return { v: th.bool(x), t: no };
        if (typeof x === 'string') return { v: th.str(x), t: no };
        if (Number.isNaN(x)) return { v: th.nan, t: no };
        if (Number.isFinite(x)) return { v: th.num(ctx.Real.val(numberText(x))), t: no };
        return this.opaqueExpr(e, reach, 'infinite numbers are not encoded yet');
      }
      case 'identifier':
        return this.identifier(e, reach);
      case 'member':
        return this.member(e, reach);
      case 'call':
        return this.call(e, reach);
      case 'unary': {
        const row = UNARY_MODEL[e.op];
        // `typeof $undeclared` is "undefined" (compiler/emit.ts), not a throw.
        if (e.op === 'typeof' && e.operand.kind === 'identifier' && e.operand.name.startsWith('$') && !this.s.vars.has(e.operand.name)) return { v: th.str('undefined'), t: no };
        const a = this.encode(e.operand, reach);
        if (row === 'opaque') {
          const f = this.s.opaque(`unary:${e.op}`, [a.v]);
          this.s.sites.push({ used: ctx.And(reach, ctx.Not(a.t)), reason: `\`${print(e)}\`: \`${e.op}\` is not encoded yet` });
          return { v: f.v, t: ctx.Or(a.t, f.t) };
        }
        const out = row(th, a.v);
        return { v: out.v, t: ctx.Or(a.t, out.t) };
      }
      case 'binary': {
        // `s.match(re) !== null` uses only whether it matches: the groups do not matter there.
        const nullTest = ['===', '!==', '==', '!='].includes(e.op);
        const operand = (x: Expr, other: Expr, at: B): Term => (nullTest && isNullish(other) && isRegexMatch(x) ? this.regexMatch(x, at, true) : this.encode(x, at));
        const a = operand(e.left, e.right, reach);
        const b = operand(e.right, e.left, ctx.And(reach, ctx.Not(a.t)));
        const row = BINARY_MODEL[e.op];
        const live = ctx.And(reach, ctx.Not(a.t), ctx.Not(b.t));
        const out: Outcome = row === 'opaque' ? { v: th.undef, t: no, inexact: ctx.Bool.val(true) } : row(th, a.v, b.v);
        const r = this.mixed(out, `binary:${e.op}`, [a.v, b.v], live, print(e), row === 'opaque' ? `\`${e.op}\` is not encoded yet` : `\`${e.op}\` on these kinds of value is not encoded yet`);
        return { v: r.v, t: ctx.Or(a.t, b.t, r.t) };
      }
      case 'logical': {
        const a = this.encode(e.left, reach);
        const runs = LOGICAL_MODEL[e.op].runsRight(th, a.v);
        const b = this.encode(e.right, ctx.And(reach, ctx.Not(a.t), runs));
        return { v: ctx.If(runs, b.v, a.v) as V, t: ctx.Or(a.t, ctx.And(runs, b.t)) };
      }
      case 'conditional': {
        const c = this.encode(e.test, reach);
        const yes = th.truthy(c.v);
        const live = ctx.And(reach, ctx.Not(c.t));
        const x = this.encode(e.consequent, ctx.And(live, yes));
        const y = this.encode(e.alternate, ctx.And(live, ctx.Not(yes)));
        return { v: ctx.If(yes, x.v, y.v) as V, t: ctx.Or(c.t, ctx.If(yes, x.t, y.t) as B) };
      }
      case 'template': {
        let text = th.text(e.quasis[0]);
        let t: B = no;
        let inexact: B = no;
        e.exprs.forEach((x, i) => {
          const p = this.encode(x, ctx.And(reach, ctx.Not(t)));
          t = ctx.Or(t, p.t);
          inexact = ctx.Or(inexact, ctx.Not(textExact(th, p.v)));
          text = text.concat(toText(th, p.v)).concat(th.text(e.quasis[i + 1]));
        });
        return this.mixedExpr(e, { v: th.str(text), t: ctx.Or(t, text.length().gt(limitText())) }, inexact, reach, 'a number or array in a template is not encoded yet');
      }
      default:
        // Regular expressions, array and object literals, optional chains.
        return this.opaqueExpr(e, reach, `${e.kind === 'chain' ? 'optional chains' : e.kind === 'regex' ? 'regular expressions' : `${e.kind} literals`} are not encoded yet`);
    }
  }

  /** `exact` except where `inexact` holds, where the whole expression is opaque. */
  private mixedExpr(e: Expr, exact: Term, inexact: B, reach: B, reason: string): Term {
    const { ctx } = this.th;
    const f = this.opaqueExpr(e, ctx.And(reach, inexact), reason);
    return { v: ctx.If(inexact, f.v, exact.v) as V, t: ctx.If(inexact, f.t, exact.t) as B };
  }

  private identifier(e: Extract<Expr, { kind: 'identifier' }>, reach: B): Term {
    const { th } = this;
    const no = th.ctx.Bool.val(false);
    switch (e.name) {
      case 'data':
        return { v: this.s.data, t: no };
      case 'oldData':
        return { v: this.s.oldData, t: no };
      case 'now':
        return { v: th.num(this.s.now), t: no };
      case 'action':
        return { v: th.str(this.s.action), t: no };
      case 'name':
        return { v: this.s.name, t: no };
      default: {
        if (e.name.startsWith('$')) {
          const v = this.s.vars.get(e.name);
          // An undeclared `$variable` throws when read (compiler/emit.ts r.undeclared).
          return v ? { v, t: no } : { v: th.undef, t: th.ctx.Bool.val(true) };
        }
        return this.opaqueExpr(e, reach, `\`${e.name}\` as a value is not encoded yet`);
      }
    }
  }

  private member(e: Extract<Expr, { kind: 'member' }>, reach: B): Term {
    const { th } = this;
    const { ctx } = th;
    const key = !e.computed || e.property.kind === 'literal' ? e.property : undefined;
    const staticKey = key && key.kind === 'literal' && typeof key.value === 'string' ? key.value : undefined;
    if (e.object.kind === 'identifier' && e.object.name === 'user') {
      if (staticKey === 'id') return { v: th.str(this.s.userId), t: ctx.Bool.val(false) };
      if (staticKey === 'isAuthenticated') return { v: th.bool(th.authenticated(this.s.userId)), t: ctx.Bool.val(false) };
      if (staticKey === 'data') return { v: this.s.userData, t: ctx.Bool.val(false) };
      if (staticKey !== undefined && !FORBIDDEN_PROPERTIES.has(staticKey)) return { v: th.undef, t: ctx.Bool.val(false) };
      return this.opaqueExpr(e, reach, 'a computed property of `user` is not encoded yet');
    }
    const o = this.encode(e.object, reach);
    if (staticKey !== undefined) {
      const r = this.read(o.v, staticKey);
      return { v: r.v, t: ctx.Or(o.t, r.t) };
    }
    const k = this.encode(e.property, ctx.And(reach, ctx.Not(o.t)));
    // A computed key of an object: exact for a string key; strings and arrays (indices) and non-string keys are not encoded.
    const forbidden = ctx.Or(...[...FORBIDDEN_PROPERTIES].map((f) => th.s(k.v).eq(th.text(f))));
    const value = th.field(th.ref(o.v), th.s(k.v), o.v);
    this.s.facts.push(ctx.Implies(th.is('obj', o.v), ctx.Not(th.is('nan', value))));
    const exact: Term = {
      v: ctx.If(th.is('obj', o.v), value, th.undef) as V,
      t: ctx.Or(th.nullish(o.v), ctx.And(th.is('str', k.v), forbidden)),
    };
    const inexact = ctx.And(ctx.Not(th.nullish(o.v)), ctx.Or(ctx.Not(th.is('str', k.v)), th.is('str', o.v), th.is('arr', o.v)));
    const live = ctx.And(reach, ctx.Not(o.t), ctx.Not(k.t));
    const r = this.mixed({ ...exact, inexact }, 'get', [o.v, k.v], live, print(e), 'this computed property read is not encoded yet');
    return { v: r.v, t: ctx.Or(o.t, k.t, r.t) };
  }

  /** `o.key` for a key fixed in the rule (stdlib getp): JSON objects and arrays, strings' `length` and indices. */
  private read(o: V, key: string): Term {
    const { th } = this;
    const { ctx } = th;
    const t = th.nullish(o);
    const index = isIndex(key) ? Number(key) : undefined;
    const field = th.field(th.ref(o), th.text(key), o);
    // What JSON can hold there: an object's property is any value but NaN (undefined: absent);
    // an array's element below its length is a JSON value.
    this.s.facts.push(ctx.Implies(th.isRef(o), ctx.Not(th.is('nan', field))));
    if (index !== undefined) this.s.facts.push(ctx.Implies(ctx.And(th.is('arr', o), th.len(o).gt(index)), th.json(field)));
    const length = key === 'length';
    const ofString = length ? th.num(ctx.ToReal(th.s(o).length())) : index !== undefined ? (ctx.If(th.s(o).length().gt(index), th.str(th.s(o).at(index)), th.undef) as V) : th.undef;
    const ofArray = length ? th.num(ctx.ToReal(th.len(o))) : index !== undefined ? (ctx.If(th.len(o).gt(index), field, th.undef) as V) : th.undef;
    const v = ctx.If(th.is('obj', o), field, ctx.If(th.is('arr', o), ofArray, ctx.If(th.is('str', o), ofString, th.undef))) as V;
    return { v, t };
  }

  private call(e: Extract<Expr, { kind: 'call' }>, reach: B): Term {
    const { th } = this;
    const { ctx } = th;
    const callee = e.callee;
    if (callee.kind === 'identifier' && callee.name === '_') {
      const arg = e.args[0];
      if (!arg) return { v: th.undef, t: ctx.Bool.val(false) };
      let nested = false;
      walkExpr(arg, (x) => {
        if (x.kind === 'call' && x.callee.kind === 'identifier' && x.callee.name === '_') nested = true;
      });
      // A reference whose name needs another record takes load rounds (maxRuleIterations): not encoded yet.
      if (nested) return this.opaqueExpr(e, reach, 'a `_()` inside the name of another `_()` (load rounds) is not encoded yet');
      const a = this.encode(arg, reach);
      const name = th.s(a.v);
      const rec = this.s.record(name);
      const missingName = name.contains(th.text('undefined'));
      return {
        v: ctx.If(th.is('undef', a.v), th.undef, ctx.If(missingName, th.undef, rec)) as V,
        t: ctx.Or(a.t, ctx.And(ctx.Not(th.is('undef', a.v)), ctx.Not(th.is('str', a.v)))),
      };
    }
    if (isRegexMatch(e)) return this.regexMatch(e, reach, false);
    if (callee.kind === 'member' && !callee.computed && callee.property.kind === 'literal') {
      const method = String(callee.property.value);
      if (callee.object.kind === 'array' && (method === 'includes' || method === 'indexOf') && e.args.length === 1) return this.searchLiteral(callee.object.elements, e.args[0], method, reach);
      const recv = this.encode(callee.object, reach);
      const args: Term[] = [];
      let t: B = recv.t;
      for (const a of e.args) {
        const x = this.encode(a, ctx.And(reach, ctx.Not(t)));
        args.push(x);
        t = ctx.Or(t, x.t);
      }
      const live = ctx.And(reach, ctx.Not(t));
      const out = this.method(method, recv.v, args.map((x) => x.v));
      const r = this.mixed(out, `method:${method}:${args.length}`, [recv.v, ...args.map((x) => x.v)], live, print(e), `\`${method}\` with these arguments is not encoded yet`);
      return { v: r.v, t: ctx.Or(t, r.t) };
    }
    return this.opaqueExpr(e, reach, 'this call is not encoded yet');
  }

  /**
   * `s.match(/re/)`: null exactly when no match exists (a Z3 regex, model/regex.ts); the array of
   * a match is a function of the string whose groups are not encoded, so a use of it beyond
   * "is it null" (`onlyNull`) is an inexact site. Throws as stdlib's does: a receiver that is not
   * a string, or more work than maxRegexWork (input length × program size).
   */
  private regexMatch(e: Expr, reach: B, onlyNull: boolean): Term {
    const { th } = this;
    const { ctx } = th;
    const call = e as Extract<Expr, { kind: 'call' }>;
    const re = call.args[0] as Extract<Expr, { kind: 'regex' }>;
    const recv = this.encode((call.callee as Extract<Expr, { kind: 'member' }>).object, reach);
    const isStr = th.is('str', recv.v);
    const live = ctx.And(reach, ctx.Not(recv.t), isStr);
    const f = this.s.opaque(`match:/${re.pattern}/${re.flags}`, [recv.v]);
    const enc = encodeRegex(ctx, re.pattern, re.flags);
    if (!enc.ok) {
      this.s.sites.push({ used: live, reason: `\`${print(call)}\`: ${enc.reason}` });
      return { v: f.v, t: ctx.Or(recv.t, ctx.Not(isStr), f.t) };
    }
    const s = th.s(recv.v);
    const matched = ctx.InRe(s, enc.search);
    const tooMuch = s.length().mul(enc.programSize).gt(LIMITS.maxRegexWork);
    this.s.facts.push(ctx.Implies(isStr, th.is('arr', f.v)));
    if (!onlyNull) this.s.sites.push({ used: ctx.And(live, ctx.Not(tooMuch), matched), reason: `\`${print(call)}\`: the groups of a match are not encoded (only whether it matches)` });
    return { v: ctx.If(matched, f.v, th.nul) as V, t: ctx.Or(recv.t, ctx.Not(isStr), ctx.And(isStr, tooMuch)) };
  }

  /** `[a, b].includes(x)` (SameValueZero: NaN finds NaN) and `[a, b].indexOf(x)` (===) on an array literal. */
  private searchLiteral(elements: readonly Expr[], arg: Expr, method: 'includes' | 'indexOf', reach: B): Term {
    const { th } = this;
    const { ctx } = th;
    let t: B = ctx.Bool.val(false);
    const items: V[] = [];
    for (const x of [...elements, arg]) {
      const r = this.encode(x, ctx.And(reach, ctx.Not(t)));
      items.push(r.v);
      t = ctx.Or(t, r.t);
    }
    const wanted = items.pop()!;
    if (method === 'includes') return { v: th.bool(ctx.Or(ctx.Bool.val(false), ...items.map((x) => x.eq(wanted)))), t };
    let v: V = th.num(-1);
    for (let i = items.length - 1; i >= 0; i--) v = ctx.If(th.strictEq(items[i], wanted), th.num(i), v) as V;
    return { v, t };
  }

  /** The string methods on a string receiver and one string argument; the rest is inexact. */
  private method(name: string, recv: V, args: readonly V[]): Outcome {
    const { th } = this;
    const { ctx } = th;
    const yes = ctx.Bool.val(true);
    const notString = ctx.Not(th.is('str', recv));
    const oneText = args.length === 1 ? th.is('str', args[0]) : ctx.Bool.val(false);
    const s = th.s(recv);
    const a = args.length > 0 ? th.s(args[0]) : th.text('');
    switch (name) {
      case 'startsWith':
        return { v: th.bool(a.prefixOf(s)), t: notString, inexact: ctx.And(th.is('str', recv), ctx.Not(oneText)) };
      case 'endsWith':
        return { v: th.bool(a.suffixOf(s)), t: notString, inexact: ctx.And(th.is('str', recv), ctx.Not(oneText)) };
      case 'includes':
        // Arrays search their elements (not encoded yet); other receivers throw.
        return { v: th.bool(s.contains(a)), t: ctx.And(notString, ctx.Not(th.is('arr', recv))), inexact: ctx.Or(th.is('arr', recv), ctx.And(th.is('str', recv), ctx.Not(oneText))) };
      case 'indexOf':
        return { v: th.num(ctx.ToReal(s.indexOf(a, 0))), t: ctx.And(notString, ctx.Not(th.is('arr', recv))), inexact: ctx.Or(th.is('arr', recv), ctx.And(th.is('str', recv), ctx.Not(oneText))) };
      case 'trim': {
        if (args.length !== 0) break;
        // s = lead · core · trail, the ends white space (JavaScript's \s: trim strips exactly that set), the core
        // empty or neither starting nor ending with it: a unique split, so `trim` is exact.
        const [lead, core, trail] = ['lead', 'core', 'trail'].map((k) => this.s.opaque(`trim:${k}`, [recv]).v);
        const ws = charSet(ctx, SPACE);
        const other = charSet(ctx, complementBmp(SPACE));
        const c = th.s(core);
        // The core's ends as single characters, not a regex over all of it: the solver decides this far faster.
        const shape = ctx.Or(c.length().eq(0), ctx.And(ctx.InRe(c.at(0), other), ctx.InRe(c.at(c.length().sub(1)), other)));
        this.s.facts.push(
          ctx.Implies(th.is('str', recv), ctx.And(th.is('str', lead), th.is('str', core), th.is('str', trail), s.eq(th.s(lead).concat(c).concat(th.s(trail))), ctx.InRe(th.s(lead), ctx.Star(ws)), ctx.InRe(th.s(trail), ctx.Star(ws)), shape)),
        );
        return { v: core, t: notString };
      }
      case 'toLowerCase':
      case 'toUpperCase': {
        if (args.length !== 0) break;
        // Exact where the string is ASCII with no letter to change: there it is itself. Elsewhere
        // (Unicode case mapping, which can change the length) it is not encoded.
        const unchanged = name === 'toLowerCase' ? [0, 0x40, 0x5b, 0x7f] : [0, 0x60, 0x7b, 0x7f];
        const same = ctx.InRe(s, ctx.Star(charSet(ctx, unchanged)));
        return { v: recv, t: notString, inexact: ctx.And(th.is('str', recv), ctx.Not(same)) };
      }
      default:
        break;
    }
    return { v: th.undef, t: ctx.Bool.val(false), inexact: yes };
  }
}

const limitText = (): number => LIMITS.maxStringLength;

const isNullish = (e: Expr): boolean => e.kind === 'literal' && (e.value === null || e.value === undefined);
/** `x.match(/re/)`: a regex literal argument (a string argument is stdlib's refusal, VLV0314). */
const isRegexMatch = (e: Expr): boolean =>
  e.kind === 'call' && e.callee.kind === 'member' && !e.callee.computed && e.callee.property.kind === 'literal' && e.callee.property.value === 'match' && e.args.length === 1 && e.args[0].kind === 'regex';

const z3Char = (c: number): string => z3Text(String.fromCharCode(c));
/** A set of code units (flat [lo, hi, …] ranges) as a Z3 regex of one character. */
function charSet(ctx: Theory['ctx'], ranges: readonly number[]) {
  const parts = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(ctx.Range(z3Char(ranges[i]), z3Char(Math.min(ranges[i + 1], 0xffff))));
  return parts.length === 1 ? parts[0] : ctx.Union(...parts);
}
function complementBmp(ranges: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i] > next) out.push(next, ranges[i] - 1);
    next = ranges[i + 1] + 1;
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
}

/** A finite number as an exact decimal Z3 reads (no exponent). */
function numberText(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return BigInt(x).toString();
  // The shortest decimal that reads back as x: exact for the double it denotes as a rational.
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  const digits = mantissa.replace('.', '').replace('-', '');
  const point = (mantissa.split('.')[1] ?? '').length;
  const sign = x < 0 ? '-' : '';
  const shift = e - point;
  if (shift >= 0) return `${sign}${digits}${'0'.repeat(shift)}`;
  return `${sign}${digits}/1${'0'.repeat(-shift)}`;
}
