/** Text of one rule → expression AST, with every lexing and parsing problem reported. */
import type { Expr } from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import type { ILexingResult, IToken } from 'chevrotain';
import type { RelatedSpan, Reporter } from './diagnostic.js';
import { fastParse } from './fast-parse.js';
import { ruleLexer } from './lexer.js';
import { ruleParser } from './parser.js';
import { fromChevrotain } from './span.js';

/**
 * `lexed`: the text already tokenized by `ruleLexer` (grammar/rule-texts.ts shares one tokenization).
 * A rule of the everyday subset that lexes cleanly takes grammar/fast-parse.ts's path, with the
 * same AST and (as it is free of problems) no reports; anything else goes to Chevrotain.
 */
export function parseExpression(text: string, report: Reporter, lexed: ILexingResult = ruleLexer.tokenize(text)): Expr {
  if (lexed.errors.length === 0) {
    const fast = fastParse(lexed.tokens);
    if (fast) return fast;
  }
  return parseWithChevrotain(text, report, lexed);
}

/** The Chevrotain parser and cst-to-ast, which own every diagnostic (exported for the fast path's property test). */
export function parseWithChevrotain(text: string, report: Reporter, lexed: ILexingResult = ruleLexer.tokenize(text)): Expr {
  for (const e of lexed.errors) {
    const char = text.slice(e.offset, e.offset + Math.max(1, e.length));
    report('VLV0203', { start: e.offset, end: e.offset + Math.max(1, e.length) }, { char: [...char][0] ?? char });
  }
  const parser = ruleParser();
  parser.input = lexed.tokens;
  const cst = parser.sequence();
  const parseErrors = parser.errors.map((e) => {
    const t = e.token;
    const span = Number.isNaN(t.startOffset) ? { start: text.length, end: text.length } : fromChevrotain(t.startOffset, t.endOffset);
    const opener = unclosedOpener(lexed.tokens, e.message, span.start);
    return { span, detail: e.message, ...(opener ? { related: [opener] } : {}) };
  });
  // Meaning first: once a statement or a function is recognised, the parser's complaints about
  // what follows it are echoes of that one mistake.
  let constructAt = Infinity;
  const ast = new CstToAst((code, where, params) => {
    if (CONSTRUCTS.has(code)) constructAt = Math.min(constructAt, where.start);
    report(code, where, params);
  }).expr(cst, { start: 0, end: text.length });
  for (const e of parseErrors) if (e.span.start < constructAt) report('VLV0201', e.span, { detail: e.detail }, undefined, e.related);
  return ast;
}

const OPENS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * For "expected `)`" (or `]`, `}`): the innermost bracket of that kind still open before `at`, so
 * the report points at the opener too, not only at the end of the rule where the closer was due.
 */
function unclosedOpener(tokens: readonly IToken[], detail: string, at: number): RelatedSpan | undefined {
  const closer = /^expected `([)\]}])`/.exec(detail)?.[1];
  if (closer === undefined) return undefined;
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.startOffset >= at) break;
    if (t.image === '(' || t.image === '[' || t.image === '{') open.push(t);
    else if ((t.image === ')' || t.image === ']' || t.image === '}') && open.at(-1)?.image === OPENS[t.image]) open.pop();
  }
  const opener = [...open].reverse().find((t) => t.image === OPENS[closer]);
  return opener && { span: { start: opener.startOffset, end: opener.startOffset + 1 }, message: `the \`${opener.image}\` that is not closed` };
}

/** Codes for constructs whose text the parser only half understands (statements, functions). */
const CONSTRUCTS = new Set(['VLV0206', 'VLV0216', 'VLV0214']);
