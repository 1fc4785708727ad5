/**
 * THE table of the rule language: its operators, the names a rule can read and the methods it
 * can call, each declared once with every fact the stages need (syntax, type rule, emitted form,
 * implementation, docs, availability). Every stage reads it instead of keeping its own list.
 */
export * from './operators.js';
export * from './roots.js';
export * from './methods.js';
export * from './context.js';
