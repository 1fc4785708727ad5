/**
 * The syntax of the rule language's operators: the grammar's column of the language table. Each
 * operator's type rule, emitted form and implementation are in compiler/language/operators.ts,
 * keyed by these same operators (TypeScript requires one row there for each one here), so the
 * set of operators is declared once, here, where the parser reads it.
 */

/** The rule of the CST a binary operator is parsed at (grammar/parser.ts: one rule per precedence level). */
export type BinaryLevel =
  | 'logicalOr' | 'logicalAnd' | 'bitOr' | 'bitXor' | 'bitAnd' | 'equality' | 'relational' | 'shift' | 'additive' | 'multiplicative' | 'power';

export interface BinarySyntax {
  readonly level: BinaryLevel;
  /** JavaScript's precedence (higher binds tighter), as the printer needs it for parentheses. */
  readonly precedence: number;
  /** `**` groups to the right (`a ** b ** c` is `a ** (b ** c)`); every other operator to the left. */
  readonly rightAssociative?: true;
}

/** How tightly a unary operator binds (tighter than every binary one). */
export const UNARY_PRECEDENCE = 14;

export const UNARY_SYNTAX = { '!': {}, '-': {}, '+': {}, '~': {}, typeof: {}, void: {} } as const;

export const BINARY_SYNTAX = {
  '===': { level: 'equality', precedence: 8 },
  '!==': { level: 'equality', precedence: 8 },
  '==': { level: 'equality', precedence: 8 },
  '!=': { level: 'equality', precedence: 8 },
  '<': { level: 'relational', precedence: 9 },
  '<=': { level: 'relational', precedence: 9 },
  '>': { level: 'relational', precedence: 9 },
  '>=': { level: 'relational', precedence: 9 },
  in: { level: 'relational', precedence: 9 },
  '|': { level: 'bitOr', precedence: 5 },
  '^': { level: 'bitXor', precedence: 6 },
  '&': { level: 'bitAnd', precedence: 7 },
  '<<': { level: 'shift', precedence: 10 },
  '>>': { level: 'shift', precedence: 10 },
  '>>>': { level: 'shift', precedence: 10 },
  '+': { level: 'additive', precedence: 11 },
  '-': { level: 'additive', precedence: 11 },
  '*': { level: 'multiplicative', precedence: 12 },
  '/': { level: 'multiplicative', precedence: 12 },
  '%': { level: 'multiplicative', precedence: 12 },
  '**': { level: 'power', precedence: 13, rightAssociative: true },
} as const satisfies Record<string, BinarySyntax>;

export const LOGICAL_SYNTAX = {
  '&&': { level: 'logicalAnd', precedence: 4 },
  '||': { level: 'logicalOr', precedence: 3 },
  '??': { level: 'logicalOr', precedence: 2 },
} as const satisfies Record<string, BinarySyntax>;

export type UnaryOp = keyof typeof UNARY_SYNTAX;
export type BinaryOp = keyof typeof BINARY_SYNTAX;
export type LogicalOp = keyof typeof LOGICAL_SYNTAX;

const own = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);
export const isUnaryOp = (op: string): op is UnaryOp => own(UNARY_SYNTAX, op);
export const isBinaryOp = (op: string): op is BinaryOp => own(BINARY_SYNTAX, op);
export const isLogicalOp = (op: string): op is LogicalOp => own(LOGICAL_SYNTAX, op);

/** The syntax of a binary or logical operator, typed as the row shape (the literal types are narrower). */
export const syntaxOf = (op: BinaryOp | LogicalOp): BinarySyntax => (isLogicalOp(op) ? LOGICAL_SYNTAX[op] : BINARY_SYNTAX[op]);

/** The CST rules that hold binary and logical operators. */
export const BINARY_LEVELS: ReadonlySet<string> = new Set([...Object.values(BINARY_SYNTAX), ...Object.values(LOGICAL_SYNTAX)].map((r) => r.level));

/** The operators written as words (`typeof`, `void`, `in`): keywords, for editor completion. */
export const WORD_OPERATORS: readonly string[] = [...Object.keys(UNARY_SYNTAX), ...Object.keys(BINARY_SYNTAX)].filter((op) => /^[a-z]+$/.test(op));
