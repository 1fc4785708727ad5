/**
 * fast-check arbitraries for property tests: rule expression ASTs of the spec's language
 * (section 3), JSON-like values for `data` / `oldData` / `user.data` / records, and hostile
 * values built through JSON.parse (own `__proto__` keys, huge numbers, deep nesting).
 *
 * Generated ASTs carry placeholder spans ({0,0}); compare them with `stripSpans`.
 */
import fc from 'fast-check';
import type { BinaryOp, Expr, LogicalOp, UnaryOp } from '../../grammar/ast.js';
import { BINARY as BINARY_ROWS, LOGICAL as LOGICAL_ROWS, METHODS, UNARY as UNARY_ROWS } from '../../compiler/language/index.js';

const SPAN = Object.freeze({ start: 0, end: 0 });

export const BASE_IDENTIFIERS = ['user', 'data', 'oldData', 'now', 'name', 'action'] as const;
export const FORBIDDEN_NAMES = ['constructor', '__proto__', 'prototype'] as const;

/** Record names the `_()` generator and the record arbitraries share, so references hit. */
export const RECORD_NAMES = ['a', 'b', 'c', 'user/open', 'user/alice', 'cfg', 'missing', 'fail', 'slow', 'rejects'] as const;

/** Regular expressions that are valid, linear-time, and translate to RE2. */
export const SAFE_REGEXES: readonly { readonly pattern: string; readonly flags: string }[] = [
  { pattern: '^a+$', flags: '' },
  { pattern: '^[a-z]+$', flags: 'i' },
  { pattern: '\\d+', flags: 'g' },
  { pattern: '^user\\/', flags: '' },
  { pattern: 'b', flags: 'm' },
  { pattern: '^$', flags: '' },
  { pattern: '(x|y)z', flags: 's' },
  { pattern: '[\\]/]', flags: '' },
  { pattern: 'a{2}', flags: 'gi' },
  { pattern: '.', flags: 's' },
  { pattern: '^\\u0061', flags: 'u' },
  { pattern: '(?:ab)*c?', flags: '' },
  { pattern: '\\bword\\b', flags: '' },
  { pattern: '[^]', flags: '' },
];
/** Patterns given to `match` as string literals (the compiler turns them into regexes). */
export const SAFE_STRING_PATTERNS = ['^a', 'b$', '[0-9]+', 'x|y', '', '\\.'] as const;

/** Keywords that are valid property names after `.` (`data.new`, `data.in`). */
export const KEYWORD_NAMES = ['true', 'false', 'null', 'undefined', 'typeof', 'in', 'instanceof', 'new', 'this', 'delete', 'void', 'function', 'return', 'if', 'class', 'let'] as const;

export interface ExprOptions {
  /** `$variables` available (default none). */
  readonly vars?: readonly string[];
  /** Base identifiers available (default all six). */
  readonly identifiers?: readonly string[];
  /** Maximum nesting depth of composite nodes (default 4). */
  readonly maxDepth?: number;
  /** Allow keywords as `.name` property names (default true). */
  readonly keywordNames?: boolean;
  /** Allow string-literal `match` arguments (default true). */
  readonly stringPatterns?: boolean;
  /**
   * Only what the compiler accepts (default false): no string literal `constructor` /
   * `__proto__` / `prototype` as a computed property (`x['__proto__']` is a compile error).
   */
  readonly compilable?: boolean;
  /** Binary operators to generate (default all of the language's). */
  readonly binaryOps?: readonly BinaryOp[];
  /** `$names` the pattern does not declare (warning VLV0313; reading one fails), also under `typeof` (default none). */
  readonly undeclared?: readonly string[];
}

// ── leaves ──────────────────────────────────────────────────────────────────────────

