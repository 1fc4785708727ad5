/**
 * The rule grammar as a Chevrotain CstParser with error recovery. It accepts more than the
 * rule language (assignments, `new`, arrows, methods, spread, …) so that
 * cst-to-ast can name a forbidden construct precisely instead of reporting a bare syntax
 * error. No semantic actions here: meaning lives in cst-to-ast.ts.
 */
import { CstParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

const show = (t: IToken): string => (t.tokenType === EOF ? 'the end of the rule' : `\`${t.image}\``);
const label = (t: TokenType): string => (t === EOF ? 'the end of the rule' : (t.LABEL ?? `\`${t.name}\``));

const RULE_DESCRIPTIONS: Record<string, string> = {
  primary: 'a value (a name, number, string, `(`, `[` …)',
  unary: 'an expression',
  suffix: '`.name`, `[…]` or `(…)`',
  optionalSuffix: 'a property name or `[…]` after `?.`',
  template: 'a template string',
  property: 'a property (`name: value`)',
  propertyKey: 'a property name',
};

/** Messages in a rule author's words; cst-to-ast turns them into VLV0201 diagnostics. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${label(expected)} but found ${show(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `unexpected ${show(firstRedundant)}: the expression already ended before it`,
  buildNoViableAltMessage: ({ actual, ruleName }) => {
    const found = actual[0];
    const what = RULE_DESCRIPTIONS[ruleName] ?? 'an expression';
    return found && found.tokenType === EOF ? `the rule ends too early: expected ${what}` : `expected ${what} but found ${found ? show(found) : 'nothing'}`;
  },
  buildEarlyExitMessage: ({ actual, ruleName }) => `expected ${RULE_DESCRIPTIONS[ruleName] ?? 'an expression'} but found ${actual[0] ? show(actual[0]) : 'nothing'}`,
};

export class RuleParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'onlyOffset', errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  /** Top level: several expressions joined by `,` or `;` parse, so we can reject them clearly. */
  readonly sequence = this.RULE('sequence', () => {
    this.SUBRULE(this.assignment);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.Semicolon) }]);
      this.OPTION(() => this.SUBRULE2(this.assignment));
    });
  });

  readonly assignment = this.RULE('assignment', () => {
    this.SUBRULE(this.conditional);
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(T.AssignOp) }, { ALT: () => this.CONSUME(T.Arrow) }]);
      this.SUBRULE2(this.assignment);
    });
  });

  readonly conditional = this.RULE('conditional', () => {
    this.SUBRULE(this.logicalOr);
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.assignment);
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.assignment);
    });
  });

  readonly logicalOr = this.RULE('logicalOr', () => {
    this.SUBRULE(this.logicalAnd);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Or) }, { ALT: () => this.CONSUME(T.Nullish) }]);
      this.SUBRULE2(this.logicalAnd);
    });
  });

  readonly logicalAnd = this.RULE('logicalAnd', () => {
    this.SUBRULE(this.bitOr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.bitOr);
    });
  });

  // JavaScript's precedence: `|` below `^` below `&` below equality.
  readonly bitOr = this.RULE('bitOr', () => {
    this.SUBRULE(this.bitXor);
    this.MANY(() => {
      this.CONSUME(T.BitOr);
      this.SUBRULE2(this.bitXor);
    });
  });

  readonly bitXor = this.RULE('bitXor', () => {
    this.SUBRULE(this.bitAnd);
    this.MANY(() => {
      this.CONSUME(T.BitXor);
      this.SUBRULE2(this.bitAnd);
    });
  });

  readonly bitAnd = this.RULE('bitAnd', () => {
    this.SUBRULE(this.equality);
    this.MANY(() => {
      this.CONSUME(T.BitAnd);
      this.SUBRULE2(this.equality);
    });
  });

  readonly equality = this.RULE('equality', () => {
    this.SUBRULE(this.relational);
    this.MANY(() => {
      this.CONSUME(T.EqualityOp);
      this.SUBRULE2(this.relational);
    });
  });

  readonly relational = this.RULE('relational', () => {
    this.SUBRULE(this.shift);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.RelationalOp) }, { ALT: () => this.CONSUME(T.In) }, { ALT: () => this.CONSUME(T.Instanceof) }]);
      this.SUBRULE2(this.shift);
    });
  });

  readonly shift = this.RULE('shift', () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.ShiftOp);
      this.SUBRULE2(this.additive);
    });
  });

  readonly additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp);
      this.SUBRULE2(this.multiplicative);
    });
  });

  readonly multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.power);
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp);
      this.SUBRULE2(this.power);
    });
  });

  readonly power = this.RULE('power', () => {
    this.SUBRULE(this.unary);
    this.OPTION(() => {
      this.CONSUME(T.Power);
      this.SUBRULE(this.power);
    });
  });

  readonly unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Bang) },
            { ALT: () => this.CONSUME(T.Minus) },
            { ALT: () => this.CONSUME(T.Plus) },
            { ALT: () => this.CONSUME(T.Typeof) },
            { ALT: () => this.CONSUME(T.BitNot) },
            { ALT: () => this.CONSUME(T.Delete) },
            { ALT: () => this.CONSUME(T.Void) },
            { ALT: () => this.CONSUME(T.New) },
            { ALT: () => this.CONSUME(T.UpdateOp) },
            { ALT: () => this.CONSUME(T.Ellipsis) },
          ]);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  readonly postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.suffix));
    this.OPTION(() => this.CONSUME(T.UpdateOp));
  });

  readonly suffix = this.RULE('suffix', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.IdentifierName);
        },
      },
      { ALT: () => this.SUBRULE(this.optionalSuffix) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.sequence);
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.args) },
      { ALT: () => this.SUBRULE(this.template) },
    ]);
  });

  /** `?.name`, `?.[…]`, and `?.(…)` (parsed only so cst-to-ast can refuse the optional call by name). */
  readonly optionalSuffix = this.RULE('optionalSuffix', () => {
    this.CONSUME(T.OptionalChain);
    this.OR([
      { ALT: () => this.CONSUME(T.IdentifierName) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.sequence);
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.args) },
    ]);
  });

  readonly args = this.RULE('args', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.assignment) });
    this.CONSUME(T.RParen);
  });

  readonly primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.BadNumber) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.UnterminatedString) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.CONSUME(T.Undefined) },
      { ALT: () => this.CONSUME(T.This) },
      { ALT: () => this.CONSUME(T.RegexLiteral) },
      { ALT: () => this.CONSUME(T.UnterminatedRegex) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.StatementKeyword) },
      { ALT: () => this.SUBRULE(this.template) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.arrayLiteral) },
      { ALT: () => this.SUBRULE(this.objectLiteral) },
      { ALT: () => this.SUBRULE(this.functionLiteral) },
    ]);
  });

  readonly template = this.RULE('template', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.TemplateFull) },
      { ALT: () => this.CONSUME(T.UnterminatedTemplate) },
      {
        ALT: () => {
          this.CONSUME(T.TemplateHead);
          this.SUBRULE(this.sequence);
          this.MANY(() => {
            this.CONSUME(T.TemplateMiddle);
            this.SUBRULE2(this.sequence);
          });
          this.OR2([{ ALT: () => this.CONSUME(T.TemplateTail) }, { ALT: () => this.CONSUME(T.UnterminatedTemplateTail) }]);
        },
      },
    ]);
  });

  /** `()` is allowed here only so `() => x` reaches the "no functions" message. */
  readonly parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.sequence));
    this.CONSUME(T.RParen);
  });

  /** Elements and commas in any order: holes (`[1,,2]`) and a trailing comma are JavaScript. */
  readonly arrayLiteral = this.RULE('arrayLiteral', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.SUBRULE(this.assignment) }]));
    this.CONSUME(T.RBracket);
  });

  /** Properties and commas in any order, as for arrays: cst-to-ast says where a comma is missing or extra. */
  readonly objectLiteral = this.RULE('objectLiteral', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.SUBRULE(this.property) }]));
    this.CONSUME(T.RCurly);
  });

  /**
   * `key: value`, shorthand `name`, `...spread`; methods `f() {…}` and accessors `get x() {…}`
   * are parsed only so cst-to-ast can refuse them as functions.
   */
  readonly property = this.RULE('property', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Ellipsis);
          this.SUBRULE(this.assignment);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.propertyKey);
          this.OPTION(() =>
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.Colon);
                  this.SUBRULE2(this.assignment);
                },
              },
              {
                ALT: () => {
                  this.SUBRULE(this.parenthesized);
                  this.SUBRULE(this.functionBody);
                },
              },
              {
                ALT: () => {
                  this.SUBRULE2(this.propertyKey);
                  this.SUBRULE2(this.parenthesized);
                  this.SUBRULE2(this.functionBody);
                },
              },
            ]),
          );
        },
      },
    ]);
  });

  readonly propertyKey = this.RULE('propertyKey', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.IdentifierName) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.assignment);
          this.CONSUME(T.RBracket);
        },
      },
    ]);
  });

  /** Function bodies: parsed loosely, only to be reported. */
  readonly functionBody = this.RULE('functionBody', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.assignment) },
        { ALT: () => this.CONSUME(T.Colon) },
        { ALT: () => this.CONSUME(T.Comma) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  readonly functionLiteral = this.RULE('functionLiteral', () => {
    this.CONSUME(T.Function);
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.SUBRULE(this.parenthesized);
    this.SUBRULE(this.functionBody);
  });
}

let shared: RuleParser | undefined;

/**
 * One shared instance, built on first use: Chevrotain parsers are reusable and costly to build
 * (self-analysis of the grammar), and a file whose rules all take grammar/fast-parse.ts's path
 * never needs it.
 */
export function ruleParser(): RuleParser {
  shared ??= new RuleParser();
  return shared;
}
