import { Lexer } from 'chevrotain';
import { LEXER_DEFINITION } from './tokens.js';

/** One shared lexer; offsets only (line:column comes from the YAML position map). */
export const ruleLexer = new Lexer(LEXER_DEFINITION, { positionTracking: 'full', ensureOptimizations: false });
