/**
 * One file's rule texts, each lexed and parsed once. A big rules file repeats the same few rules
 * (`user.isAuthenticated`, the same ownership check under every pattern), and the compile-limit
 * scan tokenizes every rule before the parser does: here both share one tokenization, and a text
 * seen before gets a copy of its AST and the same problems again, reported at the new rule.
 */
import type { ILexingResult } from 'chevrotain';
import type { Expr } from './ast.js';
import type { Reporter } from './diagnostic.js';
import { parseExpression } from './expression.js';
import { ruleLexer } from './lexer.js';

type Report = Parameters<Reporter>;

/** A deep copy: every rule gets AST nodes of its own (checker, explain and coverage key maps by node). */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}

export class RuleTexts {
  /** Lexed by the limit scan, not yet parsed (dropped once parsed: the tokens are then garbage). */
  private readonly lexed = new Map<string, ILexingResult>();
  private readonly parsed = new Map<string, { readonly expr: Expr; readonly reports: readonly Report[] }>();

  /** The text's tokens (and lexing errors), as `ruleLexer.tokenize` returns them. */
  lex(text: string): ILexingResult {
    let lexed = this.lexed.get(text);
    if (!lexed) {
      lexed = ruleLexer.tokenize(text);
      if (!this.parsed.has(text)) this.lexed.set(text, lexed);
    }
    return lexed;
  }

  /** parseExpression(text, report): the first use of a text gets the parse itself, later ones a copy. */
  parse(text: string, report: Reporter): Expr {
    const known = this.parsed.get(text);
    if (known) {
      for (const r of known.reports) report(...r);
      return copy(known.expr);
    }
    const reports: Report[] = [];
    const expr = parseExpression(text, (...r: Report) => void reports.push(r), this.lexed.get(text));
    this.lexed.delete(text);
    this.parsed.set(text, { expr, reports });
    for (const r of reports) report(...r);
    return expr;
  }
}
