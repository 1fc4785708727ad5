/**
 * The only operations compiled rules (and the interpreter) perform on values. Every property
 * read, conversion and method call goes through here, so no rule can reach a prototype, a
 * getter, a global or a function. Any failure throws RuleError, which the engine turns into a
 * deny with the rule's position.
 */
import { RE2JS } from 're2js';
import { InputMapper, type Operations, type RecordSlot, type RuleContext, type Re2Source, FORBIDDEN_PROPERTIES } from '../compiler/index.js';
import { MESSAGES } from '../grammar/index.js';
import { LIMITS, type RuntimeLimits } from './limits.js';

/**
 * What the rule being evaluated runs under: its limits, and whether every input it can reach was
 * walked just before (limits.ts inspect) and holds own data properties only, so that reads need
 * no descriptor (there is no getter to avoid). Outside an evaluation: the defaults, not plain.
 *
 * INVARIANT: evaluation is synchronous. A rule function runs to completion between enter() and
 * exit() (a record it needs makes it throw NeedRecord; it never awaits), so one module-level
 * scope is the scope of whichever rule is running, and evaluations never nest (enter refuses).
 */
class EvaluationScope {
  limits: RuntimeLimits = LIMITS;
  plain = false;
  private open = false;

  enter(limits: RuntimeLimits, plain: boolean): void {
    if (this.open) throw new Error('an evaluation is already running: evaluations do not nest');
    this.open = true;
    this.limits = limits;
    this.plain = plain;
  }

  exit(): void {
    this.open = false;
    this.limits = LIMITS;
    this.plain = false;
  }
}

const scope = new EvaluationScope();

/**
 * The evaluation scope: `enter(limits, plain)` before running a rule (or one `_()` argument),
 * `plain` as inspect found the inputs; `exit()` once it returned or threw (in a `finally`).
 */
export const evaluation: Pick<EvaluationScope, 'enter' | 'exit'> = scope;

export class RuleError extends Error {
  // Stryker disable next-line StringLiteral: the name is never shown (the engine reports a RuleError's message)
  override readonly name = 'RuleError';
  /** The catalogue code of the deny this error causes (VLV0901 "rule failed" unless more specific). */
  constructor(
    message: string,
    readonly code: 'VLV0901' | 'VLV0904' | 'VLV0905' | 'VLV0908' | 'VLV0910' | 'VLV0911' | 'VLV0912' | 'VLV0914' | 'VLV0918' | 'VLV0919' = 'VLV0901',
  ) {
    super(message);
  }
}

/** Thrown when `_()` needs a record this check has not loaded yet; the engine loads and retries. */
export class NeedRecord {
  constructor(readonly recordName: string) {}
}

