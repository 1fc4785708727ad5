/**
 * The type checker: infers a type for every sub-expression of a rule, narrowing through `&&`,
 * `||`, `?:`, `!`, `x === null` / `x !== null`, `typeof x === '…'` and truthiness, and reports
 * mistakes that would otherwise deny forever or compare the wrong things. Values from outside
 * (data, oldData, user.data, records) are unknown unless a schema describes them, and unknown
 * never produces a diagnostic.
 */
import { optionalObjects, type Chain, type Expr, type Reporter, MESSAGES, type Code, type MessageParams, type PathPattern, print, type Span } from '../grammar/index.js';
import { binaryRow, LENGTH, logicalRow, methodSpec, REFERENCE, ROOTS, unaryRow, VARIABLE, type OperandRule } from './language/index.js';
import { recordCandidates, schemaFor, schemaForPattern, type Schema, type SchemaSection } from './schema.js';
import { actionInfo, type Section } from './scope.js';
import { suggest } from './suggest.js';
import { fixOf, inWords, KIND_WORDS, nonBoolean, resultParts } from './truth.js';
import * as T from './types.js';
import type { Type } from './types.js';

export interface TypeScope {
  readonly section?: Section;
  readonly action?: string;
  readonly pattern?: PathPattern;
  /**
   * With a schema the author opted into types, and type errors are errors. Without one they are
   * reported as warnings, so every file deepstream accepts still compiles.
   */
  readonly schema?: Schema;
}

type Facts = ReadonlyMap<string, Type>;

const article = (t: Type): string => {
  const s = T.show(t);
  if (t.kind === 'null' || t.kind === 'undefined') return `\`${s}\``;
  if (t.kind === 'union' || s.includes("'") || /^\d|^true|^false/.test(s)) return `\`${s}\``;
  return /^[aeiou]/.test(s) ? `an ${s}` : `a ${s}`;
};

/** "a string", "an array or `null`": what a rule yields, in words. */
const resultKinds = (t: Type): string => [...new Set(T.members(t).map((m) => KIND_WORDS[m.kind] ?? m.kind))].join(' or ');

/** A part of a rule as a message quotes it: at most 60 characters. */
const shorten = (text: string): string => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** Typed scope values for one rule: each root name's type (the language table's) where it is available, unknown elsewhere. */
function scopeTypes(scope: TypeScope): Map<string, Type> {
  const { schema, section, action, pattern } = scope;
  const info = section && action ? actionInfo(section, action) : undefined;
  const entry = schema && pattern && section && section !== 'presence' ? schemaForPattern(schema, section as SchemaSection, pattern) : undefined;
  const types = { section, value: entry?.type, userData: schema?.user };
  const names = new Map<string, Type>();
  for (const root of ROOTS) names.set(root.name, root.requires === undefined || info?.[root.requires] ? root.type(types) : T.UNKNOWN);
  for (const v of pattern?.variables ?? []) names.set(v, VARIABLE.type);
  return names;
}

/** Access paths that narrowing can speak about: `oldData`, `data.a.b`, `_('x')`, … */
function keyOf(e: Expr): string | undefined {
  if (e.kind === 'identifier') return e.name;
  if (e.kind === 'member') {
    const base = keyOf(e.object);
    if (base === undefined || e.property.kind !== 'literal') return undefined;
    return `${base}[${JSON.stringify(e.property.value)}]`;
  }
  if (e.kind === 'call' && e.callee.kind === 'identifier' && e.callee.name === REFERENCE.name) return print(e);
  // `data?.a` is `data.a` wherever it is read at all; short-circuited, it is `undefined`.
  if (e.kind === 'chain') return keyOf(e.expression);
  return undefined;
}

export class TypeChecker {
  private readonly names: Map<string, Type>;
  private readonly said = new Set<string>();
  /** One entry per chain being typed: whether one of its `?.` objects may be null or undefined. */
  private readonly shortCircuits: boolean[] = [];

  constructor(
    private readonly scope: TypeScope,
    private readonly report: Reporter,
  ) {
    this.names = scopeTypes(scope);
  }

  /** Checks a rule; returns its result type. */
  check(expr: Expr): Type {
    const t = this.type(expr, new Map());
    if (!T.isUnknown(t) && !T.isNever(t) && !T.canBe(t, 'boolean')) {
      this.say('VLV0401', expr.span, { what: resultKinds(t), compareNull: t.kind === 'union' && T.canBe(t, 'array') && T.canBe(t, 'null') });
    } else if (!T.isNever(t)) this.truth(expr);
    return t;
  }

