/**
 * The operators of the rule language, one row each (as cel-js `lib/operators.js`): how it is
 * written, where the grammar parses it and how tightly it binds, its type rule (the checker),
 * its emitted form (codegen: a template over the operands' code) and its implementation (the
 * interpreter). The parser, CST→AST, the printer, the checker, codegen and the interpreter all
 * read these rows; the AST's operator types are their keys. A later stage adds a column here.
 */
import type { Stdlib } from '../../engine/stdlib.js';
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

/** The rule of the CST a binary operator is parsed at (grammar/parser.ts: one rule per precedence level). */
export type BinaryLevel =
  | 'logicalOr' | 'logicalAnd' | 'bitOr' | 'bitXor' | 'bitAnd' | 'equality' | 'relational' | 'shift' | 'additive' | 'multiplicative' | 'power';

interface Row {
  /** JavaScript's precedence (higher binds tighter), as the printer needs it for parentheses. */
  readonly precedence: number;
}

export interface UnaryRow {
  readonly kind: 'unary';
  readonly check: { readonly operands: 'any' | 'numbers'; readonly result: Type };
  /** The emitted code, given the operand's code. */
  readonly emit: (operand: string) => string;
  /** The value, given the stdlib compiled code receives as `r` and the operand's value. */
  readonly evaluate: (r: Stdlib, operand: unknown) => unknown;
}

export interface BinaryRow extends Row {
  readonly kind: 'binary';
  readonly level: BinaryLevel;
  /** `**` groups to the right (`a ** b ** c` is `a ** (b ** c)`); every other operator to the left. */
  readonly rightAssociative?: true;
  readonly check: TypeRule;
  readonly emit: (left: string, right: string) => string;
  readonly evaluate: (r: Stdlib, left: unknown, right: unknown) => unknown;
}

export interface LogicalRow extends Row {
  readonly kind: 'logical';
  readonly level: BinaryLevel;
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

const NUMERIC = { operands: 'numbers', result: T.NUMBER } as const;
const ORDERED: TypeRule = { operands: 'ordered', result: T.BOOLEAN };

/** `-x`, `+x`, `~x`: one stdlib call, emitted and interpreted alike. */
const unaryCall = (fn: UnaryFn, check: UnaryRow['check']): UnaryRow => ({
  kind: 'unary',
  check,
  emit: (o) => `r.${fn}(${o})`,
  evaluate: (r, o) => r[fn](o),
});

const binaryCall = (fn: BinaryFn, level: BinaryLevel, precedence: number, check: TypeRule): BinaryRow => ({
  kind: 'binary',
  level,
  precedence,
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
} satisfies Record<string, UnaryRow>;

export const BINARY = {
  // Strict equality calls no user code: emitted inline, as fast as JavaScript's own.
  '===': { kind: 'binary', level: 'equality', precedence: 8, check: { operands: 'overlapping', result: T.BOOLEAN }, emit: (l, r) => `(${l} === ${r})`, evaluate: (_r, a, b) => a === b },
  '!==': { kind: 'binary', level: 'equality', precedence: 8, check: { operands: 'overlapping', result: T.BOOLEAN }, emit: (l, r) => `(${l} !== ${r})`, evaluate: (_r, a, b) => a !== b },
  '==': binaryCall('looseEq', 'equality', 8, { operands: 'any', result: T.BOOLEAN }),
  '!=': { kind: 'binary', level: 'equality', precedence: 8, check: { operands: 'any', result: T.BOOLEAN }, emit: (l, r) => `(!r.looseEq(${l}, ${r}))`, evaluate: (r, a, b) => !r.looseEq(a, b) },
  '<': binaryCall('lt', 'relational', 9, ORDERED),
  '<=': binaryCall('le', 'relational', 9, ORDERED),
  '>': binaryCall('gt', 'relational', 9, ORDERED),
  '>=': binaryCall('ge', 'relational', 9, ORDERED),
  in: binaryCall('has', 'relational', 9, { operands: 'any', result: T.BOOLEAN }),
  '|': binaryCall('bor', 'bitOr', 5, NUMERIC),
  '^': binaryCall('bxor', 'bitXor', 6, NUMERIC),
  '&': binaryCall('band', 'bitAnd', 7, NUMERIC),
  '<<': binaryCall('shl', 'shift', 10, NUMERIC),
  '>>': binaryCall('shr', 'shift', 10, NUMERIC),
  '>>>': binaryCall('ushr', 'shift', 10, NUMERIC),
  '+': binaryCall('add', 'additive', 11, { operands: 'sum', result: sumType }),
  '-': binaryCall('sub', 'additive', 11, NUMERIC),
  '*': binaryCall('mul', 'multiplicative', 12, NUMERIC),
  '/': binaryCall('div', 'multiplicative', 12, NUMERIC),
  '%': binaryCall('mod', 'multiplicative', 12, NUMERIC),
  '**': { ...binaryCall('pow', 'power', 13, NUMERIC), rightAssociative: true },
} satisfies Record<string, BinaryRow>;

export const LOGICAL = {
  // `a && b` is a falsy `a` or `b`; `a || b` a truthy `a` or `b`; `a ?? b` a defined `a` or `b`.
  '&&': { kind: 'logical', level: 'logicalAnd', precedence: 4, check: { left: T.falsyPart, rightWhenLeft: true }, emit: (l, r) => `(${l} && ${r})`, evaluate: (l, right) => (l ? right() : l) },
  '||': { kind: 'logical', level: 'logicalOr', precedence: 3, check: { left: T.truthyPart, rightWhenLeft: false }, emit: (l, r) => `(${l} || ${r})`, evaluate: (l, right) => (l ? l : right()) },
  '??': { kind: 'logical', level: 'logicalOr', precedence: 2, check: { left: T.withoutNullish }, emit: (l, r) => `(${l} ?? ${r})`, evaluate: (l, right) => (l === null || l === undefined ? right() : l) },
} satisfies Record<string, LogicalRow>;

export type UnaryOp = keyof typeof UNARY;
export type BinaryOp = keyof typeof BINARY;
export type LogicalOp = keyof typeof LOGICAL;

const own = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);
export const isUnaryOp = (op: string): op is UnaryOp => own(UNARY, op);
export const isBinaryOp = (op: string): op is BinaryOp => own(BINARY, op);
export const isLogicalOp = (op: string): op is LogicalOp => own(LOGICAL, op);

/** The row of an operator, typed as its kind's row (the tables' literal types are narrower than needed). */
export const unaryRow = (op: UnaryOp): UnaryRow => UNARY[op];
export const binaryRow = (op: BinaryOp): BinaryRow => BINARY[op];
export const logicalRow = (op: LogicalOp): LogicalRow => LOGICAL[op];

/** The CST rules that hold binary and logical operators. */
export const BINARY_LEVELS: ReadonlySet<string> = new Set([...Object.values(BINARY), ...Object.values(LOGICAL)].map((r) => r.level));

/** The operators written as words (`typeof`, `void`, `in`): keywords, for editor completion. */
export const WORD_OPERATORS: readonly string[] = [...Object.keys(UNARY), ...Object.keys(BINARY)].filter((op) => /^[a-z]+$/.test(op));
