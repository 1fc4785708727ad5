/**
 * Colouring of rule strings from the rule lexer itself (grammar/tokens.ts), so an editor colours
 * exactly the tokens the compiler sees: the playground's Monaco tokenizer and `valve lsp`'s
 * semantic tokens both classify with `classifyToken`.
 */
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import { isBinaryOp, isUnaryOp, METHOD_NAMES, REFERENCE, ROOTS } from '../compiler/index.js';
import { parseRuleFile, ruleLexer, type Span, tokens as T } from '../grammar/index.js';

export type TokenClass =
  | 'variable'
  | 'property'
  | 'method'
  | 'predefined'
  | 'identifier'
  | 'number'
  | 'keyword'
  | 'invalid'
  | 'string'
  | 'string.invalid'
  | 'regexp'
  | 'delimiter.bracket'
  | 'delimiter'
  | 'operator'
  | 'comment';

const ROOT_NAMES: ReadonlySet<string> = new Set<string>([...ROOTS.map((r) => r.name), REFERENCE.name]);
const METHODS: ReadonlySet<string> = new Set(METHOD_NAMES);

const is = (tok: IToken, ...types: TokenType[]): boolean => types.some((t) => tokenMatcher(tok, t));

/** The class of one rule token, from it and its neighbours. */
export function classifyToken(tok: IToken, prev: IToken | undefined, next: IToken | undefined): TokenClass {
  if (is(tok, T.Identifier)) {
    const afterDot = prev !== undefined && is(prev, T.Dot, T.OptionalChain);
    if (afterDot) return METHODS.has(tok.image) && next !== undefined && is(next, T.LParen) ? 'method' : 'property';
    if (tok.image.startsWith('$')) return 'variable';
    if (tok.image === 'NaN' || tok.image === 'Infinity') return 'number';
    return ROOT_NAMES.has(tok.image) ? 'predefined' : 'identifier';
  }
  if (prev !== undefined && is(prev, T.Dot, T.OptionalChain) && is(tok, T.IdentifierName)) return 'property';
  if (T.KEYWORDS.some((k) => tokenMatcher(tok, k))) {
    // Literals and the operators the language table has (`typeof`, `void`, `in`); the other keywords are refused.
    return is(tok, T.True, T.False, T.Null, T.Undefined) || isUnaryOp(tok.image) || isBinaryOp(tok.image) ? 'keyword' : 'invalid';
  }
  if (is(tok, T.NumberLiteral)) return 'number';
  if (is(tok, T.BadNumber)) return 'invalid';
  if (is(tok, T.StringLiteral, T.TemplateFull, T.TemplateHead, T.TemplateMiddle, T.TemplateTail)) return 'string';
  if (is(tok, T.UnterminatedString, T.UnterminatedTemplate, T.UnterminatedTemplateTail)) return 'string.invalid';
  if (is(tok, T.RegexLiteral)) return 'regexp';
  if (is(tok, T.LParen, T.RParen, T.LBracket, T.RBracket, T.LCurly, T.RCurly)) return 'delimiter.bracket';
  if (is(tok, T.Dot, T.OptionalChain, T.Comma)) return 'delimiter';
  if (is(tok, T.AssignOp, T.UpdateOp, T.Arrow, T.Semicolon, T.Ellipsis)) return 'invalid';
  return 'operator';
}

/** One classified piece of a rule text (offsets into that text), comments and lexing errors included. */
export interface Mark extends Span {
  readonly kind: TokenClass;
}

/** The classified tokens of one rule text, in order and without overlaps. */
export function ruleMarks(rule: string): Mark[] {
  const result = ruleLexer.tokenize(rule);
  const toks = result.tokens;
  const marks: Mark[] = toks.map((tok, i) => ({ start: tok.startOffset, end: tok.startOffset + tok.image.length, kind: classifyToken(tok, toks[i - 1], toks[i + 1]) }));
  for (const c of (result.groups.comments as IToken[] | undefined) ?? []) marks.push({ start: c.startOffset, end: c.startOffset + c.image.length, kind: 'comment' });
  for (const e of result.errors) marks.push({ start: e.offset, end: e.offset + e.length, kind: 'invalid' });
  marks.sort((a, b) => a.start - b.start);
  let pos = 0;
  return marks.filter((m) => {
    if (m.start < pos) return false;
    pos = m.end;
    return true;
  });
}

/**
 * Every rule string's marks as file offsets, in file order. A mark whose characters are not
 * written as themselves in the file (a YAML escape, a folded line break) is left out: the editor
 * colours only what it can place exactly.
 */
export function fileMarks(text: string): Mark[] {
  const { ast } = parseRuleFile(text, 'permissions.yml');
  if (!ast) return [];
  const out: Mark[] = [];
  for (const section of ast.sections) {
    for (const p of section.patterns) {
      for (const rule of p.rules) {
        if (rule.text === undefined) continue;
        for (const m of ruleMarks(rule.text)) {
          const at = rule.toFileSpan(m);
          if (text.slice(at.start, at.end) === rule.text.slice(m.start, m.end)) out.push({ ...at, kind: m.kind });
        }
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
