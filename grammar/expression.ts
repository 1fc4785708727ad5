/** Text of one rule → expression AST, with every lexing and parsing problem reported. */
import type { Expr } from './ast.js';
import { CstToAst, type Reporter } from './cst-to-ast.js';
import { ruleLexer } from './lexer.js';
import { ruleParser } from './parser.js';
import { fromChevrotain } from './span.js';

export type { Reporter } from './cst-to-ast.js';

export function parseExpression(text: string, report: Reporter): Expr {
  const lexed = ruleLexer.tokenize(text);
  for (const e of lexed.errors) {
    const char = text.slice(e.offset, e.offset + Math.max(1, e.length));
    report('VLV0203', { start: e.offset, end: e.offset + Math.max(1, e.length) }, { char: [...char][0] ?? char }, unexpectedCharHint(char));
  }
  ruleParser.input = lexed.tokens;
  const cst = ruleParser.sequence();
  for (const e of ruleParser.errors) {
    const t = e.token;
    const span = Number.isNaN(t.startOffset) ? { start: text.length, end: text.length } : fromChevrotain(t.startOffset, t.endOffset);
    report('VLV0201', span, { detail: e.message });
  }
  return new CstToAst(report).expr(cst, { start: 0, end: text.length });
}

function unexpectedCharHint(char: string): string | undefined {
  if (char.startsWith('\\')) return 'escapes such as `\\u0061` are only allowed inside strings';
  if (char === '#' || char === '@') return undefined;
  if (/[^\x00-\x7f]/.test(char)) return 'names in rules use ASCII letters, digits, `_` and `$` only';
  return undefined;
}