/** A compiled regular expression: opaque to rules (no readable properties). */
export class RegexValue {
  readonly #re: RE2JS;
  readonly #spec: Re2Source;
  readonly #input: InputMapper;
  readonly #text: string;
  /** Instructions in the compiled program: matching costs about input length × this. */
  readonly #size: number;
  constructor(spec: Re2Source, text: string) {
    this.#re = RE2JS.compile(spec.source, spec.flags);
    this.#spec = spec;
    this.#input = new InputMapper(spec.alphabet);
    this.#text = text;
    this.#size = Math.max(1, this.#re.programSize());
    Object.freeze(this);
  }
  get text(): string {
    return this.#text;
  }
  /** What JavaScript's `input.match(re)` returns (see compiler/regex-alphabet.ts for how it runs on RE2). */
  match(input: string): string[] | null {
    if (input.length * this.#size > scope.limits.maxRegexWork) {
      throw new RuleError(MESSAGES.VLV0911.message({ length: input.length, regex: this.#text, max: scope.limits.maxRegexWork }), 'VLV0911');
    }
    const mapped = this.#input.map(input);
    // A yes/no pass first: re2js answers it without tracking groups, several times faster, and
    // the evil inputs of ReDoS patterns do not match. (Before the sentinel at index 0, when there
    // is one, only an empty match is possible, and then there is one after it too.)
    // Stryker disable next-line ConditionalExpression: a shortcut; find() on a string that does not match gives null too
    if (!this.#re.test(mapped.text)) return null;
    const m = this.#re.matcher(mapped.text);
    const at = (k: number): number => InputMapper.original(mapped, k);
    if (this.#spec.global) {
      const all: string[] = [];
      for (let found = m.find(mapped.offset); found; found = m.find()) all.push(input.slice(at(m.start()), at(m.end())));
      return all.length ? all : null;
    }
    if (!m.find(mapped.offset)) return null;
    const names = this.#spec.names;
    const spans: ([number, number] | undefined)[] = names.map(() => undefined);
    spans[0] = [at(m.start()), at(m.end())];
    const re2 = Array.from({ length: m.groupCount() + 1 }, (_, g) => m.start(g));
    // JavaScript resets a quantifier's captures at each iteration: keep what its last one set.
    // (Iterations do not overlap, so a capture from an earlier one starts before the last one.)
    for (const loop of this.#spec.loops) {
      let last: { readonly iteration: number; readonly inner: readonly number[] } | undefined;
      for (const part of loop.parts) if (re2[part.iteration] >= 0 && (!last || re2[part.iteration] >= re2[last.iteration])) last = part;
      for (const part of loop.parts) for (const g of part.inner) if (part !== last || re2[g] < re2[part.iteration]) re2[g] = -1;
    }
    // A capture may be written more than once (compiler/regex-empty.ts): the copy that matched last in the program holds it.
    this.#spec.captures.forEach((js, i) => {
      if (js > 0 && re2[i + 1] >= 0) spans[js] = [at(m.start(i + 1)), at(m.end(i + 1))];
    });
    const result = spans.map((span) => (span ? input.slice(span[0], span[1]) : undefined)) as string[] & { index?: number; input?: string; groups?: Record<string, string | undefined>; indices?: unknown };
    result.index = spans[0]![0];
    result.input = input;
    const named = <T>(values: readonly T[]): Record<string, T> | undefined => {
      if (!names.some((n) => n !== null)) return undefined;
      const o = Object.create(null) as Record<string, T>;
      names.forEach((n, g) => {
        if (n !== null) o[n] = values[g];
      });
      return o;
    };
    result.groups = named(result);
    if (this.#spec.indices) {
      const indices = spans.slice() as unknown[] & { groups?: unknown };
      indices.groups = named(spans);
      result.indices = indices;
    }
    return result;
  }
}

/**
 * A `match` string JavaScript refuses as a pattern (warning VLV0314): upstream's `match` throws
 * when it builds the RegExp, so calling `match` with it fails. Never anything but that argument.
 */
export class InvalidRegex {
  constructor(
    readonly text: string,
    readonly detail: string,
  ) {
    Object.freeze(this);
  }
}

/** How a value is named in messages. */
export function describe(v: unknown): string {
  if (v === null) return '`null`';
  if (v === undefined) return '`undefined`';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof RegexValue) return 'a regular expression';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `the string "${v.slice(0, 37)}…"` : `the string ${JSON.stringify(v)}`;
  return `the ${typeof v} ${String(v)}`;
}

type Primitive = string | number | boolean | null | undefined | bigint | symbol;

/** JavaScript's ToPrimitive for rule values, computed without calling any method of the value. */
export function toPrimitive(v: unknown, depth = 0): Primitive {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v as Primitive;
  // `depth` counts from 0 at the outermost array: level depth + 1, as maxDepth counts a stored record.
  if (depth + 1 > scope.limits.maxDepth) throw new RuleError('value nested too deeply to convert');
  if (Array.isArray(v)) {
    let out = '';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = ownValue(v, String(i));
      if (item !== null && item !== undefined) out += toText(toPrimitive(item, depth + 1));
      // The only bound on a conversion used as a key or method argument; an array shared many times
      // over is counted once by inspect(), so the input's size does not bound the text.
      if (out.length > scope.limits.maxStringLength) throw new RuleError('string too long');
    }
    return out;
  }
  if (v instanceof RegexValue) return v.text;
  return '[object Object]';
}

/** ToString of a primitive: String() would turn a symbol into text where JavaScript's conversion throws. */
function toText(p: Primitive): string {
  if (typeof p === 'symbol') throw new RuleError('a symbol can not become a string');
  return String(p);
}
export const toStr = (v: unknown): string => toText(toPrimitive(v));
export const toNum = (v: unknown): number => {
  const p = toPrimitive(v);
  if (typeof p === 'symbol' || typeof p === 'bigint') throw new RuleError(`${describe(v)} can not become a number`);
  return Number(p);
};

/** An own data property, or undefined; getters are refused (a plugin's object could run code). */
function ownValue(o: object, key: string): unknown {
  // Stryker disable next-line ConditionalExpression: the fast path for inputs inspect() found plain; the descriptor path reads the same values
  if (scope.plain) return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d === undefined) return undefined;
  if (!('value' in d)) throw new RuleError(`property \`${key}\` is a getter, which rules can not read`);
  return d.value;
}