/** One UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const trickyChar = fc.constantFrom("'", '"', '\\', '\n', '\r', '\t', '`', '$', '{', '}', '${', '\u2028', '\u2029', '\0', '\v', '/', '*', '\ud83d', '\ude00', '😀', 'é');

/** Strings with arbitrary unicode, quotes, backslashes and line breaks. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(trickyChar, fc.constantFrom('a', 'b', ' ', '0')), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 6 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', 'undefined', '0', '1', '-1', ' 12 ', 'true', 'null', 'length', 'toString', 'valueOf', 'constructor', '__proto__', 'prototype', 'a', 'a/b', 'user/', ...RECORD_NAMES),
  },
);

export const nonNegativeNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0) && Number.isFinite(n)) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0.5, 0.1, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 2 ** 53, 123456789.125) },
);

const lit = (value: string | number | boolean | null | undefined): Expr => ({ kind: 'literal', value, span: SPAN });
const ident = (name: string): Expr => ({ kind: 'identifier', name, span: SPAN });

export const literalArb: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 3, arbitrary: nonNegativeNumber.map(lit) },
  // `NaN` and `Infinity` (global values a rule may name)
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY).map(lit) },
  { weight: 4, arbitrary: anyString.map(lit) },
  { weight: 2, arbitrary: fc.constantFrom<boolean | null | undefined>(true, false, null, undefined).map(lit) },
);

/** Names usable after `.`: identifier-shaped, never constructor / __proto__ / prototype. */
export function dotNameArb(keywordNames = true): fc.Arbitrary<string> {
  const shaped = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,5}$/).filter((s) => !(FORBIDDEN_NAMES as readonly string[]).includes(s));
  const common = fc.constantFrom('a', 'b', 'x', 'id', 'role', 'length', 'ref', 'owner', 'toString', 'valueOf', 'hasOwnProperty', '$x', '_', 'data', 'user');
  return keywordNames
    ? fc.oneof({ weight: 4, arbitrary: common }, { weight: 2, arbitrary: shaped }, { weight: 2, arbitrary: fc.constantFrom(...KEYWORD_NAMES) })
    : fc.oneof({ weight: 4, arbitrary: common }, { weight: 2, arbitrary: shaped.filter((s) => !(KEYWORD_NAMES as readonly string[]).includes(s)) });
}

// ── expressions ─────────────────────────────────────────────────────────────────────

// Every operator with a row in the language table is generated, so a new row is property-tested at once.
const UNARY = Object.keys(UNARY_ROWS) as UnaryOp[];
const BINARY = Object.keys(BINARY_ROWS) as BinaryOp[];
const LOGICAL = Object.keys(LOGICAL_ROWS) as LogicalOp[];

