/** A compiled rules file, ready to decide requests: what `compile()` hands to callers. */
import { compileProgram, type CompileOptions, type RuleProgram } from '../compiler/index.js';
import type { Diagnostic } from '../grammar/index.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision } from './check.js';
import { instantiateSource, type RuntimeRule } from './instantiate.js';

export interface RulesModule {
  readonly file: string;
  /** ES module text, as `valve compile` writes it. */
  readonly source: string;
  /** The checked rules (typed AST), for the interpreter and explain traces. */
  readonly program: RuleProgram;
  readonly rules: readonly RuntimeRule[];
  /** Decides a request; synchronous unless a record must be loaded. */
  check(request: CheckRequest, options?: CheckOptions): Decision | Promise<Decision>;
}

export function createRulesModule(program: RuleProgram, factorySource: string, moduleSource: string): RulesModule {
  const rules = instantiateSource(factorySource);
  const set = new RuleSet(program.file, rules);
  return {
    file: program.file,
    source: moduleSource,
    program,
    rules,
    check: (request, options) => set.check(request, options),
  };
}

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
