import { Lexer } from 'chevrotain';
import { describe, expect, it, vi } from 'vitest';
import { RULE_LEXER_CONFIG, ruleLexer } from '../../grammar/lexer.js';
import { LEXER_DEFINITION } from '../../grammar/tokens.js';

describe('rule lexer', () => {
  // The shared lexer skips chevrotain's definition checks at start-up; they run here instead.
  it('has token definitions that pass chevrotain validation, with no warnings', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const validated = new Lexer(LEXER_DEFINITION, { ...RULE_LEXER_CONFIG, skipValidations: false });
      expect(validated.lexerDefinitionErrors).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('lexes `?.` as optional chaining except before a decimal digit, as JavaScript does', () => {
    const names = (text: string): string[] => ruleLexer.tokenize(text).tokens.map((t) => t.tokenType.name);
    expect(names('a?.b')).toEqual(['Identifier', 'OptionalChain', 'Identifier']);
    expect(names('a?.[0]')).toEqual(['Identifier', 'OptionalChain', 'LBracket', 'NumberLiteral', 'RBracket']);
    expect(names('a?.5:1')).toEqual(['Identifier', 'Question', 'NumberLiteral', 'Colon', 'NumberLiteral']);
    expect(names('a ?.5 : 1')).toEqual(['Identifier', 'Question', 'NumberLiteral', 'Colon', 'NumberLiteral']);
  });
});