/** Valid rule ASTs over the given names, depth-bounded. */
export function exprArb(options: ExprOptions = {}): fc.Arbitrary<Expr> {
  const vars = options.vars ?? [];
  const ids = [...(options.identifiers ?? BASE_IDENTIFIERS), ...vars];
  const maxDepth = options.maxDepth ?? 4;
  const dotName = dotNameArb(options.keywordNames ?? true);
  const stringPatterns = options.stringPatterns ?? true;

  const undeclared = options.undeclared ?? [];
  const identArb = undeclared.length
    ? fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ids).map(ident) }, { weight: 1, arbitrary: fc.constantFrom(...undeclared).map(ident) })
    : fc.constantFrom(...ids).map(ident);
  const emptyTemplate = anyString.map((q): Expr => ({ kind: 'template', quasis: [q], exprs: [], span: SPAN }));
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    { weight: 4, arbitrary: literalArb },
    { weight: 4, arbitrary: identArb },
    { weight: 1, arbitrary: emptyTemplate },
  );

  const matchArg: fc.Arbitrary<Expr> = stringPatterns
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...SAFE_REGEXES).map((r): Expr => ({ kind: 'regex', pattern: r.pattern, flags: r.flags, span: SPAN })) },
        { weight: 1, arbitrary: fc.constantFrom(...SAFE_STRING_PATTERNS).map(lit) },
      )
    : fc.constantFrom(...SAFE_REGEXES).map((r): Expr => ({ kind: 'regex', pattern: r.pattern, flags: r.flags, span: SPAN }));

  const memo = new Map<number, fc.Arbitrary<Expr>>();
  const stringMemo = new Map<number, fc.Arbitrary<Expr>>();

  /** Mostly string-valued expressions, for `_()` arguments. */
  function stringExpr(depth: number): fc.Arbitrary<Expr> {
    const hit = stringMemo.get(depth);
    if (hit) return hit;
    const names = fc.constantFrom(...RECORD_NAMES).map(lit);
    const base: fc.Arbitrary<Expr>[] = [names, names, fc.constantFrom('name', 'action', ...vars).filter((n) => ids.includes(n)).map(ident)];
    let arb: fc.Arbitrary<Expr>;
    if (depth <= 0) arb = fc.oneof(...base);
    else {
      const sub = gen(depth - 1);
      arb = fc.oneof(
        ...base,
        // 'user/' + <expr>
        fc.tuple(fc.constantFrom('user/', '', 'a'), sub).map(([p, e]): Expr => ({ kind: 'binary', op: '+', left: lit(p), right: e, span: SPAN })),
        // `user/${user.id}` and friends
        fc.tuple(fc.constantFrom('user/', ''), sub, fc.constantFrom('', 'x')).map(([a, e, b]): Expr => ({ kind: 'template', quasis: [a, b], exprs: [e], span: SPAN })),
        // a reference whose name comes from another record
        stringExpr(depth - 1).map((e): Expr => ({ kind: 'call', callee: ident('_'), args: [e], span: SPAN })),
        fc.tuple(stringExpr(depth - 1), fc.constantFrom('ref', 'next', 'name')).map(([e, p]): Expr => ({
          kind: 'member',
          object: { kind: 'call', callee: ident('_'), args: [e], span: SPAN },
          property: lit(p),
          computed: false,
          span: SPAN,
        })),
        // occasionally anything at all (a non-string argument denies with an error)
        sub,
      );
    }
    stringMemo.set(depth, arb);
    return arb;
  }

  function gen(depth: number): fc.Arbitrary<Expr> {
    const hit = memo.get(depth);
    if (hit) return hit;
    if (depth <= 0) {
      memo.set(depth, leaf);
      return leaf;
    }
    const sub = fc.oneof({ weight: 1, arbitrary: leaf }, { weight: 2, arbitrary: gen(depth - 1) });
    const member = fc.tuple(sub, dotName).map(([object, name]): Expr => ({ kind: 'member', object, property: lit(name), computed: false, span: SPAN }));
    const property = options.compilable
      ? sub.filter((p) => !(p.kind === 'literal' && typeof p.value === 'string' && (FORBIDDEN_NAMES as readonly string[]).includes(p.value)))
      : sub;
    const computed = fc.tuple(sub, property).map(([object, property]): Expr => ({ kind: 'member', object, property, computed: true, span: SPAN }));
    const method = fc.constantFrom(...METHODS).chain((m) => {
      const args = m.name === 'match' ? fc.tuple(matchArg).map((a): Expr[] => a) : fc.array(sub, { minLength: m.minArgs, maxLength: m.maxArgs });
      return fc.tuple(sub, args).map(([object, a]): Expr => ({
        kind: 'call',
        callee: { kind: 'member', object, property: lit(m.name), computed: false, span: SPAN },
        args: a,
        span: SPAN,
      }));
    });
    // `a?.b.c`, `a.b?.[k]`, `a.s?.trim()`: a base, then one to three links of which at least one is `?.`.
    type Link = (object: Expr, optional: boolean) => Expr;
    const opt = (optional: boolean): { optional?: true } => (optional ? { optional: true } : {});
    const link: fc.Arbitrary<Link> = fc.oneof(
      { weight: 3, arbitrary: dotName.map((name): Link => (object, o) => ({ kind: 'member', object, property: lit(name), computed: false, ...opt(o), span: SPAN })) },
      { weight: 2, arbitrary: property.map((p): Link => (object, o) => ({ kind: 'member', object, property: p, computed: true, ...opt(o), span: SPAN })) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...METHODS).chain((m) =>
          (m.name === 'match' ? fc.tuple(matchArg).map((a): Expr[] => a) : fc.array(sub, { minLength: m.minArgs, maxLength: m.maxArgs })).map(
            (args): Link =>
              (object, o) => ({ kind: 'call', callee: { kind: 'member', object, property: lit(m.name), computed: false, ...opt(o), span: SPAN }, args, span: SPAN }),
          ),
        ),
      },
    );
    const chain = fc.tuple(sub, fc.array(fc.tuple(link, fc.boolean()), { minLength: 1, maxLength: 3 }), fc.nat()).map(([base, links, k]): Expr => {
      const optional = links.map(([, o]) => o);
      if (!optional.includes(true)) optional[k % optional.length] = true;
      const expression = links.reduce((object, [make], i) => make(object, optional[i]), base);
      return { kind: 'chain', expression, span: SPAN };
    });
    const ref = stringExpr(depth - 1).map((arg): Expr => ({ kind: 'call', callee: ident('_'), args: [arg], span: SPAN }));
    const unary = fc.tuple(fc.constantFrom(...UNARY), sub).map(([op, operand]): Expr => ({ kind: 'unary', op, operand, span: SPAN }));
    // `in` is weighted up: codegen emits it with its operands swapped (`r.has(right, left)`).
    const ops = options.binaryOps ?? BINARY;
    const op = fc.oneof(...ops.map((o) => ({ weight: o === 'in' ? 4 : 1, arbitrary: fc.constant(o) })));
    const binary = fc.tuple(op, sub, sub).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, span: SPAN }));
    const logical = fc.tuple(fc.constantFrom(...LOGICAL), sub, sub).map(([op, left, right]): Expr => ({ kind: 'logical', op, left, right, span: SPAN }));
    const conditional = fc.tuple(sub, sub, sub).map(([test, consequent, alternate]): Expr => ({ kind: 'conditional', test, consequent, alternate, span: SPAN }));
    const template = fc
      .array(sub, { maxLength: 3 })
      .chain((exprs) => fc.array(anyString, { minLength: exprs.length + 1, maxLength: exprs.length + 1 }).map((quasis): Expr => ({ kind: 'template', quasis, exprs, span: SPAN })));
    const array = fc.array(sub, { maxLength: 3 }).map((elements): Expr => ({ kind: 'array', elements, span: SPAN }));
    // `{a: x, 'b c': y, [k]: z}`: names, any string, or a computed key (never a forbidden name as a plain key)
    const keyName = fc.oneof(dotName, anyString).filter((k) => !(options.compilable && (FORBIDDEN_NAMES as readonly string[]).includes(k)));
    const objectProperty = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(keyName, sub).map(([k, value]) => ({ key: lit(k), computed: false, value })) },
      { weight: 1, arbitrary: fc.tuple(property, sub).map(([key, value]) => ({ key, computed: true, value })) },
    );
    const object = fc.array(objectProperty, { maxLength: 3 }).map((properties): Expr => ({ kind: 'object', properties, span: SPAN }));
    const arb = fc.oneof(
      { weight: 2, arbitrary: leaf },
      { weight: 3, arbitrary: member },
      { weight: 2, arbitrary: computed },
      { weight: 2, arbitrary: method },
      { weight: 2, arbitrary: chain },
      { weight: 2, arbitrary: ref },
      { weight: 2, arbitrary: unary },
      { weight: 4, arbitrary: binary },
      { weight: 3, arbitrary: logical },
      { weight: 1, arbitrary: conditional },
      { weight: 1, arbitrary: template },
      { weight: 1, arbitrary: array },
      { weight: 1, arbitrary: object },
    );
    memo.set(depth, arb);
    return arb;
  }

  return gen(maxDepth);
}

