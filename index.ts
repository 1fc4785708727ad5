/** Public API of the Valve toolchain (package root). */
export { compile, type CompileResult, type RulesModule } from './engine/index.js';
export { compileProgram } from './compiler/index.js';
export type { CompileOptions, ProgramResult, CheckedRule, RuleLocation, RuleProgram } from './compiler/index.js';
export type { Diagnostic, Severity } from './grammar/index.js';
export { MESSAGES, CODES, type Code } from './grammar/index.js';
export type { Expr } from './grammar/index.js';
export { parseRuleFile } from './grammar/index.js';
export { parseExpression } from './grammar/index.js';
export { print } from './grammar/index.js';
export { RuleSet, type CheckRequest, type CheckOptions, type Decision, type RequestUser } from './engine/index.js';
export { interpret, interpretedRules, type TraceEntry } from './tooling/index.js';
export { explain, showValue, type Explanation, type ExplainStep } from './tooling/index.js';
export { createEngine, RulesError, toRuleSet, type Engine, type EngineOptions, type RulesInput, type CompiledModuleExports } from './engine/index.js';
export { createEngineFromFile, loadRules } from './adapters/node/index.js';
export { LIMITS, resolveLimits, type RuntimeLimits } from './engine/index.js';
export { COMPILE_LIMITS, type CompileLimits } from './compiler/index.js';
