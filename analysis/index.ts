/** The analysis stage: a solver model of checked rules, and what it answers (`valve diff`). */
export { diffRules, type Change, type DecidingRule, type DiffOptions, type DiffReport, type Direction, type RulesSource, type Unknown } from './diff.js';
export type { Example } from './model/request.js';
export { loadSolver, releaseSolver } from './z3.js';
