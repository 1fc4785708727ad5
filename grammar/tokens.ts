/**
 * Every token of the rule language, declared once. The lexer, the parser and the playground's
 * editor highlighting all read this file; there is no second tokenizer.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

// Categories (match no text themselves).
/** Anything that may follow `.`: identifiers and every keyword (`data.new` is a property). */
export const IdentifierName = createToken({ name: 'IdentifierName', pattern: Lexer.NA, label: 'a property name' });
export const AssignOp = createToken({ name: 'AssignOp', pattern: Lexer.NA, label: 'assignment' });
export const EqualityOp = createToken({ name: 'EqualityOp', pattern: Lexer.NA, label: 'a comparison' });
export const RelationalOp = createToken({ name: 'RelationalOp', pattern: Lexer.NA, label: 'a comparison' });
export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA, label: '`+` or `-`' });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA, label: '`*`, `/` or `%`' });
export const BitwiseOp = createToken({ name: 'BitwiseOp', pattern: Lexer.NA, label: 'a bitwise operator' });
export const ShiftOp = createToken({ name: 'ShiftOp', pattern: Lexer.NA, label: 'a shift operator' });
export const UpdateOp = createToken({ name: 'UpdateOp', pattern: Lexer.NA, label: '`++` or `--`' });

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\n\r\v\f\u00a0\ufeff\u2028\u2029]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });

// Letters beyond ASCII lex as part of a name (as JavaScript would), so a look-alike such as a
// Cyrillic `а` in `dаta` is reported as one unknown name; white-space code points are excluded.
const NAME_START = 'A-Za-z_$\\u00c0-\\u167f\\u1681-\\u1fff\\u2070-\\u2fff\\u3001-\\ufefe\\uff00-\\uffff';
export const Identifier = createToken({
  name: 'Identifier',
  pattern: new RegExp(`[${NAME_START}][${NAME_START}0-9]*`),
  categories: [IdentifierName],
  label: 'a name',
});

const keyword = (word: string): TokenType =>
  createToken({ name: `Kw_${word}`, pattern: new RegExp(`${word}(?![A-Za-z0-9_$])`), longer_alt: Identifier, categories: [IdentifierName], label: `\`${word}\`` });

export const True = keyword('true');
export const False = keyword('false');
export const Null = keyword('null');
export const Undefined = keyword('undefined');
export const Typeof = keyword('typeof');
export const In = keyword('in');
export const Instanceof = keyword('instanceof');
export const New = keyword('new');
export const This = keyword('this');
export const Delete = keyword('delete');
export const Void = keyword('void');
export const Function = keyword('function');
/** Statement keywords: never valid in an expression; lexed so the error can name them. */
export const StatementKeyword = createToken({
  name: 'StatementKeyword',
  pattern: /(?:var|let|const|return|if|else|for|while|do|switch|case|throw|try|catch|finally|class|import|export|yield|await|async|debugger|with|super)(?![A-Za-z0-9_$])/,
  longer_alt: Identifier,
  categories: [IdentifierName],
  label: 'a statement keyword',
});
export const KEYWORDS = [True, False, Null, Undefined, Typeof, Instanceof, In, New, This, Delete, Void, Function, StatementKeyword];

export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  // `_` separates digits as in JavaScript (1_000).
  pattern: /(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*|0[oO][0-7](?:_?[0-7])*|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)(?![A-Za-z0-9_$])/,
  label: 'a number',
});
export const BadNumber = createToken({ name: 'BadNumber', pattern: /\d[\w$.]*/, label: 'a number' });
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'|"(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"/,
  line_breaks: true,
  label: 'a string',
});
/** An unclosed string still lexes, so the parser keeps going and the message is precise. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'(?:[^'\\\n\r]|\\[\s\S])*|"(?:[^"\\\n\r]|\\[\s\S])*/,
  line_breaks: true,
  label: 'a string',
});

