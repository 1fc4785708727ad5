/**
 * Code generation: each rule becomes a JavaScript arrow function over the context `c`, calling
 * only the frozen stdlib `r`. The output is the text of an ES module whose default export is a
 * factory `(r) => rules`, so it can be written to disk and imported with no eval. Safe by
 * construction: the only free names in the emitted code are `c`, `r` and hoisted constants; every
 * property read and conversion is an `r.*` call (except the three fields of the engine's own
 * `c.user` object); user text only appears in JSON strings.
 */
import { arrayText, isHole, type Chain, type Expr } from '../grammar/index.js';
import { translateRegex } from './regex.js';
import { jsRegexError } from './regex-js.js';
import { binaryRow, logicalRow, REFERENCE, rootName, ROOTS, unaryRow, VARIABLE } from './language/index.js';
import { FORBIDDEN_PROPERTIES } from './scope.js';
import type { CheckedRule, RuleProgram } from './program.js';

const ROOT_CODE: ReadonlyMap<string, string> = new Map(ROOTS.map((r) => [r.name, r.emit]));

/** The fields of the context's `user` object, which the engine builds itself: read directly. */
const USER_FIELDS: ReadonlyMap<string, string> = new Map((rootName('user')?.fields ?? []).map((f) => [f.name, f.emit]));

const lit = (v: unknown): string => (v === undefined ? '(void 0)' : typeof v === 'number' ? numberLiteral(v) : JSON.stringify(v));
const numberLiteral = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '(1/0)' : n < 0 ? '(-1/0)' : '(0/0)');

const escape = (code: string): string => code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Code that reads the context or is a constant: reading it again is free and gives the same value. */
const REREADABLE = new RegExp(
  `^(?:${[...ROOT_CODE.values(), ...USER_FIELDS.values()].map(escape).join('|')}|${escape(VARIABLE.emit(0)).replace('0', '\\d+')}|\\(void 0\\)|null|true|false|-?[\\d.e+]+|"(?:[^"\\\\]|\\\\.)*")$`,
);

class Emitter {
  /** Temporaries of the function being emitted (`?.` objects, each evaluated once). */
  private temps = 0;

  /** `hoisted` is shared by all rules of a module, so regex constant names never collide. */
  constructor(
    private readonly variables: readonly string[],
    private readonly hoisted: string[],
  ) {}

