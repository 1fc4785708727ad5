/**
 * The language table (compiler/language/) is complete and says one thing: every operator row
 * has its type rule, emitted form and implementation, and the emitted form computes what the
 * implementation computes; the parser accepts exactly the operators that have rows; every root
 * name has its type, doc and availability; every method has its stdlib implementation.
 */
import { describe, expect, it } from 'vitest';
import { TypeChecker } from '../../compiler/checker.js';
import { compileProgram } from '../../compiler/index.js';
import {
  availableNames,
  BINARY,
  LOGICAL,
  METHOD_NAMES,
  METHODS,
  REFERENCE,
  ROOTS,
  UNARY,
  VARIABLE,
  type BinaryRow,
  type LogicalRow,
  type UnaryRow,
} from '../../compiler/language/index.js';
import { ACTIONS, SECTIONS } from '../../compiler/scope.js';
import { show, type Type } from '../../compiler/types.js';
import type { Expr } from '../../grammar/ast.js';
import { parseExpression } from '../../grammar/expression.js';
import * as Tokens from '../../grammar/tokens.js';
import { methods, STDLIB, type RuleContext } from '../../engine/stdlib.js';

const unary: [string, UnaryRow][] = Object.entries(UNARY);
const binary: [string, BinaryRow][] = Object.entries(BINARY);
const logical: [string, LogicalRow][] = Object.entries(LOGICAL);

const TYPE_KINDS = ['unknown', 'null', 'undefined', 'boolean', 'number', 'string', 'array', 'object', 'regex', 'union'];
const isType = (t: unknown): t is Type => typeof t === 'object' && t !== null && TYPE_KINDS.includes((t as { kind: string }).kind);
const oneLine = (s: string): boolean => s.length > 10 && !s.includes('\n');

/** Values of every kind a rule meets, to run each operator's two forms on. */
const VALUES: readonly unknown[] = [0, 1, -2.5, NaN, Infinity, '', 'a', '10', '1e3', true, false, null, undefined, [], [1, 2], ['x'], {}, { a: 1 }];