// Template strings switch lexer modes so `${ … }` holds ordinary tokens (nested templates too).
const templateChars = String.raw`(?:[^\x60\\$]|\\[\s\S]|\$(?!\{))*`;
export const TemplateFull = createToken({ name: 'TemplateFull', pattern: new RegExp(`\`${templateChars}\``), line_breaks: true, label: 'a template string' });
export const TemplateHead = createToken({ name: 'TemplateHead', pattern: new RegExp(`\`${templateChars}\\$\\{`), line_breaks: true, push_mode: 'template', label: 'a template string' });
export const TemplateMiddle = createToken({ name: 'TemplateMiddle', pattern: new RegExp(`\\}${templateChars}\\$\\{`), line_breaks: true, label: '`}` of a template' });
export const TemplateTail = createToken({ name: 'TemplateTail', pattern: new RegExp(`\\}${templateChars}\``), line_breaks: true, pop_mode: true, label: '`}` of a template' });
// Tried after the complete forms, so what they match runs to the end of the rule unclosed.
export const UnterminatedTemplate = createToken({ name: 'UnterminatedTemplate', pattern: new RegExp(`\`${templateChars}`), line_breaks: true, label: 'a template string' });
export const UnterminatedTemplateTail = createToken({ name: 'UnterminatedTemplateTail', pattern: new RegExp(`\\}${templateChars}`), line_breaks: true, pop_mode: true, label: 'a template string' });

/** Tokens after which `/` divides; anywhere else it starts a regular expression literal. */
const ENDS_OPERAND = new Set(['Identifier', 'NumberLiteral', 'StringLiteral', 'TemplateFull', 'TemplateTail', 'RParen', 'RBracket', 'RCurly', 'RCurlyClose', 'Kw_true', 'Kw_false', 'Kw_null', 'Kw_undefined', 'Kw_this']);
/** After `.name` (a keyword used as a property name, too) a `/` divides. */
const endsOperand = (matched: IToken[]): boolean => {
  const prev = matched[matched.length - 1];
  if (!prev) return false;
  if (ENDS_OPERAND.has(prev.tokenType.name)) return true;
  const before = matched[matched.length - 2];
  return before !== undefined && (before.tokenType.name === 'Dot' || before.tokenType.name === 'OptionalChain') && /^[A-Za-z_$]/.test(prev.image);
};
const REGEX_BODY = /\/(?![*/])(?:[^/\\[\n\r]|\\[^\n\r]|\[(?:[^\]\\\n\r]|\\[^\n\r])*\])+\/[A-Za-z]*/y;
export const RegexLiteral = createToken({
  name: 'RegexLiteral',
  pattern: (text: string, offset: number, matched: IToken[]) => {
    if (endsOperand(matched)) return null;
    REGEX_BODY.lastIndex = offset;
    return REGEX_BODY.exec(text);
  },
  line_breaks: false,
  start_chars_hint: ['/'],
  label: 'a regular expression',
});
/** A `/` where a value is expected with no closing `/` on its line: an unclosed regular expression. */
const UNCLOSED_REGEX = /\/(?![*/])[^\n\r]*/y;
export const UnterminatedRegex = createToken({
  name: 'UnterminatedRegex',
  pattern: (text: string, offset: number, matched: IToken[]) => {
    if (endsOperand(matched)) return null;
    UNCLOSED_REGEX.lastIndex = offset;
    return UNCLOSED_REGEX.exec(text);
  },
  line_breaks: false,
  start_chars_hint: ['/'],
  label: 'a regular expression',
});

const punct = (name: string, pattern: string, label: string, categories: TokenType[] = []): TokenType =>
  createToken({ name, pattern: new RegExp(pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), label: `\`${label}\``, categories });