  /** One rule or reference function `(c) => …`; with a block declaring its temporaries when it has any. */
  fn(e: Expr): string {
    this.temps = 0;
    const body = this.expr(e);
    if (this.temps === 0) return `(c) => ${body}`;
    const names = Array.from({ length: this.temps }, (_, i) => `t${i}`);
    return `(c) => { let ${names.join(', ')}; return ${body}; }`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'literal':
        return lit(e.value);
      case 'regex':
        return this.regex(e.pattern, e.flags);
      case 'template':
        // r.tpl checks maxStringLength at each substitution, as r.add does for `+`.
        return e.exprs.reduce((acc, x, i) => `r.tpl(${acc}, ${this.expr(x)}, ${JSON.stringify(e.quasis[i + 1])})`, JSON.stringify(e.quasis[0]));
      case 'array':
        // An array of literals is made once per module (frozen; rules can not change or compare
        // it by identity across evaluations), so a check does not allocate it again.
        // Holes stay holes (`indexOf` skips them), and keep an array out of the constants.
        if (e.elements.length > 0 && e.elements.every((x) => x.kind === 'literal' && !isHole(x))) return this.hoist(`r.constArray(${arrayText(e.elements, (x) => this.expr(x))})`);
        return arrayText(e.elements, (x) => this.expr(x));
      case 'object':
        // Keys in the rule are checked already; a computed one is converted (and refused if it
        // names an internal) by `r.key` before its value is evaluated, as JavaScript orders it.
        return `r.obj([${e.properties.map((p) => `${p.computed ? `r.key(${this.expr(p.key)})` : JSON.stringify(String((p.key as { value?: unknown }).value))}, ${this.expr(p.value)}`).join(', ')}])`;
      case 'identifier': {
        const root = ROOT_CODE.get(e.name);
        if (root !== undefined) return root;
        const i = this.variables.indexOf(e.name);
        // A `$variable` the pattern does not declare (warning VLV0313) fails when read, as
        // upstream's ReferenceError does. INVARIANT: the checker rejected every other name.
        if (i < 0 && e.name.startsWith('$')) return `r.undeclared(${JSON.stringify(e.name)})`;
        if (i < 0) throw new Error(`internal: unresolved name ${e.name}`);
        return VARIABLE.emit(i);
      }
      case 'member':
        return this.member(e, this.expr(e.object));
      case 'call':
        return this.call(e);
      case 'chain':
        return this.chain(e);
      case 'unary':
        // `typeof $undeclared` is 'undefined' in JavaScript: no ReferenceError.
        if (e.op === 'typeof' && this.undeclared(e.operand)) return '"undefined"';
        return unaryRow(e.op).emit(this.expr(e.operand));
      case 'binary': {
        // Left before right: hoisted constants are numbered in source order.
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return binaryRow(e.op).emit(l, r);
      }
      case 'logical': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return logicalRow(e.op).emit(l, r);
      }
      case 'conditional':
        return `(${this.expr(e.test)} ? ${this.expr(e.consequent)} : ${this.expr(e.alternate)})`;
      case 'error':
        throw new Error('internal: codegen reached an error node');
    }
  }

  /** A `$variable` name the pattern does not declare. */
  private undeclared(e: Expr): boolean {
    return e.kind === 'identifier' && e.name.startsWith('$') && !this.variables.includes(e.name);
  }

  /** `o.k` / `o[k]` where `object` is the code of `o`. */
  private member(e: Extract<Expr, { kind: 'member' }>, object: string): string {
    // `user.id`, `user.isAuthenticated`, `user.data`: own data fields of the plain object the
    // engine builds for every check (engine/check.ts context), read directly.
    const field = e.object.kind === 'identifier' && e.object.name === 'user' && e.property.kind === 'literal' && typeof e.property.value === 'string' ? USER_FIELDS.get(e.property.value) : undefined;
    if (field !== undefined) return field;
    // A property name fixed in the rule and not one of the forbidden ones needs no key check per read.
    if (e.property.kind === 'literal' && typeof e.property.value === 'string' && !FORBIDDEN_PROPERTIES.has(e.property.value)) {
      return `r.getp(${object}, ${JSON.stringify(e.property.value)})`;
    }
    return `r.get(${object}, ${this.expr(e.property)})`;
  }

  private call(e: Extract<Expr, { kind: 'call' }>, receiver?: string): string {
    const callee = e.callee;
    if (callee.kind === 'identifier' && callee.name === REFERENCE.name) return REFERENCE.emit(e.args[0] ? this.expr(e.args[0]) : undefined);
    if (callee.kind === 'member' && !callee.computed && callee.property.kind === 'literal') {
      const method = String(callee.property.value);
      const recv = receiver ?? this.expr(callee.object);
      const args = e.args.map((a, i) =>
        method === 'match' && i === 0 && a.kind === 'literal' && typeof a.value === 'string' ? this.stringPattern(a.value) : this.expr(a),
      );
      return `r.m.${method}(${[recv, ...args].join(', ')})`;
    }
    throw new Error('internal: codegen reached an unchecked call');
  }

  /**
   * `a?.b.c` → `(c.a == null ? (void 0) : r.getp(r.getp(c.a, "b"), "c"))`: each `?.` object is
   * evaluated once (into a temporary unless it is a plain context read), in source order, and
   * tested with `== null` (true exactly for null and undefined, and it converts nothing); the
   * first that is nullish yields `undefined` for the whole chain. Reads stay `r.get`/`r.getp`.
   */
  private chain(e: Chain): string {
    const tests: string[] = [];
    const value = this.link(e.expression, tests);
    return tests.length ? `(${tests.join(' || ')} ? (void 0) : ${value})` : value;
  }

  /** The code of one link of a chain, given that the tests pushed before it passed. */
  private link(e: Expr, tests: string[]): string {
    if (e.kind === 'member') {
      const object = this.link(e.object, tests);
      return this.member(e, e.optional ? this.tested(object, tests) : object);
    }
    if (e.kind === 'call' && e.callee.kind === 'member') {
      const receiver = this.link(e.callee.object, tests);
      return this.call(e, e.callee.optional ? this.tested(receiver, tests) : receiver);
    }
    return this.expr(e);
  }

  /** Tests the value of `code` for null/undefined; returns the code that reads it again. */
  private tested(code: string, tests: string[]): string {
    if (REREADABLE.test(code)) {
      tests.push(`${code} == null`);
      return code;
    }
    const t = `t${this.temps++}`;
    tests.push(`(${t} = ${code}) == null`);
    return t;
  }

  /** A module-level constant for `init`; its name. */
  private hoist(init: string): string {
    const name = `k${this.hoisted.length}`;
    this.hoisted.push(`const ${name} = ${init};`);
    return name;
  }

  /** A `match` string: a regex, or (warning VLV0314) one JavaScript refuses, which fails when the call runs. */
  private stringPattern(pattern: string): string {
    const invalid = jsRegexError(pattern, '');
    if (invalid === undefined) return this.regex(pattern, '');
    const name = `re${this.hoisted.length}`;
    this.hoisted.push(`const ${name} = r.badRegex(${JSON.stringify(`/${pattern}/`)}, ${JSON.stringify(invalid)});`);
    return name;
  }

  private regex(pattern: string, flags: string): string {
    const t = translateRegex(pattern, flags);
    if (!t.ok) throw new Error('internal: codegen reached an unchecked regular expression');
    const name = `re${this.hoisted.length}`;
    const text = `/${pattern}/${flags}`;
    this.hoisted.push(`const ${name} = r.regex(${JSON.stringify(t.re2)}, ${JSON.stringify(text)});`);
    return name;
  }
}