// ── span-free comparison ────────────────────────────────────────────────────────────

/** A deep copy with every `span` key removed (own keys kept even when undefined). */
export function stripSpans(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSpans);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'span') out[k] = stripSpans(x);
    return out;
  }
  return v;
}

/** Every node of an expression, pre-order. */
export function nodes(e: Expr): Expr[] {
  const out: Expr[] = [];
  const visit = (n: Expr): void => {
    out.push(n);
    switch (n.kind) {
      case 'template':
        n.exprs.forEach(visit);
        break;
      case 'array':
        n.elements.forEach(visit);
        break;
      case 'object':
        for (const p of n.properties) {
          if (p.computed) visit(p.key);
          visit(p.value);
        }
        break;
      case 'member':
        visit(n.object);
        visit(n.property);
        break;
      case 'call':
        visit(n.callee);
        n.args.forEach(visit);
        break;
      case 'chain':
        visit(n.expression);
        break;
      case 'unary':
        visit(n.operand);
        break;
      case 'binary':
      case 'logical':
        visit(n.left);
        visit(n.right);
        break;
      case 'conditional':
        visit(n.test);
        visit(n.consequent);
        visit(n.alternate);
        break;
      default:
        break;
    }
  };
  visit(e);
  return out;
}

// ── JSON-like values ────────────────────────────────────────────────────────────────