export const Arrow = punct('Arrow', '=>', '=>');
export const StrictEq = punct('StrictEq', '===', '===', [EqualityOp]);
export const StrictNotEq = punct('StrictNotEq', '!==', '!==', [EqualityOp]);
export const LooseEq = punct('LooseEq', '==', '==', [EqualityOp]);
export const LooseNotEq = punct('LooseNotEq', '!=', '!=', [EqualityOp]);
export const Ellipsis = punct('Ellipsis', '...', '...');
/** `?.` followed by a decimal digit is `?` and a number, as in JavaScript: `a?.5:1` is a conditional. */
export const OptionalChain = createToken({ name: 'OptionalChain', pattern: /\?\.(?![0-9])/, label: '`?.`' });
export const NullishAssign = punct('NullishAssign', '??=', '??=', [AssignOp]);
export const Nullish = punct('Nullish', '??', '??');
export const AndAssign = punct('AndAssign', '&&=', '&&=', [AssignOp]);
export const OrAssign = punct('OrAssign', '||=', '||=', [AssignOp]);
export const And = punct('And', '&&', '&&');
export const Or = punct('Or', '||', '||');
export const Increment = punct('Increment', '++', '++', [UpdateOp]);
export const Decrement = punct('Decrement', '--', '--', [UpdateOp]);
export const PowerAssign = punct('PowerAssign', '**=', '**=', [AssignOp]);
export const Power = punct('Power', '**', '**');
export const ShiftAssign = createToken({ name: 'ShiftAssign', pattern: /<<=|>>>=|>>=/, categories: [AssignOp], label: 'a shift assignment' });
export const Shift = createToken({ name: 'Shift', pattern: /<<|>>>|>>/, categories: [ShiftOp], label: 'a shift operator' });
export const LessEq = punct('LessEq', '<=', '<=', [RelationalOp]);
export const GreaterEq = punct('GreaterEq', '>=', '>=', [RelationalOp]);
export const Less = punct('Less', '<', '<', [RelationalOp]);
export const Greater = punct('Greater', '>', '>', [RelationalOp]);
export const CompoundAssign = createToken({ name: 'CompoundAssign', pattern: /[-+*/%&|^]=/, categories: [AssignOp], label: 'a compound assignment' });
export const Assign = punct('Assign', '=', '=', [AssignOp]);
export const Plus = punct('Plus', '+', '+', [AdditiveOp]);
export const Minus = punct('Minus', '-', '-', [AdditiveOp]);
export const Star = punct('Star', '*', '*', [MultiplicativeOp]);
export const Slash = punct('Slash', '/', '/', [MultiplicativeOp]);
export const Percent = punct('Percent', '%', '%', [MultiplicativeOp]);
export const BitAnd = punct('BitAnd', '&', '&', [BitwiseOp]);
export const BitOr = punct('BitOr', '|', '|', [BitwiseOp]);
export const BitXor = punct('BitXor', '^', '^', [BitwiseOp]);
export const BitNot = punct('BitNot', '~', '~');
export const Bang = punct('Bang', '!', '!');
export const Question = punct('Question', '?', '?');
export const Colon = punct('Colon', ':', ':');
export const Dot = punct('Dot', '.', '.');
export const Comma = punct('Comma', ',', ',');
export const Semicolon = punct('Semicolon', ';', ';');
export const LParen = punct('LParen', '(', '(');
export const RParen = punct('RParen', ')', ')');
export const LBracket = punct('LBracket', '[', '[');
export const RBracket = punct('RBracket', ']', ']');
/** `{` opens a braced mode, so a `}` inside `${ … }` closes the object there instead of the substitution. */
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: '`{`', push_mode: 'braced' });
/** A `}` with no `{` open (the parser reports it). */
export const RCurly = punct('RCurly', '}', '}');
/** The `}` of an open `{`: an RCurly to the parser, and it ends the braced mode. */
export const RCurlyClose = createToken({ name: 'RCurlyClose', pattern: /\}/, label: '`}`', pop_mode: true, categories: [RCurly] });

/** Order matters: longer operators first, keywords before Identifier. */
const expressionTokens: TokenType[] = [
  WhiteSpace,
  BlockComment,
  LineComment,
  RegexLiteral,
  UnterminatedRegex,
  TemplateFull,
  TemplateHead,
  UnterminatedTemplate,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  BadNumber,
  ...KEYWORDS,
  Identifier,
  Arrow,
  StrictEq,
  StrictNotEq,
  LooseEq,
  LooseNotEq,
  Ellipsis,
  OptionalChain,
  NullishAssign,
  Nullish,
  AndAssign,
  OrAssign,
  And,
  Or,
  Increment,
  Decrement,
  PowerAssign,
  Power,
  ShiftAssign,
  Shift,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  CompoundAssign,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  BitAnd,
  BitOr,
  BitXor,
  BitNot,
  Bang,
  Question,
  Colon,
  Dot,
  Comma,
  Semicolon,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
];

export const LEXER_DEFINITION = {
  defaultMode: 'expression',
  modes: {
    expression: [...expressionTokens, RCurly],
    // Inside `${ … }` a `}` continues the template instead of closing a block.
    template: [TemplateMiddle, TemplateTail, UnterminatedTemplateTail, ...expressionTokens],
    braced: [...expressionTokens, RCurlyClose],
  },
};

/** Every token type (categories included) for the parser's vocabulary. */
export const ALL_TOKENS: TokenType[] = [
  IdentifierName,
  AssignOp,
  EqualityOp,
  RelationalOp,
  AdditiveOp,
  MultiplicativeOp,
  BitwiseOp,
  ShiftOp,
  UpdateOp,
  ...expressionTokens,
  RCurly,
  RCurlyClose,
  TemplateMiddle,
  TemplateTail,
  UnterminatedTemplateTail,
];
