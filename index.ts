/** Public API of the Valve toolchain (package root). */
import { compileProgram, type CompileOptions } from './compiler/index.js';
import type { Diagnostic } from './grammar/diagnostic.js';
import { createRulesModule, type RulesModule } from './runtime/rules-module.js';

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the file has no errors (warnings allowed). */
  readonly module?: RulesModule;
}

/** Parse, check and compile a permissions file (YAML or JSON text). Pure: no I/O. */
export function compile(source: string, options: CompileOptions & { readonly schema?: unknown } = {}): CompileResult {
  const result = compileProgram(source, options);
  if (!result.program || result.factorySource === undefined || result.moduleSource === undefined) return { diagnostics: result.diagnostics };
  return { diagnostics: result.diagnostics, module: createRulesModule(result.program, result.factorySource, result.moduleSource) };
}

export { compileProgram } from './compiler/index.js';
export type { CompileOptions, ProgramResult, CheckedRule, RuleLocation, RuleProgram } from './compiler/index.js';
export type { Diagnostic, Severity } from './grammar/diagnostic.js';
export { MESSAGES, CODES, type Code } from './grammar/messages.js';
export type { Expr } from './grammar/ast.js';
export { parseRuleFile } from './grammar/file.js';
export { parseExpression } from './grammar/expression.js';
export { print } from './grammar/print.js';
export { RuleSet, type CheckRequest, type CheckOptions, type Decision, type RequestUser } from './runtime/evaluate.js';
export type { RulesModule } from './runtime/rules-module.js';
export { interpret } from './runtime/interpret.js';
