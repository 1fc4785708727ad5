import { type ILexerConfig, Lexer } from 'chevrotain';
import { LEXER_DEFINITION } from './tokens.js';

/**
 * Validating the token definitions costs ~50 ms of every CLI start; the definitions are fixed, so
 * test/grammar/lexer.test.ts validates them once (same config, validations on) instead.
 */
export const RULE_LEXER_CONFIG: ILexerConfig = { positionTracking: 'full', ensureOptimizations: false, skipValidations: true };

/** One shared lexer; offsets only (line:column comes from the YAML position map). */
export const ruleLexer = new Lexer(LEXER_DEFINITION, RULE_LEXER_CONFIG);
