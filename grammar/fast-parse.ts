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
import { globalValue, hasLeadingZero, keywordValue, numberValue, regexParts } from './literals.js';
import { BINARY_SYNTAX, type BinarySyntax, isBinaryOp, isLogicalOp, isUnaryOp, LOGICAL_SYNTAX } from './operators.js';
import type { Span } from './span.js';
import { decodeEscapes, escapeProblems } from './strings.js';

/**
 * Each binary and logical operator's level, 0 the loosest, from the operator table (grammar/operators.ts);
 * `**` (right-associative, with its unary-base check) is left to Chevrotain.
 */
const SYNTAX = Object.entries({ ...BINARY_SYNTAX, ...LOGICAL_SYNTAX } as Record<string, BinarySyntax>).filter(([, r]) => r.level !== 'power');
const LEVEL_ORDER = [...new Set(SYNTAX.sort(([, a], [, b]) => a.precedence - b.precedence).map(([, r]) => r.level))];
const LEVEL_OF: ReadonlyMap<string, number> = new Map(SYNTAX.map(([op, r]) => [op, LEVEL_ORDER.indexOf(r.level)]));
/** Token types whose image can be an operator (a string literal's image is never one: it keeps its quotes). */
const LITERAL_TOKENS = new Set(['StringLiteral', 'RegexLiteral', 'NumberLiteral', 'Identifier']);

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

  /** The next token's text when it is an operator's (not a literal's or a name's). */
  private peekOperator(): string | undefined {
    const t = this.tokens[this.at];
    return t && !LITERAL_TOKENS.has(t.tokenType.name) ? t.image : undefined;
  }

  /** `a, b, c` up to the closing token (which it consumes); empty when it comes first. */
  private list(close: string): Expr[] {
    const items: Expr[] = [];
    if (this.peek() !== close) {
      items.push(this.conditional());
      while (this.peek() === 'Comma') {
        this.next();
        items.push(this.conditional());
      }
    }
    this.expect(close);
    return items;
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
    if (level === LEVEL_ORDER.length) return { expr: this.unary(), combined: false };
    const first = this.binary(level + 1);
    let left = first.expr;
    let combined = false;
    let nullish = false;
    let mixed = first.combined && level === 0;
    while (LEVEL_OF.get(this.peekOperator() ?? '') === level) {
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
    if (this.peek() === 'Power') throw GIVE_UP;
    const text = this.peekOperator();
    if (text !== undefined && isUnaryOp(text)) {
      const op = this.next();
      const operand = this.unary();
      return { kind: 'unary', op: text, operand, span: { start: op.startOffset, end: this.lastEnd } };
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
        const args = this.list('RParen');
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
        return globalValue(t.image) ? { kind: 'literal', value: globalValue(t.image)!.value, span: s } : { kind: 'identifier', name: t.image, span: s };
      case 'StringLiteral': {
        const body = t.image.slice(1, -1);
        if (escapeProblems(body).length > 0) throw GIVE_UP;
        return { kind: 'literal', value: decodeEscapes(body), span: s };
      }
      case 'NumberLiteral':
        if (hasLeadingZero(t.image)) throw GIVE_UP;
        return { kind: 'literal', value: numberValue(t.image), span: s };
      case 'RegexLiteral':
        return { kind: 'regex', ...regexParts(t.image), span: s };
      case 'LParen': {
        const inner = this.conditional();
        this.expect('RParen');
        // The node keeps its parentheses in its span, as cst-to-ast's does.
        return { ...inner, span: { start: t.startOffset, end: this.lastEnd } };
      }
      case 'LBracket': {
        const elements = this.list('RBracket');
        return { kind: 'array', elements, span: { start: t.startOffset, end: this.lastEnd } };
      }
      default: {
        const keyword = keywordValue(t.tokenType.name);
        if (keyword) return { kind: 'literal', value: keyword.value, span: s };
        throw GIVE_UP;
      }
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