  /**
   * A rule that yields a boolean only sometimes: when none of its result parts can be `true` it
   * never allows (VLV0409, at each non-boolean part); otherwise each part that can yield a truthy
   * non-boolean denies where deepstream allows (VLV0410). Unknown values say nothing.
   */
  private truth(expr: Expr): void {
    const parts = resultParts(this, expr, new Map()).filter((p) => !T.isNever(p.type));
    if (parts.some((p) => T.canBeTrue(p.type))) {
      for (const p of parts) {
        const odd = T.truthyPart(nonBoolean(p.type));
        if (!T.isUnknown(odd) && !T.isNever(odd)) this.say('VLV0410', p.expr.span, { part: shorten(print(p.expr)), what: inWords(odd), fix: fixOf(p.expr, p.full) });
      }
      return;
    }
    const blamed = parts.filter((p) => !T.isNever(nonBoolean(p.type)));
    for (const p of blamed) this.say('VLV0409', p.expr.span, { part: shorten(print(p.expr)), what: inWords(p.type), fix: fixOf(p.expr, p.full) });
    if (!blamed.length) this.say('VLV0409', expr.span, {});
  }

  /** Each problem once per place, however often narrowing re-types a node. */
  private say<C extends Code>(code: C, span: Span, params: MessageParams<C>): void {
    const key = `${code}:${span.start}:${span.end}`;
    if (this.said.has(key)) return;
    this.said.add(key);
    this.report(code, span, params, this.scope.schema || MESSAGES[code].severity !== 'error' ? undefined : 'warning');
  }

  type(e: Expr, facts: Facts): Type {
    const t = this.infer(e, facts);
    const key = keyOf(e);
    const fact = key === undefined ? undefined : facts.get(key);
    return fact ?? t;
  }

  private infer(e: Expr, facts: Facts): Type {
    switch (e.kind) {
      case 'literal':
        if (typeof e.value === 'string') return { kind: 'string', values: [e.value] };
        // NaN equals nothing, so it is no literal value to compare with.
        if (typeof e.value === 'number') return Number.isNaN(e.value) ? T.NUMBER : { kind: 'number', values: [e.value] };
        if (typeof e.value === 'boolean') return { kind: 'boolean', values: [e.value] };
        return e.value === null ? T.NULL : T.UNDEFINED;
      case 'regex':
        return T.REGEX;
      case 'template':
        e.exprs.forEach((x) => this.type(x, facts));
        return T.STRING;
      case 'array':
        return T.arrayOf(e.elements.length ? T.union(...e.elements.map((x) => this.type(x, facts))) : T.UNKNOWN);
      case 'object': {
        // Known keys make a closed object; a computed key may be any name: nothing is known then.
        const props: Record<string, Type> = {};
        let computed = false;
        for (const p of e.properties) {
          if (p.computed) {
            this.type(p.key, facts);
            computed = true;
          }
          const t = this.type(p.value, facts);
          if (!p.computed && p.key.kind === 'literal') props[String(p.key.value)] = t;
        }
        return computed ? T.UNKNOWN : T.objectOf(props);
      }
      case 'identifier':
        return this.names.get(e.name) ?? T.UNKNOWN;
      case 'member':
        return this.member(e, facts);
      case 'call':
        return this.call(e, facts);
      case 'chain': {
        this.shortCircuits.push(false);
        const t = this.type(e.expression, facts);
        return this.shortCircuits.pop() ? T.union(t, T.UNDEFINED) : t;
      }
      case 'unary': {
        const o = this.type(e.operand, facts);
        const { operands, result } = unaryRow(e.op).check;
        if (operands === 'numbers') this.needNumber(e.op, e.operand, o);
        return result;
      }
      case 'binary':
        return this.binary(e, facts);
      case 'logical': {
        // The part of the left operand that ends the evaluation, or the right operand (typed knowing how the left one turned out).
        const { left, rightWhenLeft } = logicalRow(e.op).check;
        const l = this.type(e.left, facts);
        const r = this.type(e.right, rightWhenLeft === undefined ? facts : this.narrow(e.left, facts, rightWhenLeft));
        return T.union(left(l), r);
      }
      case 'conditional': {
        this.type(e.test, facts);
        return T.union(this.type(e.consequent, this.narrow(e.test, facts, true)), this.type(e.alternate, this.narrow(e.test, facts, false)));
      }
      case 'error':
        return T.UNKNOWN;
    }
  }

