import type { BinaryOp, LogicalOp, UnaryOp } from './operators.js';
import type { Span } from './span.js';

/** The operators are the keys of grammar/operators.ts (and so of the language table's rows). */
export type { BinaryOp, LogicalOp, UnaryOp };

/** Spans of expression nodes are offsets into the rule's expression text (not the file). */
interface Node {
  readonly span: Span;
}

export type LiteralValue = string | number | boolean | null | undefined;

export interface Literal extends Node {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  /** An empty slot of an array literal (`[1,,2]`): no element at all, which `indexOf` skips. */
  readonly hole?: true;
}

export interface RegexLiteral extends Node {
  readonly kind: 'regex';
  readonly pattern: string;
  readonly flags: string;
}

/** `a${b}c`: quasis has one more entry than exprs. */
export interface Template extends Node {
  readonly kind: 'template';
  readonly quasis: readonly string[];
  readonly exprs: readonly Expr[];
}

export interface ArrayLiteral extends Node {
  readonly kind: 'array';
  readonly elements: readonly Expr[];
}

/**
 * One property of an object literal: `key: value` (a name, string or number key is a string
 * literal `key`; `computed` marks `[expr]: value`). Shorthand `{a}` is `{a: a}`.
 */
export interface Property {
  readonly key: Expr;
  readonly computed: boolean;
  readonly value: Expr;
}

/** `{a: 1, [k]: v}`: a plain object with these own properties, in order (a later key wins). */
export interface ObjectLiteral extends Node {
  readonly kind: 'object';
  readonly properties: readonly Property[];
}

export interface Identifier extends Node {
  readonly kind: 'identifier';
  readonly name: string;
}

/**
 * `a.b` (computed false, property is the name) or `a[expr]` (computed true). `optional` marks
 * `a?.b` / `a?.[expr]`: a link of the enclosing `chain` that tests its object for null/undefined.
 */
export interface Member extends Node {
  readonly kind: 'member';
  readonly object: Expr;
  readonly property: Expr;
  readonly computed: boolean;
  readonly optional?: true;
}

export interface Call extends Node {
  readonly kind: 'call';
  readonly callee: Expr;
  readonly args: readonly Expr[];
}

/**
 * The extent of an optional chain (`a?.b.c`, `a.b?.[k].trim()`): where a `?.` link whose object is
 * null or undefined lands, yielding `undefined` for the whole chain, as JavaScript's
 * short-circuiting does. `expression` is a member or method call with at least one `optional`
 * link among its objects; parentheses end a chain (`(a?.b).c` reads `.c` of `undefined`).
 */
export interface Chain extends Node {
  readonly kind: 'chain';
  readonly expression: Expr;
}

export interface Unary extends Node {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export interface Binary extends Node {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface Logical extends Node {
  readonly kind: 'logical';
  readonly op: LogicalOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface Conditional extends Node {
  readonly kind: 'conditional';
  readonly test: Expr;
  readonly consequent: Expr;
  readonly alternate: Expr;
}

/**
 * Stands where the parser recovered from an error or a forbidden construct; never compiled.
 * `parts` keeps the sub-expressions that were understood, so their names are still checked.
 */
export interface ErrorExpr extends Node {
  readonly kind: 'error';
  readonly parts?: readonly Expr[];
}

export type Expr =
  | Literal
  | RegexLiteral
  | Template
  | ArrayLiteral
  | ObjectLiteral
  | Identifier
  | Member
  | Call
  | Chain
  | Unary
  | Binary
  | Logical
  | Conditional
  | ErrorExpr;

export type ExprKind = Expr['kind'];

/** Children in evaluation order; the one generic walk every pass builds on. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'template':
      return e.exprs;
    case 'array':
      return e.elements;
    case 'object':
      return e.properties.flatMap((p) => (p.computed ? [p.key, p.value] : [p.value]));
    case 'member':
      return [e.object, e.property];
    case 'call':
      return [e.callee, ...e.args];
    case 'chain':
      return [e.expression];
    case 'unary':
      return [e.operand];
    case 'binary':
    case 'logical':
      return [e.left, e.right];
    case 'conditional':
      return [e.test, e.consequent, e.alternate];
    case 'error':
      return e.parts ?? [];
    default:
      return [];
  }
}

/** Pre-order walk; return false from `visit` to skip a node's children. */
export function walk(e: Expr, visit: (e: Expr, parent: Expr | undefined) => boolean | void, parent?: Expr): void {
  if (visit(e, parent) === false) return;
  for (const c of children(e)) walk(c, visit, e);
}

/** Whether an array element is an empty slot (`[1,,2]`). */
export const isHole = (e: Expr): boolean => e.kind === 'literal' && e.hole === true;

/** `[a, , b]` from its elements: a hole is an empty slot, and a final hole needs its own comma (a last comma adds nothing). */
export const arrayText = (elements: readonly Expr[], render: (e: Expr) => string): string =>
  `[${elements.map((x) => (isHole(x) ? '' : render(x))).join(', ')}${elements.length > 0 && isHole(elements[elements.length - 1]) ? ',' : ''}]`;

/**
 * The object one link of a chain reads: `a` of `a.b` / `a[k]`, the receiver `a` of `a.m(…)`;
 * undefined when `e` is not a link (a chain's links are these objects, down to its base).
 */
export function linkObject(e: Expr): Expr | undefined {
  if (e.kind === 'member') return e.object;
  if (e.kind === 'call' && e.callee.kind === 'member') return e.callee.object;
  return undefined;
}

/** Whether a link tests its object with `?.`: `a?.b`, `a?.[k]`, `a?.m(…)`. */
export const isOptionalLink = (e: Expr): boolean =>
  (e.kind === 'member' && e.optional === true) || (e.kind === 'call' && e.callee.kind === 'member' && e.callee.optional === true);

/** The links of a chain whose objects `?.` tests, outermost first. */
export function optionalObjects(chain: Chain): Expr[] {
  const out: Expr[] = [];
  for (let e: Expr | undefined = chain.expression; e && e.kind !== 'chain'; e = linkObject(e)) {
    if (isOptionalLink(e)) out.push(linkObject(e)!);
  }
  return out;
}
