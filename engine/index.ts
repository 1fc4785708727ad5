/**
 * The engine: a compiled rules module and a request in, a Decision out. What other folders use;
 * `stdlib` is the set of operations compiled rules perform, which the reference interpreter
 * (tooling/interpret.ts) performs too.
 */
export * from './check.js';
export * from './create.js';
export * from './rules-module.js';
export * from './instantiate.js';
export * from './limits.js';
export * as stdlib from './stdlib.js';
