/**
 * A recursive-descent parser for rules written in the everyday subset (names, `$variables`,
 * `.name`, `[…]`, calls, strings, numbers, regexes, lists, parentheses, unary, binary and logical
 * operators, `? :`) that builds the AST straight from the lexer's tokens. It gives up, returning
 * undefined, on anything else or anything wrong; parseExpression then runs the Chevrotain parser
 * and cst-to-ast, which own every diagnostic. On what it accepts it must build exactly their AST,
 * spans and key order included (test/property/fast-parse.test.ts compares the two on generated
 * rules): Chevrotain's CST costs most of a big file's check, and its parser need not even be built.
 */
import type { IToken } from 'chevrotain';
import type { Expr } from './ast.js';
import { isBinaryOp, isLogicalOp, isUnaryOp } from './operators.js';
import type { Span } from './span.js';
import { decodeEscapes, escapeProblems } from './strings.js';

/** Binary levels from loosest to tightest, by token type; `**` (right-associative, with its unary-base check) is left to Chevrotain. */
const LEVELS: readonly ReadonlySet<string>[] = [
  new Set(['Or', 'Nullish']),
  new Set(['And']),
  new Set(['BitOr']),
  new Set(['BitXor']),
  new Set(['BitAnd']),
  new Set(['StrictEq', 'StrictNotEq', 'LooseEq', 'LooseNotEq']),
  new Set(['LessEq', 'GreaterEq', 'Less', 'Greater', 'Kw_in']),
  new Set(['Shift']),
  new Set(['Plus', 'Minus']),
  new Set(['Star', 'Slash', 'Percent']),
];
const UNARY = new Set(['Bang', 'Minus', 'Plus', 'Kw_typeof', 'BitNot', 'Kw_void']);
const GLOBAL_VALUES: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY };

/** Thrown to give up; caught once, at the top. */
const GIVE_UP = Symbol('give up');

class FastParser {
  private at = 0;
  /** End (exclusive) of the last token consumed: where a CST node's location would end. */
  private lastEnd = 0;

  constructor(private readonly tokens: readonly IToken[]) {}

  parse(): Expr {
    const e = this.conditional();
    if (this.at !== this.tokens.length) throw GIVE_UP;
    return e;
  }

  private peek(): string | undefined {
    return this.tokens[this.at]?.tokenType.name;
  }

  private next(): IToken {
    const t = this.tokens[this.at++];
    if (!t) throw GIVE_UP;
    this.lastEnd = t.startOffset + t.image.length;
    return t;
  }

  private expect(name: string): IToken {
    if (this.peek() !== name) throw GIVE_UP;
    return this.next();
  }

  private span(t: IToken): Span {
    return { start: t.startOffset, end: t.startOffset + t.image.length };
  }

  private conditional(): Expr {
    const start = this.tokens[this.at]?.startOffset;
    const test = this.binary(0).expr;
    if (this.peek() !== 'Question') return test;
    this.next();
    const consequent = this.conditional();
    this.expect('Colon');
    const alternate = this.conditional();
    if (start === undefined) throw GIVE_UP;
    return { kind: 'conditional', test, consequent, alternate, span: { start, end: this.lastEnd } };
  }

  /** One level's chain, left-associative; `combined`: it had an operator of its own (not in parentheses). */
  private binary(level: number): { expr: Expr; combined: boolean } {
    if (level === LEVELS.length) return { expr: this.unary(), combined: false };
    const ops = LEVELS[level];
    const first = this.binary(level + 1);
    let left = first.expr;
    let combined = false;
    let nullish = false;
    let mixed = first.combined && level === 0;
    while (ops.has(this.peek() ?? '')) {
      const op = this.next().image;
      const right = this.binary(level + 1);
      if (level === 0) {
        if (op === '??') nullish = true;
        else mixed = true;
        if (right.combined) mixed = true;
      }
      const span = { start: Math.min(left.span.start, right.expr.span.start), end: Math.max(left.span.end, right.expr.span.end) };
      if (isLogicalOp(op)) left = { kind: 'logical', op, left, right: right.expr, span };
      else if (isBinaryOp(op)) left = { kind: 'binary', op, left, right: right.expr, span };
      else throw GIVE_UP;
      combined = true;
    }
    // `a ?? b || c`, `a ?? b && c`: cst-to-ast reports them.
    if (nullish && mixed) throw GIVE_UP;
    return { expr: left, combined };
  }