  /** The object of a `?.` link, as the rest of the chain sees it: never null or undefined. */
  private optionalObject(t: Type): Type {
    const open = this.shortCircuits.length;
    if (open > 0 && (T.isUnknown(t) || T.mayBeNullish(t))) this.shortCircuits[open - 1] = true;
    return T.withoutNullish(t);
  }

  private member(e: Extract<Expr, { kind: 'member' }>, facts: Facts): Type {
    const read = this.type(e.object, facts);
    const obj = e.optional ? this.optionalObject(read) : read;
    if (e.computed) this.type(e.property, facts);
    if (T.isUnknown(obj)) return T.UNKNOWN;
    const prop = e.property.kind === 'literal' && (typeof e.property.value === 'string' || typeof e.property.value === 'number') ? String(e.property.value) : undefined;
    const what = print(e.object);
    const nullish = T.members(obj).filter((m) => m.kind === 'null' || m.kind === 'undefined');
    const rest = T.members(obj).filter((m) => m.kind !== 'null' && m.kind !== 'undefined');
    if (nullish.length && !rest.length) {
      this.say('VLV0509', e.property.span, { prop: prop ?? '…', what, type: T.show(obj) });
      return T.UNKNOWN;
    }
    if (nullish.length) this.say('VLV0504', e.object.span, { what, type: nullish.map((n) => n.kind).join(' or '), guard: guardOf(nullish) });
    const out: Type[] = [];
    // Of several possible shapes (e.g. a `_()` name that can select several record schemas), a
    // property one of them has is fine; the others contribute `undefined`.
    const someHave = prop !== undefined && rest.length > 1 && rest.some((m) => m.kind === 'object' && m.properties.has(prop));
    for (const m of rest) out.push(someHave && m.kind === 'object' && !m.properties.has(prop!) ? T.UNDEFINED : this.memberOf(m, prop, e, what));
    return T.union(...out);
  }

