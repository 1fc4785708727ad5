/** The analysis stage: a solver model of checked rules, and what it answers (`valve diff`). */
export { diffRules, type Change, type DecidingRule, type DiffOptions, type DiffReport, type Direction, type RulesSource, type Unknown } from './diff.js';
export type { Example } from './model/request.js';
export { loadSolver, releaseSolver } from './z3.js';
export { analyzeRules, DEFAULT_BUDGET_MS, DEFAULT_TIMEOUT_MS, type Allows, type AnalyzeOptions, type AnalyzeReport, type AnalyzeResult, type Exposure } from './analyze.js';