function propertyKey(k: unknown): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: toStr() of a string is the string
  const key = typeof k === 'string' ? k : toStr(k);
  if (FORBIDDEN_PROPERTIES.has(key)) throw new RuleError(`the property \`${key}\` can not be read in a rule`);
  return key;
}

/** `o.name` for a name fixed in the rule and not forbidden (codegen checks it), and `get` once its key is checked. */
export function getp(o: unknown, key: string): unknown {
  if (o === null || o === undefined) throw new RuleError(`can not read \`${key}\` of ${describe(o)}`);
  if (typeof o === 'string') {
    if (key === 'length') return o.length;
    const i = Number(key);
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: each guard only turns a read JavaScript answers with undefined into undefined
    return Number.isInteger(i) && i >= 0 && String(i) === key && i < o.length ? o[i] : undefined;
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: numbers, booleans and RegexValue have no own properties for ownValue() to find
  if (typeof o !== 'object' || o instanceof RegexValue) return undefined;
  return ownValue(o, key);
}

/** Arrays of literals made by compiled modules themselves: frozen, no holes, no getters. */
const CONSTANT_ARRAYS = new WeakSet<readonly unknown[]>();

/** A rule's array of literals, made once per module (see compiler/emit.ts). */
export function constArray(items: unknown[]): readonly unknown[] {
  const a = Object.freeze(items);
  CONSTANT_ARRAYS.add(a);
  return a;
}

/** `o.k` / `o[k]`: own data properties of objects and arrays, `length` and indices of strings. */
export function get(o: unknown, k: unknown): unknown {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: getp() refuses null and undefined too, with the same message for every key that may be read
  if (o === null || o === undefined) throw new RuleError(`can not read \`${toStr(k)}\` of ${describe(o)}`);
  return getp(o, propertyKey(k));
}

export function add(a: unknown, b: unknown): string | number {
  const pa = toPrimitive(a);
  const pb = toPrimitive(b);
  if (typeof pa === 'string' || typeof pb === 'string') {
    const s = toStr(pa) + toStr(pb);
    if (s.length > scope.limits.maxStringLength) throw new RuleError('string too long');
    return s;
  }
  return toNum(pa) + toNum(pb);
}

export const sub = (a: unknown, b: unknown): number => toNum(a) - toNum(b);
export const mul = (a: unknown, b: unknown): number => toNum(a) * toNum(b);
export const div = (a: unknown, b: unknown): number => toNum(a) / toNum(b);
export const mod = (a: unknown, b: unknown): number => toNum(a) % toNum(b);
export const neg = (a: unknown): number => -toNum(a);
export const pos = (a: unknown): number => toNum(a);
// `**` and the bitwise operators: numbers in, one number out (a huge `**` is just Infinity).
export const pow = (a: unknown, b: unknown): number => toNum(a) ** toNum(b);
export const band = (a: unknown, b: unknown): number => toNum(a) & toNum(b);
export const bor = (a: unknown, b: unknown): number => toNum(a) | toNum(b);
export const bxor = (a: unknown, b: unknown): number => toNum(a) ^ toNum(b);
export const bnot = (a: unknown): number => ~toNum(a);
export const shl = (a: unknown, b: unknown): number => toNum(a) << toNum(b);
export const shr = (a: unknown, b: unknown): number => toNum(a) >> toNum(b);
export const ushr = (a: unknown, b: unknown): number => toNum(a) >>> toNum(b);

type Comparable = string | number | boolean | null | undefined;
const comparable = (v: unknown): Comparable => {
  const p = toPrimitive(v);
  if (typeof p === 'symbol') throw new RuleError('a symbol can not be compared');
  return p as Comparable;
};
// Relational operators on primitives call no user code; the casts keep JavaScript's mixed-type rules.
export const lt = (a: unknown, b: unknown): boolean => (comparable(a) as number) < (comparable(b) as number);
export const le = (a: unknown, b: unknown): boolean => (comparable(a) as number) <= (comparable(b) as number);
export const gt = (a: unknown, b: unknown): boolean => (comparable(a) as number) > (comparable(b) as number);
export const ge = (a: unknown, b: unknown): boolean => (comparable(a) as number) >= (comparable(b) as number);

/** `==` exactly as JavaScript, with objects converted by toPrimitive instead of their methods. */
export function looseEq(a: unknown, b: unknown): boolean {
  const ao = a !== null && typeof a === 'object';
  const bo = b !== null && typeof b === 'object';
  if (ao && bo) return a === b;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a primitive from toPrimitive() is never == null either
  if (ao) return b !== null && b !== undefined && toPrimitive(a) == b; // eslint-disable-line eqeqeq
  // Stryker disable next-line ConditionalExpression,LogicalOperator: as above
  if (bo) return a !== null && a !== undefined && a == toPrimitive(b); // eslint-disable-line eqeqeq
  return a == b; // eslint-disable-line eqeqeq
}

/** `k in o` (operands in source order): own properties only; a non-object on the right is an error, as in JavaScript. */
export function has(k: unknown, o: unknown): boolean {
  // A regex (RegexValue: private fields only) has no own property, so `in` answers false: JavaScript's answer for all but its `lastIndex` and inherited members.
  if (o === null || typeof o !== 'object') throw new RuleError(`\`in\` needs an object on its right, got ${describe(o)}`);
  // Stryker disable next-line ConditionalExpression,StringLiteral: toStr() of a string is the string
  const key = typeof k === 'string' ? k : toStr(k);
  if (FORBIDDEN_PROPERTIES.has(key)) return false;
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** A computed key of an object literal (`{[k]: v}`): its string, refused when it names an internal. */
export function key(k: unknown): string {
  const name = toStr(k);
  if (FORBIDDEN_PROPERTIES.has(name)) throw new RuleError(`the property \`${name}\` can not be set in a rule`);
  return name;
}

/**
 * An object literal from its keys and values in turn (`[k1, v1, k2, v2]`): a plain object with
 * those own data properties, defined (never assigned: no setter can run), a later key winning.
 */
export function obj(entries: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i += 2) {
    Object.defineProperty(o, entries[i] as string, {
      value: entries[i + 1],
      enumerable: true, // explain shows an object literal as JSON, which lists enumerable properties only
      // Stryker disable next-line BooleanLiteral: rules never assign to or delete a property, so nothing can tell these two
      writable: true, configurable: true,
    });
  }
  return o;
}

/** Reading a `$variable` the pattern does not declare: upstream's rule function throws a ReferenceError there. */
export function undeclared(name: string): never {
  throw new RuleError(`\`${name}\` is not a variable of this rule's pattern`);
}

/** Template pieces: JavaScript's ToString. */
export const str = (v: unknown): string => toStr(v);

/**
 * One step of a template string: `acc`, then `${v}`, then the text after it. The length is
 * checked before appending, so a template of 400 `${data.s}` stops at maxStringLength as `+`
 * does instead of building 400 MB. Templates fold left through it, one substitution at a time,
 * which keeps JavaScript's order: each value is converted before the next one is evaluated.
 */
export function tpl(acc: string, v: unknown, quasi: string): string {
  const s = toStr(v);
  if (acc.length + s.length + quasi.length > scope.limits.maxStringLength) throw new RuleError('string too long');
  return acc + s + quasi;
}

function needString(method: string, v: unknown): string {
  if (typeof v !== 'string') throw new RuleError(`\`${method}\` needs a string, got ${describe(v)}`);
  return v;
}
function textArg(method: string, v: unknown): string {
  if (v instanceof RegexValue) throw new RuleError(`\`${method}\` can not take a regular expression`);
  return toStr(v);
}
const optNum = (v: unknown): number | undefined => (v === undefined ? undefined : toNum(v));

/** Where an array search starts, as Array.prototype.includes / indexOf compute it. */
function searchStart(length: number, from: unknown): number {
  // Stryker disable next-line ConditionalExpression: toNum(undefined) is NaN, which starts at 0 below too
  const n = from === undefined ? 0 : Math.trunc(toNum(from));
  if (Number.isNaN(n)) return 0;
  return n >= 0 ? n : Math.max(length + n, 0);
}

/**
 * `includes` / `indexOf` on an array, reading own data elements only (the built-ins would run an
 * element getter of an array handed over by a plugin, or find an element on Array.prototype).
 */
function searchArray(a: readonly unknown[], wanted: unknown, from: unknown, sameValueZero: boolean): number {
  const length = a.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a second bound; inputs over maxRecordSize are refused before any rule runs (inspect)
  if (length > scope.limits.maxRecordSize) throw new RuleError(`an array of ${length} elements is longer than the limit of ${scope.limits.maxRecordSize} (maxRecordSize)`);
  const start = searchStart(length, from);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: the fast path; the descriptor loop below decides the same
  if (scope.plain || CONSTANT_ARRAYS.has(a)) {
    // A rule's own array of literals, or any array while the inputs are plain data (no getters:
    // limits.ts inspect): elements read directly. Holes (a rule's `[1,,2]`) are not elements.
    for (let i = start; i < length; i++) {
      if (!Object.hasOwn(a, i)) {
        if (sameValueZero && wanted === undefined) return i; // includes() sees a hole as undefined
        continue;
      }
      const v: unknown = a[i];
      if (v === wanted || (sameValueZero && v !== v && wanted !== wanted)) return i; // eslint-disable-line no-self-compare
    }
    return -1;
  }
  for (let i = start; i < length; i++) {
    const d = Object.getOwnPropertyDescriptor(a, i);
    if (d === undefined) {
      if (sameValueZero && wanted === undefined) return i; // includes() sees a hole as undefined
      continue;
    }
    if (!('value' in d)) throw new RuleError(`element ${i} is a getter, which rules can not read`);
    const v: unknown = d.value;
    if (v === wanted || (sameValueZero && v !== v && wanted !== wanted)) return i; // eslint-disable-line no-self-compare
  }
  return -1;
}

/** The allowed methods, keyed by the names in compiler/language/methods.ts. */
export const methods = Object.freeze({
  startsWith: (s: unknown, a: unknown, p?: unknown): boolean => needString('startsWith', s).startsWith(textArg('startsWith', a), optNum(p)),
  endsWith: (s: unknown, a: unknown, p?: unknown): boolean => needString('endsWith', s).endsWith(textArg('endsWith', a), optNum(p)),
  includes: (s: unknown, a: unknown, p?: unknown): boolean =>
    Array.isArray(s) ? searchArray(s, a, p, true) >= 0 : needString('includes', s).includes(textArg('includes', a), optNum(p)),
  indexOf: (s: unknown, a: unknown, p?: unknown): number =>
    // Unlike startsWith/endsWith/includes, JavaScript's indexOf turns a regular expression into its text.
    Array.isArray(s) ? searchArray(s, a, p, false) : needString('indexOf', s).indexOf(toStr(a), optNum(p)),
  match: (s: unknown, re: unknown): string[] | null => {
    const text = needString('match', s);
    if (re instanceof InvalidRegex) throw new RuleError(`invalid regular expression ${re.text}: ${re.detail}`);
    if (!(re instanceof RegexValue)) throw new RuleError('`match` needs a regular expression');
    return re.match(text);
  },
  toUpperCase: (s: unknown): string => needString('toUpperCase', s).toUpperCase(),
  toLowerCase: (s: unknown): string => needString('toLowerCase', s).toLowerCase(),
  trim: (s: unknown): string => needString('trim', s).trim(),
});

export type MethodName = keyof typeof methods;

/** Records loaded for one check: a value (null when missing) or the load's failure (VLV0904 unless `code` says otherwise). */
export type { RecordSlot, RuleContext };

/** `_(name)`: a loaded record's data; unknown records ask the engine for a load round. */
export function ref(c: RuleContext, name: unknown): unknown {
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new RuleError(MESSAGES.VLV0905.message({ found: describe(name) }), 'VLV0905');
  // deepstream's rule: a name built from a missing value (`'user/' + undefined`) loads nothing.
  if (name.includes('undefined')) return undefined;
  const slot = c.records.get(name);
  if (slot === undefined) throw new NeedRecord(name);
  if ('error' in slot) throw slot.code ? new RuleError(slot.error, slot.code) : new RuleError(MESSAGES.VLV0904.message({ name, detail: slot.error }), 'VLV0904');
  return slot.value;
}

export function regex(spec: Re2Source, text: string): RegexValue {
  return new RegexValue(spec, text);
}

export function badRegex(text: string, detail: string): InvalidRegex {
  return new InvalidRegex(text, detail);
}

/** The object compiled modules receive as `r`: everything generated code may call. */
export const STDLIB = Object.freeze({
  get, getp, constArray, add, sub, mul, div, mod, neg, pos, pow, band, bor, bxor, bnot, shl, shr, ushr,
  lt, le, gt, ge, looseEq, has, str, tpl, key, obj, undeclared, ref, regex, badRegex, m: methods,
});
// The operations compiled code and the language table's rows call on `r` (compiler/language/context.ts).
STDLIB satisfies Operations;
export type Stdlib = typeof STDLIB;
