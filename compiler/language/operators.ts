/**
 * The operators of the rule language, one row each (as cel-js `lib/operators.js`): how it is
 * written, where the grammar parses it and how tightly it binds, its type rule (the checker),
 * its emitted form (codegen: a template over the operands' code) and its implementation (the
 * interpreter). The parser, CST→AST, the printer, the checker, codegen and the interpreter all
 * read these rows; the AST's operator types are their keys. A later stage adds a column here.
 */
import type { Operations } from './context.js';
import { BINARY_SYNTAX, LOGICAL_SYNTAX, type BinaryOp, type BinarySyntax, type LogicalOp, type UnaryOp } from '../../grammar/index.js';
import * as T from '../types.js';
import type { Type } from '../types.js';

/**
 * What an operator asks of its operands' types; the checker implements each rule once.
 * - `any`: every value works;
 * - `numbers`: each operand must be able to be a number (VLV0505);
 * - `ordered`: not a string against a number (VLV0508);
 * - `overlapping`: the two sides must be able to be equal (VLV0506, VLV0507);
 * - `sum`: numbers, unless a side is a string, which makes `+` concatenate anything (VLV0505).
 */
export type OperandRule = 'any' | 'numbers' | 'ordered' | 'overlapping' | 'sum';

export interface TypeRule {
  readonly operands: OperandRule;
  /** The result's type: fixed, or computed from the operands' types. */
  readonly result: Type | ((left: Type, right: Type) => Type);
}

export interface UnaryRow {
  readonly kind: 'unary';
  readonly check: { readonly operands: 'any' | 'numbers'; readonly result: Type };
  /** The emitted code, given the operand's code. */
  readonly emit: (operand: string) => string;
  /** The value, given the stdlib compiled code receives as `r` and the operand's value. */
  readonly evaluate: (r: Operations, operand: unknown) => unknown;
}

/** A binary operator's row: its syntax (grammar/operators.ts) and its meaning. */
export interface BinaryRow extends BinarySyntax {
  readonly kind: 'binary';
  readonly check: TypeRule;
  readonly emit: (left: string, right: string) => string;
  readonly evaluate: (r: Operations, left: unknown, right: unknown) => unknown;
}

export interface LogicalRow extends BinarySyntax {
  readonly kind: 'logical';
  readonly check: {
    /** What the left operand contributes to the result (the part of it that ends the evaluation). */
    readonly left: (t: Type) => Type;
    /** Whether the left operand is known truthy (true) or falsy (false) where the right one runs; undefined: nothing is known. */
    readonly rightWhenLeft?: boolean;
  };
  readonly emit: (left: string, right: string) => string;
  /** The right operand is evaluated only when `right` is called (short-circuit). */
  readonly evaluate: (left: unknown, right: () => unknown) => unknown;
}

/** `r.name(operand)`: a stdlib function of one value. */
type UnaryFn = 'neg' | 'pos' | 'bnot';
/** The stdlib functions of two values an operator can be. */
type BinaryFn = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'pow' | 'band' | 'bor' | 'bxor' | 'shl' | 'shr' | 'ushr' | 'lt' | 'le' | 'gt' | 'ge' | 'looseEq' | 'has';

/** A row without its syntax columns (those are grammar/operators.ts's). */
type Meaning<R> = Omit<R, keyof BinarySyntax>;

const NUMERIC = { operands: 'numbers', result: T.NUMBER } as const;
const ORDERED: TypeRule = { operands: 'ordered', result: T.BOOLEAN };

/** `-x`, `+x`, `~x`: one stdlib call, emitted and interpreted alike. */
const unaryCall = (fn: UnaryFn, check: UnaryRow['check']): UnaryRow => ({
  kind: 'unary',
  check,
  emit: (o) => `r.${fn}(${o})`,
  evaluate: (r, o) => r[fn](o),
});

const binaryCall = (fn: BinaryFn, check: TypeRule): Meaning<BinaryRow> => ({
  kind: 'binary',
  check,
  emit: (l, r) => `r.${fn}(${l}, ${r})`,
  evaluate: (r, a, b) => r[fn](a, b),
});

/** With a string on either side `+` concatenates; otherwise it adds numbers. */
function sumType(l: Type, r: Type): Type {
  if (T.onlyOf(l, 'string') || T.onlyOf(r, 'string')) return T.STRING;
  if (T.onlyOf(l, 'number') && T.onlyOf(r, 'number')) return T.NUMBER;
  return T.isUnknown(l) || T.isUnknown(r) ? T.UNKNOWN : T.union(T.STRING, T.NUMBER);
}

