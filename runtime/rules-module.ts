/** A compiled rules file, ready to decide requests: what `compile()` hands to callers. */
import type { RuleProgram } from '../compiler/program.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision } from './evaluate.js';
import { instantiateSource, type RuntimeRule } from './module.js';

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
