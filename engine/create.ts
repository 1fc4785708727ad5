/**
 * createEngine: compiled rules plus a record loader, deciding requests. Browser-safe: rules
 * come as a compiled module, a factory module, or text; reading paths is adapters/node/load.ts.
 */
import { type Diagnostic, hasErrors, MESSAGES, type Environment, errorText, plural } from '../grammar/index.js';
import { RuleSet, type CheckRequest, type Decision, type LoadRecord } from './check.js';
import { resolveLimits, type RuntimeLimits } from './limits.js';
import { instantiate, type RuleFactory, type RuntimeRule } from './instantiate.js';
import { compile, type RulesModule } from './rules-module.js';
import { checkEngineOptions, checkRulesInput } from './options.js';

/** Thrown when rules can not be used; carries every diagnostic. */
export class RulesError extends Error {
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    file: string,
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`${file}: ${plural(errors.length, 'error')} in the permission rules; first: ${errors[0] ? `${errors[0].start.line}:${errors[0].start.column} ${errors[0].code} ${errors[0].message}` : 'none'}`);
    this.name = 'RulesError';
  }
}

/** An imported `valve compile` output: `{ default: factory, file }`. */
export interface CompiledModuleExports {
  readonly default: RuleFactory;
  readonly file?: string;
}

/**
 * Rules: their text (YAML or JSON), text with a file name for diagnostics, or compiled; a
 * RuleSet is used as it is (built ahead, e.g. a few rules per event-loop turn with RuleSetBuilder).
 */
export type RulesInput = string | RulesModule | CompiledModuleExports | RuleSet | { readonly text: string; readonly file?: string };

export interface EngineOptions {
  readonly rules: RulesInput;
  readonly loadRecord?: LoadRecord;
  readonly maxRuleIterations?: number;
  readonly loadTimeoutMs?: number;
  /** Run-time limits (engine/limits.ts); each one left out keeps its default. Invalid values throw here. */
  readonly limits?: Partial<RuntimeLimits>;
  /**
   * Substitute `${NAME}` in the path patterns of rules given as text (deepstream's config loader
   * does it for the whole file; rule expressions are never rewritten). Pass `process.env` for
   * upstream's `substituteEnv`. An unset name is an error (VLV0117).
   */
  readonly env?: Environment;
}

export interface Engine {
  /**
   * Decides a request: synchronously unless a record must be loaded. Never throws. `loadRecord`
   * overrides the engine's loader for this one check (a server can tie loads to the request).
   */
  check(request: CheckRequest, overrides?: { readonly loadRecord?: LoadRecord }): Decision | Promise<Decision>;
  /** Swaps in new rules atomically (checks under way finish with the rules they started with). */
  replace(rules: RulesInput): void;
  readonly file: string;
}

/** Rules input → a RuleSet; throws RulesError when the rules have errors. */
export function toRuleSet(input: RulesInput, env?: Environment): RuleSet {
  if (input instanceof RuleSet) return input;
  if (typeof input === 'string') input = { text: input };
  if ('check' in input && 'rules' in input) return new RuleSet(input.file, input.rules);
  if ('default' in input) return new RuleSet(input.file ?? 'rules', instantiate(input.default) as RuntimeRule[]);
  const file = input.file ?? 'permissions.yml';
  const { diagnostics, module } = compile(input.text, env ? { file, env } : { file });
  if (!module || hasErrors(diagnostics)) throw new RulesError(diagnostics, file);
  return new RuleSet(module.file, module.rules);
}

/** Throws a TypeError naming the option for invalid options, RulesError for rules with errors. */
export function createEngine(options: EngineOptions): Engine {
  checkEngineOptions(options);
  const env = options.env;
  let current = toRuleSet(options.rules, env);
  const limits = resolveLimits(options.limits);
  const checkOptions = { loadRecord: options.loadRecord, maxRuleIterations: options.maxRuleIterations, loadTimeoutMs: options.loadTimeoutMs, limits };
  return {
    check: (request, overrides) => {
      try {
        // A literal, not `{ ...checkOptions, loadRecord }`: V8 (Node 20) builds spreads slowly (bench/).
        const options = overrides?.loadRecord ? { loadRecord: overrides.loadRecord, maxRuleIterations: checkOptions.maxRuleIterations, loadTimeoutMs: checkOptions.loadTimeoutMs, limits } : checkOptions;
        return current.check(request, options);
      } catch (e) {
        // INVARIANT: RuleSet.check does not throw; this guard keeps a bug from reaching a server.
        return {
          allowed: false,
          section: request.type,
          action: request.action,
          name: request.name,
          rounds: 0,
          reason: { code: 'VLV0915', message: MESSAGES.VLV0915.message({ detail: errorText(e) }) },
          error: `internal error: ${errorText(e)}`,
        };
      }
    },
    replace: (rules) => {
      checkRulesInput(rules, 'engine.replace');
      current = toRuleSet(rules, env);
    },
    get file() {
      return current.file;
    },
  };
}