export interface JsonOptions {
  readonly maxDepth?: number;
  /** Keys `__proto__`, `constructor`, `prototype` as own properties, numbers beyond double range. */
  readonly hostile?: boolean;
}

const jsonKeys = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'x', 'id', 'role', 'ref', 'next', 'name', 'owner', 'toString', 'length', 'valueOf', 'hasOwnProperty', '0', '1', '', 'undefined', '$x') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);
const hostileKeys = fc.oneof({ weight: 3, arbitrary: jsonKeys }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'then') });

const jsonNumberText = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: fc.constantFrom('0', '0.5', '1e21', '9007199254740993', '5e-324', '1.7976931348623157e308') },
);
const hostileNumberText = fc.oneof(
  { weight: 3, arbitrary: jsonNumberText },
  { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890123456789', '-0', '1e-400') },
);
const jsonStringText = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('', 'undefined', '0', '1', '1e3', ' 12 ', 'a', 'true', 'null', 'x', 'constructor', '__proto__', 'aa', 'user/', ...RECORD_NAMES) },
    { weight: 2, arbitrary: anyString },
  )
  .map((s) => JSON.stringify(s));

function jsonTextArb(options: JsonOptions): fc.Arbitrary<string> {
  const maxDepth = options.maxDepth ?? 3;
  const keys = options.hostile ? hostileKeys : jsonKeys;
  const numbers = options.hostile ? hostileNumberText : jsonNumberText;
  const leaf = fc.oneof(
    { weight: 3, arbitrary: numbers },
    { weight: 4, arbitrary: jsonStringText },
    { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null') },
  );
  const memo = new Map<number, fc.Arbitrary<string>>();
  const gen = (depth: number): fc.Arbitrary<string> => {
    const hit = memo.get(depth);
    if (hit) return hit;
    if (depth <= 0) return leaf;
    const sub = gen(depth - 1);
    const arb = fc.oneof(
      { weight: 3, arbitrary: leaf },
      { weight: 2, arbitrary: fc.array(sub, { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`) },
      { weight: 2, arbitrary: fc.array(fc.tuple(keys, sub), { maxLength: 4 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`) },
    );
    memo.set(depth, arb);
    return arb;
  };
  return gen(maxDepth);
}

/** JSON values as JSON.parse builds them (so `__proto__` is an own key, never a prototype). */
export function jsonValueArb(options: JsonOptions = {}): fc.Arbitrary<unknown> {
  return jsonTextArb(options).map((t) => JSON.parse(t) as unknown);
}

/** Labels a value for fast-check's reports, so a deep value is not stringified recursively. */
function labelled<T extends object>(value: T, label: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => label, enumerable: false });
  return value;
}

/** Deeply nested arrays / objects (beyond the runtime's conversion depth), and very long strings. */
export const extremeValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 200, max: 3000 }).map((n) => labelled(JSON.parse('['.repeat(n) + ']'.repeat(n)) as object, `<arrays nested ${n} deep>`)),
  fc.integer({ min: 200, max: 3000 }).map((n) => labelled(JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) as object, `<{"a": …} nested ${n} deep>`)),
  fc.integer({ min: 200, max: 1000 }).map((n) => labelled(JSON.parse('{"__proto__":'.repeat(n) + '{}' + '}'.repeat(n)) as object, `<{"__proto__": …} nested ${n} deep>`)),
  fc.constantFrom(100_000, 2_100_000).map((n) => labelled({ a: 'x'.repeat(n), s: ['x'.repeat(n)] }, `<object with strings of ${n} characters>`)),
  fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}') as unknown),
);

export function hostileValueArb(maxDepth = 3): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: jsonValueArb({ hostile: true, maxDepth }) }, { weight: 1, arbitrary: extremeValueArb });
}