function emitRule(rule: CheckedRule, hoisted: string[]): string {
  const em = new Emitter(rule.variables, hoisted);
  const body = rule.body.kind === 'constant' ? String(rule.body.value) : em.fn(rule.body.expr);
  const refs = rule.refArgs.map((a) => em.fn(a));
  const { file: _file, ...loc } = rule.location;
  return `    {
      section: ${JSON.stringify(rule.section)}, pattern: ${JSON.stringify(rule.pattern)}, action: ${JSON.stringify(rule.action)}, order: ${rule.order},
      variables: ${JSON.stringify(rule.variables)}, parts: ${JSON.stringify(rule.parts)},
      location: ${JSON.stringify(loc)},
      uses: ${JSON.stringify(rule.usage)},
      rule: ${body},
      refs: [${refs.join(', ')}],
    }`;
}

/** The factory function's source: `function valveRules(r) { … }`. */
export function emitFactory(program: RuleProgram): string {
  const hoisted: string[] = [];
  const rules = program.rules.map((r) => emitRule(r, hoisted));
  return `function valveRules(r) {
  'use strict';
${hoisted.map((h) => `  ${h}`).join('\n')}
  return [
${rules.join(',\n')}
  ];
}`;
}

/** The ES module text written by `valve compile`. */
export function emitModule(program: RuleProgram, factorySource = emitFactory(program)): string {
  const file = JSON.stringify(program.file).replace(/\*\//g, '*\\/');
  return `// Generated by valve from ${file}. Do not edit: change the rules file and compile again.
export const file = ${JSON.stringify(program.file)};
export default ${factorySource}
`;
}