export const UNARY = {
  '!': { kind: 'unary', check: { operands: 'any', result: T.BOOLEAN }, emit: (o) => `(!${o})`, evaluate: (_r, o) => !o },
  '-': unaryCall('neg', NUMERIC),
  // `+x` converts anything (JavaScript's ToNumber), so any operand is fine.
  '+': unaryCall('pos', { operands: 'any', result: T.NUMBER }),
  '~': unaryCall('bnot', NUMERIC),
  typeof: { kind: 'unary', check: { operands: 'any', result: T.STRING }, emit: (o) => `(typeof ${o})`, evaluate: (_r, o) => typeof o },
  void: { kind: 'unary', check: { operands: 'any', result: T.UNDEFINED }, emit: (o) => `(void ${o})`, evaluate: () => undefined },
} satisfies Record<UnaryOp, UnaryRow>;

const BINARY_MEANING = {
  // Strict equality calls no user code: emitted inline, as fast as JavaScript's own.
  '===': { kind: 'binary', check: { operands: 'overlapping', result: T.BOOLEAN }, emit: (l, r) => `(${l} === ${r})`, evaluate: (_r, a, b) => a === b },
  '!==': { kind: 'binary', check: { operands: 'overlapping', result: T.BOOLEAN }, emit: (l, r) => `(${l} !== ${r})`, evaluate: (_r, a, b) => a !== b },
  '==': binaryCall('looseEq', { operands: 'any', result: T.BOOLEAN }),
  '!=': { kind: 'binary', check: { operands: 'any', result: T.BOOLEAN }, emit: (l, r) => `(!r.looseEq(${l}, ${r}))`, evaluate: (r, a, b) => !r.looseEq(a, b) },
  '<': binaryCall('lt', ORDERED),
  '<=': binaryCall('le', ORDERED),
  '>': binaryCall('gt', ORDERED),
  '>=': binaryCall('ge', ORDERED),
  in: binaryCall('has', { operands: 'any', result: T.BOOLEAN }),
  '|': binaryCall('bor', NUMERIC),
  '^': binaryCall('bxor', NUMERIC),
  '&': binaryCall('band', NUMERIC),
  '<<': binaryCall('shl', NUMERIC),
  '>>': binaryCall('shr', NUMERIC),
  '>>>': binaryCall('ushr', NUMERIC),
  '+': binaryCall('add', { operands: 'sum', result: sumType }),
  '-': binaryCall('sub', NUMERIC),
  '*': binaryCall('mul', NUMERIC),
  '/': binaryCall('div', NUMERIC),
  '%': binaryCall('mod', NUMERIC),
  '**': binaryCall('pow', NUMERIC),
} satisfies Record<BinaryOp, Meaning<BinaryRow>>;

const LOGICAL_MEANING = {
  // `a && b` is a falsy `a` or `b`; `a || b` a truthy `a` or `b`; `a ?? b` a defined `a` or `b`.
  '&&': { kind: 'logical', check: { left: T.falsyPart, rightWhenLeft: true }, emit: (l, r) => `(${l} && ${r})`, evaluate: (l, right) => (l ? right() : l) },
  '||': { kind: 'logical', check: { left: T.truthyPart, rightWhenLeft: false }, emit: (l, r) => `(${l} || ${r})`, evaluate: (l, right) => (l ? l : right()) },
  '??': { kind: 'logical', check: { left: T.withoutNullish }, emit: (l, r) => `(${l} ?? ${r})`, evaluate: (l, right) => (l === null || l === undefined ? right() : l) },
} satisfies Record<LogicalOp, Meaning<LogicalRow>>;

/** Each row whole: the grammar's syntax of the operator beside its meaning here. */
function rows<K extends string, R>(syntax: Record<K, BinarySyntax>, meaning: Record<K, Omit<R, keyof BinarySyntax>>): Record<K, R> {
  return Object.fromEntries(Object.entries<BinarySyntax>(syntax).map(([op, s]) => [op, { ...s, ...meaning[op as K] }])) as Record<K, R>;
}
export const BINARY: Record<BinaryOp, BinaryRow> = rows<BinaryOp, BinaryRow>(BINARY_SYNTAX, BINARY_MEANING);
export const LOGICAL: Record<LogicalOp, LogicalRow> = rows<LogicalOp, LogicalRow>(LOGICAL_SYNTAX, LOGICAL_MEANING);

export type { BinaryOp, LogicalOp, UnaryOp };
export { BINARY_LEVELS, isBinaryOp, isLogicalOp, isUnaryOp, WORD_OPERATORS } from '../../grammar/index.js';

/** The row of an operator, typed as its kind's row (the tables' literal types are narrower than needed). */
export const unaryRow = (op: UnaryOp): UnaryRow => UNARY[op];
export const binaryRow = (op: BinaryOp): BinaryRow => BINARY[op];
export const logicalRow = (op: LogicalOp): LogicalRow => LOGICAL[op];


