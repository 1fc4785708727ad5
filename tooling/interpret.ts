/**
 * The reference interpreter: evaluates the checked AST directly with the same stdlib as the
 * compiled code. It is the oracle for codegen (property tests compare the two) and records an
 * explain trace: the value of every sub-expression it evaluated.
 */
import { isHole, isOptionalLink, linkObject, type Expr, errorText } from '../grammar/index.js';
import { binaryRow, logicalRow, REFERENCE, rootName, unaryRow, VARIABLE, type CheckedRule, translateRegex, jsRegexError } from '../compiler/index.js';
import { type RuntimeRule, stdlib as S } from '../engine/index.js';

/** One evaluated sub-expression: its value, or the error it raised. */
export type TraceEntry = { readonly node: Expr; readonly value: unknown } | { readonly node: Expr; readonly error: string };

const regexCache = new WeakMap<Expr, S.RegexValue>();

function regexFor(node: Expr, pattern: string, flags: string): S.RegexValue {
  let re = regexCache.get(node);
  if (!re) {
    const t = translateRegex(pattern, flags);
    if (!t.ok) throw new S.RuleError(`invalid regular expression: ${t.error}`);
    re = S.regex(t.re2, `/${pattern}/${flags}`);
    regexCache.set(node, re);
  }
  return re;
}

/** A `match` string, as compiled code has it: a regex, or one JavaScript refuses (it fails inside `match`). */
function stringPattern(node: Expr, pattern: string): S.RegexValue | S.InvalidRegex {
  const invalid = jsRegexError(pattern, '');
  return invalid === undefined ? regexFor(node, pattern, '') : S.badRegex(`/${pattern}/`, invalid);
}

export function interpret(e: Expr, c: S.RuleContext, variables: readonly string[], trace?: TraceEntry[]): unknown {
  if (!trace) return evaluate(e, c, variables, undefined);
  return traced(e, trace, () => evaluate(e, c, variables, trace));
}

/**
 * Runs `run` and records its value, or its error, against `e`. A short-circuited chain link
 * records nothing; a record still to be loaded is not an error (the check comes back for it).
 */
function traced(e: Expr, trace: TraceEntry[], run: () => unknown): unknown {
  try {
    const value = run();
    if (value !== SHORT) trace.push({ node: e, value });
    return value;
  } catch (err) {
    if (!(err instanceof S.NeedRecord)) trace.push({ node: e, error: errorText(err) });
    throw err;
  }
}

function evaluate(e: Expr, c: S.RuleContext, vars: readonly string[], trace: TraceEntry[] | undefined): unknown {
  const ev = (x: Expr): unknown => interpret(x, c, vars, trace);
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'regex':
      return regexFor(e, e.pattern, e.flags);
    case 'template': {
      let s = e.quasis[0];
      for (let i = 0; i < e.exprs.length; i++) s = S.tpl(s, ev(e.exprs[i]), e.quasis[i + 1]);
      return s;
    }
    case 'array': {
      // Holes stay holes, as in the compiled code.
      const out: unknown[] = [];
      out.length = e.elements.length;
      e.elements.forEach((x, i) => {
        if (!isHole(x)) out[i] = ev(x);
      });
      return out;
    }
    case 'object': {
      // Each computed key is converted before its value is evaluated, as in the compiled code.
      const entries: unknown[] = [];
      for (const p of e.properties) entries.push(p.computed ? S.key(ev(p.key)) : (p.key as { value?: unknown }).value, ev(p.value));
      return S.obj(entries);
    }
    case 'identifier': {
      const root = rootName(e.name);
      if (root) return root.read(c);
      if (vars.includes(e.name)) return VARIABLE.read(c, vars.indexOf(e.name));
      if (e.name.startsWith('$')) return S.undeclared(e.name);
      throw new S.RuleError(`\`${e.name}\` is not available`);
    }
    case 'member':
      return S.get(ev(e.object), ev(e.property));
    case 'call':
      return call(e, c, vars, ev);
    case 'chain': {
      const v = chainLink(e.expression, c, vars, trace);
      return v === SHORT ? undefined : v;
    }
    case 'unary': {
      // `typeof $undeclared` is 'undefined' in JavaScript: no ReferenceError.
      if (e.op === 'typeof' && e.operand.kind === 'identifier' && e.operand.name.startsWith('$') && !vars.includes(e.operand.name)) return 'undefined';
      return unaryRow(e.op).evaluate(S.STDLIB, ev(e.operand));
    }
    case 'binary': {
      const l = ev(e.left);
      return binaryRow(e.op).evaluate(S.STDLIB, l, ev(e.right));
    }
    case 'logical':
      return logicalRow(e.op).evaluate(ev(e.left), () => ev(e.right));
    case 'conditional':
      return ev(e.test) ? ev(e.consequent) : ev(e.alternate);
    case 'error':
      throw new S.RuleError('the rule has a syntax error');
  }
}