  private memberOf(m: Type, prop: string | undefined, e: Extract<Expr, { kind: 'member' }>, what: string): Type {
    const index = prop !== undefined && /^\d+$/.test(prop);
    switch (m.kind) {
      case 'string':
      case 'array':
        if (prop === LENGTH.name) return LENGTH.type;
        if (prop === undefined || index) return T.union(m.kind === 'array' ? m.items : T.STRING, T.UNDEFINED);
        if (methodSpec(prop)) {
          // Read, not called (`name.trim.length`): deepstream gives the function, a rule sees own data only (STRICTER 7).
          if ((methodSpec(prop)?.on as readonly string[] | undefined)?.includes(m.kind)) this.say('VLV0160', e.property.span, { method: prop, what });
          return T.UNKNOWN;
        }
        this.say('VLV0509', e.property.span, { prop, what, type: article(m) });
        return T.UNKNOWN; // reported: stay quiet about what follows
      case 'object': {
        if (prop === undefined) return T.UNKNOWN;
        const p = m.properties.get(prop);
        if (p) return p.required ? p.type : T.union(p.type, T.UNDEFINED);
        const known = [...m.properties.keys()];
        if (m.closed) {
          this.say('VLV0501', e.property.span, { prop, what, known, ...suggest(prop, known) });
          return T.UNKNOWN; // reported: stay quiet about what follows
        }
        if (known.length && T.isUnknown(m.extra)) this.say('VLV0502', e.property.span, { prop, what, known, ...suggest(prop, known) });
        return m.extra;
      }
      case 'number':
      case 'boolean':
      case 'regex':
        this.say('VLV0509', e.property.span, { prop: prop ?? '…', what, type: article(m) });
        return T.UNKNOWN;
      default:
        return T.UNKNOWN;
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>, facts: Facts): Type {
    const callee = e.callee;
    const args = e.args.map((a) => this.type(a, facts));
    if (callee.kind === 'identifier' && callee.name === REFERENCE.name) return this.reference(e.args[0]);
    if (callee.kind !== 'member' || callee.property.kind !== 'literal') return T.UNKNOWN;
    const method = String(callee.property.value);
    const spec = methodSpec(method);
    const read = this.type(callee.object, facts);
    const recv = callee.optional ? this.optionalObject(read) : read;
    if (!spec) return T.UNKNOWN;
    void args;
    const ret = spec.returns;
    if (T.isUnknown(recv)) return ret;
    const what = print(callee.object);
    const nullish = T.members(recv).filter((m) => m.kind === 'null' || m.kind === 'undefined');
    const wrong = T.members(recv).filter((m) => m.kind !== 'null' && m.kind !== 'undefined' && !(spec.on as readonly string[]).includes(m.kind));
    const on = spec.on.length > 1 ? 'a string and array' : 'a string';
    if (wrong.length || nullish.length === T.members(recv).length) this.say('VLV0503', callee.property.span, { method, on, what, type: article(recv) });
    else if (nullish.length) this.say('VLV0504', callee.object.span, { what, type: nullish.map((n) => n.kind).join(' or '), guard: guardOf(nullish) });
    return ret;
  }

  /** `_('profile/' + x)`: the schema of the record patterns such a name can select, or null. */
  private reference(arg: Expr | undefined): Type {
    const schema = this.scope.schema;
    if (!schema || !arg) return T.UNKNOWN;
    // Literals and `$variables` (one segment, never a `/`) make a name shape that selects one schema.
    const shape = nameShape(arg);
    if (shape !== undefined) {
      const entry = schemaFor(schema, 'record', shape);
      return entry ? T.union(entry.type, T.NULL) : T.UNKNOWN;
    }
    const { prefix, exact } = staticPrefix(arg);
    const candidates = recordCandidates(schema, prefix, exact);
    if (!candidates.length) return T.UNKNOWN;
    return T.union(...candidates.map((c) => c.type), T.NULL);
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, facts: Facts): Type {
    const l = this.type(e.left, facts);
    const r = this.type(e.right, facts);
    const { operands, result } = binaryRow(e.op).check;
    this.operands(operands, e, l, r);
    return typeof result === 'function' ? result(l, r) : result;
  }

  /** The operand rule of a binary operator (compiler/language/operators.ts), each implemented here once. */
  private operands(rule: OperandRule, e: Extract<Expr, { kind: 'binary' }>, l: Type, r: Type): void {
    switch (rule) {
      case 'any':
        return;
      case 'overlapping': {
        // A repeated guard (`x !== null` where x is known non-null) and comparisons in a branch the
        // types prove dead (`never`) are not mistakes worth an error.
        const nullishLiteral = (x: Expr): boolean => x.kind === 'literal' && (x.value === null || x.value === undefined);
        if (!T.overlaps(l, r) && !nullishLiteral(e.left) && !nullishLiteral(e.right) && !T.isNever(l) && !T.isNever(r)) this.neverEqual(e, l, r);
        return;
      }
      case 'ordered':
        if ((T.onlyOf(l, 'string') && T.onlyOf(r, 'number')) || (T.onlyOf(l, 'number') && T.onlyOf(r, 'string'))) {
          this.say('VLV0508', e.span, { left: article(l), right: article(r), ...(T.onlyOf(l, 'string') ? { toNumber: print(e.left) } : {}) });
        }
        return;
      case 'sum': {
        // With a string on either side `+` concatenates anything; otherwise both must be numbers.
        const concat = T.canBe(l, 'string') || T.canBe(r, 'string');
        for (const [x, t] of [[e.left, l], [e.right, r]] as const) {
          if (!concat && !T.isUnknown(t) && !T.canBe(t, 'number')) this.say('VLV0505', x.span, { op: e.op, what: print(x), type: article(t) });
        }
        return;
      }
      case 'numbers':
        this.needNumber(e.op, e.left, l);
        this.needNumber(e.op, e.right, r);
        return;
    }
  }

  private needNumber(op: string, x: Expr, t: Type): void {
    if (!T.isUnknown(t) && !T.isNever(t) && !T.canBe(t, 'number')) this.say('VLV0505', x.span, { op, what: print(x), type: article(t) });
  }

  private neverEqual(e: Extract<Expr, { kind: 'binary' }>, l: Type, r: Type): void {
    const lit = e.right.kind === 'literal' ? 'right' : e.left.kind === 'literal' ? 'left' : undefined;
    const valueSide = lit === 'right' ? r : l;
    // An optional enum property is `'a' | 'b' | undefined`: compare against its values.
    const setSide = T.withoutNullish(lit === 'right' ? l : r);
    const values = (t: Type): readonly unknown[] | undefined => (t.kind === 'string' || t.kind === 'number' || t.kind === 'boolean' ? t.values : undefined);
    if (lit && valueSide.kind === setSide.kind && values(setSide)) {
      const node = lit === 'right' ? e.right : e.left;
      const allowed = (values(setSide) ?? []).map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
      const shown = typeof (node as { value?: unknown }).value === 'string' ? `'${String((node as { value?: unknown }).value)}'` : print(node);
      this.say('VLV0507', node.span, { value: `\`${shown}\``, allowed: allowed.map((a) => `\`${a}\``).join(', '), ...(setSide.kind === 'string' ? suggest(shown, allowed) : {}) });
      return;
    }
    this.say('VLV0506', e.span, { left: article(l), right: article(r), op: e.op });
  }

  private narrowIn(e: Extract<Expr, { kind: 'binary' }>, facts: Facts, truthy: boolean): Facts {
    return truthy ? narrowInFacts(this, e, facts) : facts;
  }

  /** The facts that hold when `e` is truthy (or falsy). */
  narrow(e: Expr, facts: Facts, truthy: boolean): Facts {
    switch (e.kind) {
      case 'unary':
        return e.op === '!' ? this.narrow(e.operand, facts, !truthy) : facts;
      case 'logical':
        if (e.op === '&&' && truthy) return this.narrow(e.right, this.narrow(e.left, facts, true), true);
        if (e.op === '||' && !truthy) return this.narrow(e.right, this.narrow(e.left, facts, false), false);
        return facts;
      case 'binary':
        return this.narrowComparison(e, facts, truthy);
      case 'chain':
        // A truthy chain was not short-circuited: each `?.` object was there.
        return truthy ? this.narrow(e.expression, this.chainEvaluated(e, facts), true) : facts;
      default: {
        const key = keyOf(e);
        if (key === undefined || !truthy) return facts;
        return with_(facts, key, T.withoutNullish(this.type(e, facts)));
      }
    }
  }

  /** The facts once a chain was read to its end: none of its `?.` objects is null or undefined. */
  private chainEvaluated(chain: Chain, facts: Facts): Facts {
    let out = facts;
    for (const o of optionalObjects(chain).reverse()) {
      const key = keyOf(o);
      if (key !== undefined) out = with_(out, key, T.withoutNullish(this.type(o, out)));
    }
    return out;
  }

  /**
   * `x?.a === y` (or `!==`, `==`, `!=`) with an outcome that proves the chain yielded neither
   * undefined nor (when `y` can not be null either) null: it was read to its end, and its value
   * is not that. The facts with the chain and its `?.` objects narrowed; undefined otherwise.
   */
  private definedChain(e: Extract<Expr, { kind: 'binary' }>, facts: Facts, equal: boolean, loose: boolean): Facts | undefined {
    for (const [side, other] of [[e.left, e.right], [e.right, e.left]] as const) {
      if (side.kind !== 'chain') continue;
      let excluded: readonly string[] = [];
      if (equal) {
        const t = this.type(other, facts);
        if (!T.isUnknown(t) && !T.isNever(t) && !T.canBe(t, 'undefined') && !(loose && T.canBe(t, 'null'))) excluded = T.canBe(t, 'null') ? ['undefined'] : ['undefined', 'null'];
      } else if (other.kind === 'literal' && (other.value === undefined || (loose && other.value === null))) {
        excluded = loose ? ['undefined', 'null'] : ['undefined'];
      }
      if (excluded.length === 0) continue;
      const evaluated = this.chainEvaluated(side, facts);
      const key = keyOf(side);
      return key === undefined ? evaluated : with_(evaluated, key, T.filter(this.type(side, evaluated), (m) => !excluded.includes(m.kind)));
    }
    return undefined;
  }

  private narrowComparison(e: Extract<Expr, { kind: 'binary' }>, facts: Facts, truthy: boolean): Facts {
    if (e.op === 'in') return this.narrowIn(e, facts, truthy);
    if (!['===', '!==', '==', '!='].includes(e.op)) return facts;
    const equal = (e.op === '===' || e.op === '==') === truthy;
    const loose = e.op === '==' || e.op === '!=';
    facts = this.definedChain(e, facts, equal, loose) ?? facts;
    const isNullish = (x: Expr): boolean => x.kind === 'literal' && (x.value === null || x.value === undefined);
    // typeof x === 'kind'
    const typeofSide = e.left.kind === 'unary' && e.left.op === 'typeof' ? e.left : e.right.kind === 'unary' && e.right.op === 'typeof' ? e.right : undefined;
    const other = typeofSide === e.left ? e.right : e.left;
    if (typeofSide && other.kind === 'literal' && typeof other.value === 'string') {
      if (typeofSide.operand.kind === 'chain' && equal && other.value !== 'undefined') facts = this.chainEvaluated(typeofSide.operand, facts);
      const key = keyOf(typeofSide.operand);
      if (key === undefined) return facts;
      const kind = other.value;
      const current = this.type(typeofSide.operand, facts);
      const known: Record<string, Type> = { string: T.STRING, number: T.NUMBER, boolean: T.BOOLEAN, undefined: T.UNDEFINED };
      if (T.isUnknown(current)) return equal && known[kind] ? with_(facts, key, known[kind]) : facts;
      const narrowed = T.filter(current, (m) => (T.TYPEOF[m.kind] === kind) === equal);
      // A test the types call impossible: check the branch as if the value were of the tested
      // kind, so a schema never hides what the same rule shows without one.
      if (T.isNever(narrowed)) return equal && known[kind] ? with_(facts, key, known[kind]) : facts;
      return with_(facts, key, narrowed);
    }
    const [subject, value] = isNullish(e.right) ? [e.left, e.right] : isNullish(e.left) ? [e.right, e.left] : [undefined, undefined];
    if (!subject || value?.kind !== 'literal') return facts;
    const key = keyOf(subject);
    if (key === undefined) return facts;
    const current = this.type(subject, facts);
    if (T.isUnknown(current)) return facts;
    const hit = (m: Type): boolean => (loose ? m.kind === 'null' || m.kind === 'undefined' : m.kind === (value.value === null ? 'null' : 'undefined'));
    return with_(facts, key, T.filter(current, (m) => hit(m) === equal));
  }
}

/** The guard that removes exactly the nullish kinds a value may have. */
function guardOf(nullish: readonly Type[]): 'null' | 'undefined' | 'both' {
  const kinds = new Set(nullish.map((n) => n.kind));
  return kinds.size > 1 ? 'both' : kinds.has('null') ? 'null' : 'undefined';
}

function with_(facts: Facts, key: string, t: Type): Facts {
  const next = new Map(facts);
  next.set(key, t);
  return next;
}

/** `'p' in x` (true): x is an object and `x.p` is present. */
function narrowInFacts(checker: TypeChecker, e: Extract<Expr, { kind: 'binary' }>, facts: Facts): Facts {
  const base = keyOf(e.right);
  if (base === undefined || e.left.kind !== 'literal' || typeof e.left.value !== 'string') return facts;
  const prop = e.left.value;
  const objectType = T.withoutNullish(checker.type(e.right, facts));
  const propTypes = T.members(objectType).flatMap((m) => (m.kind === 'object' && m.properties.has(prop) ? [m.properties.get(prop)!.type] : []));
  const next = with_(facts, base, objectType);
  return propTypes.length ? with_(next, `${base}[${JSON.stringify(prop)}]`, T.withoutNullish(T.union(...propTypes))) : next;
}

/** `'doc/' + $id` → `doc/\u0001` (a typical name); undefined when a part is neither literal nor a `$variable`. */
function nameShape(e: Expr): string | undefined {
  if (e.kind === 'literal' && typeof e.value === 'string') return e.value;
  if (e.kind === 'identifier' && e.name.startsWith('$')) return '\u0001';
  if (e.kind === 'binary' && e.op === '+') {
    const l = nameShape(e.left);
    const r = l === undefined ? undefined : nameShape(e.right);
    return l === undefined || r === undefined ? undefined : l + r;
  }
  if (e.kind === 'template') {
    let out = e.quasis[0];
    for (let i = 0; i < e.exprs.length; i++) {
      const part = nameShape(e.exprs[i]);
      if (part === undefined) return undefined;
      out += part + e.quasis[i + 1];
    }
    return out;
  }
  return undefined;
}

/** The literal text a record name starts with: `'profile/' + x` → `profile/`. */
function staticPrefix(e: Expr): { prefix: string; exact: boolean } {
  if (e.kind === 'literal' && typeof e.value === 'string') return { prefix: e.value, exact: true };
  if (e.kind === 'template') return { prefix: e.quasis[0], exact: e.exprs.length === 0 };
  if (e.kind === 'binary' && e.op === '+') {
    const left = staticPrefix(e.left);
    if (left.exact) {
      const right = staticPrefix(e.right);
      return { prefix: left.prefix + right.prefix, exact: right.exact };
    }
    return left;
  }
  return { prefix: '', exact: false };
}