  private unary(): Expr {
    const name = this.peek();
    if (name === 'Power') throw GIVE_UP;
    if (name !== undefined && UNARY.has(name)) {
      const op = this.next();
      const operand = this.unary();
      if (!isUnaryOp(op.image)) throw GIVE_UP;
      return { kind: 'unary', op: op.image, operand, span: { start: op.startOffset, end: this.lastEnd } };
    }
    const e = this.postfix();
    if (this.peek() === 'Power') throw GIVE_UP;
    return e;
  }

  private postfix(): Expr {
    let object = this.primary();
    for (;;) {
      const name = this.peek();
      if (name === 'Dot') {
        this.next();
        const id = this.expect('Identifier');
        const property: Expr = { kind: 'literal', value: id.image, span: this.span(id) };
        object = { kind: 'member', object, property, computed: false, span: { start: object.span.start, end: Math.max(this.lastEnd, object.span.end) } };
      } else if (name === 'LBracket') {
        this.next();
        const property = this.conditional();
        this.expect('RBracket');
        object = { kind: 'member', object, property, computed: true, span: { start: object.span.start, end: Math.max(this.lastEnd, object.span.end) } };
      } else if (name === 'LParen') {
        this.next();
        const args: Expr[] = [];
        if (this.peek() !== 'RParen') {
          args.push(this.conditional());
          while (this.peek() === 'Comma') {
            this.next();
            args.push(this.conditional());
          }
        }
        this.expect('RParen');
        object = { kind: 'call', callee: object, args, span: { start: object.span.start, end: Math.max(this.lastEnd, object.span.end) } };
      } else break;
    }
    return object;
  }

  private primary(): Expr {
    const t = this.next();
    const s = this.span(t);
    switch (t.tokenType.name) {
      case 'Identifier':
        if (Object.prototype.hasOwnProperty.call(GLOBAL_VALUES, t.image)) return { kind: 'literal', value: GLOBAL_VALUES[t.image], span: s };
        return { kind: 'identifier', name: t.image, span: s };
      case 'StringLiteral': {
        const body = t.image.slice(1, -1);
        if (escapeProblems(body).length > 0) throw GIVE_UP;
        return { kind: 'literal', value: decodeEscapes(body), span: s };
      }
      case 'NumberLiteral':
        if (/^0[0-9_]/.test(t.image)) throw GIVE_UP;
        return { kind: 'literal', value: Number(t.image.replace(/_/g, '')), span: s };
      case 'Kw_true':
        return { kind: 'literal', value: true, span: s };
      case 'Kw_false':
        return { kind: 'literal', value: false, span: s };
      case 'Kw_null':
        return { kind: 'literal', value: null, span: s };
      case 'Kw_undefined':
        return { kind: 'literal', value: undefined, span: s };
      case 'RegexLiteral': {
        const close = t.image.lastIndexOf('/');
        return { kind: 'regex', pattern: t.image.slice(1, close), flags: t.image.slice(close + 1), span: s };
      }
      case 'LParen': {
        const inner = this.conditional();
        this.expect('RParen');
        // The node keeps its parentheses in its span, as cst-to-ast's does.
        return { ...inner, span: { start: t.startOffset, end: this.lastEnd } };
      }
      case 'LBracket': {
        const elements: Expr[] = [];
        if (this.peek() !== 'RBracket') {
          elements.push(this.conditional());
          while (this.peek() === 'Comma') {
            this.next();
            elements.push(this.conditional());
          }
        }
        this.expect('RBracket');
        return { kind: 'array', elements, span: { start: t.startOffset, end: this.lastEnd } };
      }
      default:
        throw GIVE_UP;
    }
  }
}

/** The AST of a rule whose tokens (lexed without errors) are all of the everyday subset; undefined otherwise. */
export function fastParse(tokens: readonly IToken[]): Expr | undefined {
  if (tokens.length === 0) return undefined;
  try {
    return new FastParser(tokens).parse();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}