/** What a link of a chain yields once a `?.` object was null or undefined: the rest is skipped. */
const SHORT: unique symbol = Symbol('short-circuited');

/**
 * A link of a chain (`a.b`, `a?.[k]`, `a?.m(…)`), or its base: evaluated as `interpret` does and
 * traced the same way, except that a short-circuited link is never evaluated, so it has no entry.
 */
function chainLink(e: Expr, c: S.RuleContext, vars: readonly string[], trace: TraceEntry[] | undefined): unknown {
  if (!linkObject(e)) return interpret(e, c, vars, trace);
  if (!trace) return linkValue(e, c, vars, undefined);
  return traced(e, trace, () => linkValue(e, c, vars, trace));
}

function linkValue(e: Expr, c: S.RuleContext, vars: readonly string[], trace: TraceEntry[] | undefined): unknown {
  const ev = (x: Expr): unknown => interpret(x, c, vars, trace);
  const object = chainLink(linkObject(e)!, c, vars, trace);
  if (object === SHORT || (isOptionalLink(e) && (object === null || object === undefined))) return SHORT;
  if (e.kind === 'member') return S.get(object, ev(e.property));
  return call(e as Extract<Expr, { kind: 'call' }>, c, vars, ev, { value: object });
}

function call(e: Extract<Expr, { kind: 'call' }>, c: S.RuleContext, vars: readonly string[], ev: (x: Expr) => unknown, evaluated?: { readonly value: unknown }): unknown {
  const callee = e.callee;
  if (callee.kind === 'identifier' && callee.name === REFERENCE.name) return REFERENCE.evaluate(S.STDLIB, c, e.args[0] ? ev(e.args[0]) : undefined);
  if (callee.kind === 'member' && !callee.computed && callee.property.kind === 'literal') {
    const method = String(callee.property.value) as S.MethodName;
    const receiver = evaluated ? evaluated.value : ev(callee.object);
    const args = e.args.map((a) => (method === 'match' && a.kind === 'literal' && typeof a.value === 'string' ? stringPattern(a, a.value) : ev(a)));
    if (!Object.prototype.hasOwnProperty.call(S.methods, method)) throw new S.RuleError(`\`${method}\` can not be called`);
    return (S.methods[method] as (...a: unknown[]) => unknown)(receiver, ...args);
  }
  throw new S.RuleError('this call is not allowed');
}

/**
 * Checked rules as runtime rules backed by the interpreter, so a RuleSet can run either form.
 * With `onTrace`, each evaluation of a rule starts a fresh trace and hands it over first (the
 * last one, after all record loads, is the one explain() shows).
 */
export function interpretedRules(rules: readonly CheckedRule[], onTrace?: (trace: TraceEntry[]) => void): RuntimeRule[] {
  return rules.map((r) => {
    const body = r.body;
    return {
      section: r.section,
      pattern: r.pattern,
      action: r.action,
      order: r.order,
      variables: r.variables,
      parts: r.parts,
      location: r.location,
      uses: r.usage,
      rule:
        body.kind === 'constant'
          ? body.value
          : (c: S.RuleContext) => {
              if (!onTrace) return interpret(body.expr, c, r.variables);
              const trace: TraceEntry[] = [];
              onTrace(trace);
              return interpret(body.expr, c, r.variables, trace);
            },
      refs: r.refArgs.map((a) => (c: S.RuleContext) => interpret(a, c, r.variables)),
    };
  });
}