/** The outcome of `run`: its value, or the message it threw. */
function outcome(run: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: run() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Compiles an emitted template the way a rules module runs it: `r` is the stdlib, the operands are locals. */
const compiled = (code: string, ...names: string[]): ((...args: unknown[]) => unknown) =>
  new Function('r', ...names, `'use strict'; return ${code};`) as (...args: unknown[]) => unknown;

describe('operator rows', () => {
  it('each have a type rule, an emitted form and an implementation', () => {
    const operandRules = ['any', 'numbers', 'ordered', 'overlapping', 'sum'];
    for (const [op, row] of unary) {
      expect(row.kind, op).toBe('unary');
      expect(['any', 'numbers'], op).toContain(row.check.operands);
      expect(isType(row.check.result), op).toBe(true);
      expect(typeof row.emit, op).toBe('function');
      expect(typeof row.evaluate, op).toBe('function');
    }
    for (const [op, row] of binary) {
      expect(row.kind, op).toBe('binary');
      expect(operandRules, op).toContain(row.check.operands);
      expect(isType(row.check.result) || typeof row.check.result === 'function', op).toBe(true);
      expect(row.precedence, op).toBeGreaterThan(0);
      expect(typeof row.emit, op).toBe('function');
      expect(typeof row.evaluate, op).toBe('function');
    }
    for (const [op, row] of logical) {
      expect(row.kind, op).toBe('logical');
      expect(typeof row.check.left, op).toBe('function');
      expect(row.precedence, op).toBeGreaterThan(0);
      expect(typeof row.emit, op).toBe('function');
      expect(typeof row.evaluate, op).toBe('function');
    }
  });

  it('emit code that computes what their implementation computes, on values of every kind', () => {
    let compared = 0;
    for (const [op, row] of unary) {
      const fn = compiled(row.emit('a'), 'a');
      for (const a of VALUES) {
        expect(outcome(() => fn(STDLIB, a)), `${op} ${String(a)}`).toEqual(outcome(() => row.evaluate(STDLIB, a)));
        compared++;
      }
    }
    for (const [op, row] of binary) {
      const fn = compiled(row.emit('a', 'b'), 'a', 'b');
      for (const a of VALUES) {
        for (const b of VALUES) {
          expect(outcome(() => fn(STDLIB, a, b)), `${String(a)} ${op} ${String(b)}`).toEqual(outcome(() => row.evaluate(STDLIB, a, b)));
          compared++;
        }
      }
    }
    for (const [op, row] of logical) {
      // The right operand is a call, so a short circuit shows as the call not happening.
      const fn = compiled(row.emit('a', 'b()'), 'a', 'b');
      for (const a of VALUES) {
        const calls = [0, 0];
        const got = fn(STDLIB, a, () => (calls[0]++, 'right'));
        const want = row.evaluate(a, () => (calls[1]++, 'right'));
        expect(got, `${String(a)} ${op}`).toEqual(want);
        expect(calls[0], `${String(a)} ${op} evaluates its right side alike`).toBe(calls[1]);
        compared++;
      }
    }
    expect(compared).toBe(unary.length * VALUES.length + binary.length * VALUES.length ** 2 + logical.length * VALUES.length);
  });
});

describe('codegen', () => {
  /** The code of the rule of `record "*" write`. */
  const emitted = (rule: string): string => {
    const r = compileProgram(`record:\n  "*":\n    write: ${JSON.stringify(rule)}\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error'), rule).toEqual([]);
    return /rule: \(c\) => (.*),\n/.exec(r.factorySource ?? '')?.[1] ?? '';
  };

  it('emits each operator as its row does', () => {
    for (const [op, row] of unary) expect(emitted(`${op} data`), op).toBe(row.emit('c.data'));
    for (const [op, row] of [...binary, ...logical]) expect(emitted(`data ${op} oldData`), op).toBe(row.emit('c.data', 'c.oldData'));
  });

  it('emits each root name and user field as its row does', () => {
    for (const root of ROOTS) expect(emitted(`${root.name} === 1`), root.name).toBe(`(${root.emit} === 1)`);
    for (const f of ROOTS.flatMap((r) => (r.fields ?? []).map((f) => ({ ...f, root: r.name })))) expect(emitted(`${f.root}.${f.name} === 1`), f.name).toBe(`(${f.emit} === 1)`);
    expect(emitted("_('a') === 1")).toBe(`(${REFERENCE.emit('"a"')} === 1)`);
  });
});

describe('the parser', () => {
  /** Every operator spelling JavaScript has, and every spelling the rule lexer has a token for. */
  const JS_OPERATORS = [
    '+', '-', '*', '/', '%', '**', '==', '!=', '===', '!==', '<', '<=', '>', '>=', 'in', 'instanceof',
    '&', '|', '^', '<<', '>>', '>>>', '&&', '||', '??', '!', '~', 'typeof', 'void', 'delete', 'new', 'await', 'yield',
    '++', '--', '=', '+=', '-=', '*=', '/=', '%=', '**=', '&&=', '||=', '??=', '&=', '|=', '^=', '<<=', '>>=', '>>>=', ',', '...', '=>',
  ];
  const tokenSpellings = Object.values(Tokens)
    .flatMap((t) => (typeof t === 'object' && t !== null && 'LABEL' in t && typeof t.LABEL === 'string' ? [t.LABEL] : []))
    .flatMap((label) => /^`([^`]+)`$/.exec(label)?.slice(1) ?? []);
  const spellings = [...new Set([...JS_OPERATORS, ...tokenSpellings])];

  /** Whether `text` parses without a diagnostic into a node of `kind` with operator `op`. */
  const accepts = (text: string, kind: Expr['kind'], op: string): boolean => {
    let problems = 0;
    const e = parseExpression(text, () => void problems++);
    return problems === 0 && e.kind === kind && (e as { op?: string }).op === op;
  };

  it('accepts exactly the binary and logical operators that have rows', () => {
    expect(tokenSpellings.length).toBeGreaterThan(20);
    const accepted = spellings.filter((op) => accepts(`a ${op} b`, op in LOGICAL ? 'logical' : 'binary', op));
    expect(accepted.sort()).toEqual([...Object.keys(BINARY), ...Object.keys(LOGICAL)].sort());
  });

  it('accepts exactly the unary operators that have rows', () => {
    const accepted = spellings.filter((op) => accepts(`${op} a`, 'unary', op));
    expect(accepted.sort()).toEqual(Object.keys(UNARY).sort());
  });

  it('binds each binary operator as tightly as its precedence says', () => {
    // `a OP1 b OP2 c` groups to the left exactly when OP1 binds at least as tightly (and is not right-associative).
    const rows: [string, BinaryRow | LogicalRow][] = [...binary, ...logical].filter(([op]) => op !== '??');
    for (const [op1, r1] of rows) {
      for (const [op2, r2] of rows) {
        let problems = 0;
        const e = parseExpression(`a ${op1} b ${op2} c`, () => void problems++);
        expect(problems, `${op1} ${op2}`).toBe(0);
        const leftFirst = r1.precedence > r2.precedence || (r1.precedence === r2.precedence && !('rightAssociative' in r1 && r1.rightAssociative));
        expect((e as { op?: string }).op, `a ${op1} b ${op2} c`).toBe(leftFirst ? op2 : op1);
      }
    }
  });
});

describe('root names', () => {
  const context: RuleContext = { user: { id: 'u' }, data: { d: 1 }, oldData: { o: 2 }, now: 5, action: 'READ', name: 'n', vars: ['v0', 'v1'], records: new Map() };

  it('each have a type, a one-line doc, an emitted form the interpreter reads alike, and an availability', () => {
    const flags = new Set(SECTIONS.flatMap((s) => Object.values(ACTIONS[s]).flatMap((info) => Object.keys(info))));
    for (const root of ROOTS) {
      for (const section of [undefined, ...SECTIONS]) expect(isType(root.type({ section })), root.name).toBe(true);
      expect(oneLine(root.doc), root.name).toBe(true);
      for (const doc of Object.values(root.sectionDoc ?? {})) expect(oneLine(doc), root.name).toBe(true);
      if (root.requires !== undefined) expect(flags, root.name).toContain(root.requires);
      expect(new Function('c', `return ${root.emit};`)(context), root.name).toBe(root.read(context));
      for (const f of root.fields ?? []) {
        expect(isType(f.type({})), f.name).toBe(true);
        expect(oneLine(f.doc), f.name).toBe(true);
        expect(new Function('c', `return ${f.emit};`)(context), f.name).toBe((root.read(context) as Record<string, unknown>)[f.name]);
      }
    }
    expect(new Function('c', `return ${VARIABLE.emit(1)};`)(context)).toBe(VARIABLE.read(context, 1));
    expect(oneLine(REFERENCE.doc)).toBe(true);
  });

  it('are available where the spec table says, in the order messages list them', () => {
    expect(availableNames('record', 'write', ['$id'])).toEqual(['user', 'data', 'oldData', 'now', 'name', 'action', '$id', '_()']);
    expect(availableNames('record', 'read', [])).toEqual(['user', 'oldData', 'now', 'name', 'action', '_()']);
    expect(availableNames('event', 'publish', [])).toEqual(['user', 'data', 'now', 'name', 'action', '_()']);
    expect(availableNames('presence', 'allow', [])).toEqual(['user', 'now', 'name', 'action', '_()']);
    expect(availableNames(undefined, undefined, ['$x'])).toEqual(['user', 'data', 'oldData', 'now', 'name', 'action', '$x', '_()']);
  });

  it('are typed by the checker as their rows say', () => {
    const checker = new TypeChecker({ section: 'record', action: 'write' }, () => {});
    for (const root of ROOTS) {
      const t = checker.type({ kind: 'identifier', name: root.name, span: { start: 0, end: 0 } }, new Map());
      expect(show(t), root.name).toBe(show(root.type({ section: 'record' })));
    }
  });
});

describe('methods', () => {
  it('each have an implementation in the stdlib taking the receiver and the declared parameters', () => {
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort());
    for (const m of METHODS) {
      expect((methods as Record<string, (...a: unknown[]) => unknown>)[m.name].length, m.name).toBe(m.params.length + 1);
      expect(m.on.length, m.name).toBeGreaterThan(0);
      expect(isType(m.returns), m.name).toBe(true);
      expect(m.returnsText, m.name).toBe(show(m.returns));
      expect(m.minArgs, m.name).toBeLessThanOrEqual(m.maxArgs);
      expect(oneLine(m.doc), m.name).toBe(true);
    }
  });

  it('return the type the checker gives their calls', () => {
    const checker = new TypeChecker({}, () => {});
    for (const m of METHODS) {
      let problems = 0;
      const args = m.params.filter((p) => !p.optional).map(() => (m.name === 'match' ? '/a/' : "'a'"));
      const receiver = m.on.includes('string') ? "'s'" : '[1]';
      const call = parseExpression(`${receiver}.${m.name}(${args.join(', ')})`, () => void problems++);
      expect(problems, m.name).toBe(0);
      expect(show(checker.type(call, new Map())), m.name).toBe(m.returnsText);
    }
  });
});
