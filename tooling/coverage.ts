/**
 * Rule coverage, as Firebase's rules coverage reports it: which rules (section + pattern + action)
 * the tests exercised, whether each was seen both allowing and denying, and per sub-expression
 * whether it was evaluated and which values it took. Built only from decisions and explain()
 * traces, so there is no second interpreter. Browser-safe.
 */
import { type Expr, LineIndex, type Position } from '../grammar/index.js';
import type { CheckedRule, RuleProgram } from '../compiler/index.js';
import type { Decision } from '../engine/index.js';
import { stepSites, type Explanation, type ExplainStep } from './explain.js';

/** At most this many distinct values are kept per sub-expression. */
export const MAX_VALUES = 8;

export type ExpressionGap = 'never evaluated' | 'only true' | 'only false' | 'only errors';

export interface ExpressionCoverage {
  /** The sub-expression as written in the file. */
  readonly text: string;
  readonly start: Position;
  readonly end: Position;
  /** Nesting depth (0: the whole rule). */
  readonly depth: number;
  /** In a boolean position (an operand of `&&`/`||`/`!`, a `?:` test, the whole rule) or a comparison. */
  readonly condition: boolean;
  /** Tests in which it was evaluated (to a value or an error). */
  readonly evaluated: number;
  readonly errors: number;
  /** Distinct values seen (JSON text), the first MAX_VALUES of them. */
  readonly values: readonly string[];
  readonly moreValues: boolean;
  /** For conditions: a truthy / a falsy value was seen. */
  readonly sawTrue: boolean;
  readonly sawFalse: boolean;
  /**
   * Where a test is missing: a sub-expression never evaluated although the expression around it
   * was (only the outermost such one is marked), or a condition seen one way only.
   */
  readonly gap?: ExpressionGap;
}

export interface RuleCoverage {
  readonly section: string;
  readonly pattern: string;
  readonly action: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number };
  /** For `true` / `false` rules, their value (they can only go one way). */
  readonly constant?: boolean;
  /** Tests this rule decided. */
  readonly tests: number;
  readonly allow: number;
  readonly deny: number;
  /** Decisions denied because evaluation failed. */
  readonly errors: number;
  readonly exercised: boolean;
  /** Seen allowing and denying; for a constant rule: exercised (its only outcome). */
  readonly complete: boolean;
  readonly expressions: readonly ExpressionCoverage[];
}

export interface CoverageTotals {
  readonly rules: number;
  readonly exercised: number;
  /** Rules covered both ways (constant rules: exercised). */
  readonly complete: number;
  /** Expression rules, and of them those seen allowing and denying. */
  readonly expressionRules: number;
  readonly expressionRulesBothWays: number;
  readonly expressions: number;
  readonly evaluated: number;
  readonly conditions: number;
  readonly conditionsBothWays: number;
}

export interface CoverageReport {
  readonly file: string;
  readonly rules: readonly RuleCoverage[];
  readonly totals: CoverageTotals;
  /** complete / rules, in percent (100 when there are no rules). */
  readonly percent: number;
}

const COMPARISONS = new Set(['===', '!==', '==', '!=', '<', '<=', '>', '>=', 'in']);
const BOOLEAN_METHODS = new Set(['includes', 'startsWith', 'endsWith']);
const FALSY = new Set(['false', '0', '""', 'null', 'undefined', 'NaN']);

/** One sub-expression as explain() lists it (same walk, same order), with its enclosing one. */
interface Site {
  readonly node: Expr;
  readonly text: string;
  readonly start: Position;
  readonly end: Position;
  readonly depth: number;
  readonly parent: number;
  readonly condition: boolean;
}

/** The sub-expressions explain() reports steps for (the same list: stepSites). */
function sitesOf(rule: CheckedRule, expr: Expr, source: string, lines: LineIndex): Site[] {
  return stepSites(rule, expr, source, lines).map(({ node, astParent: parent, parent: up, text, start, end, depth }) => {
    const booleanPosition =
      !parent ||
      (parent.kind === 'logical' && parent.op !== '??') ||
      (parent.kind === 'unary' && parent.op === '!') ||
      (parent.kind === 'conditional' && parent.test === node);
    // `name?.startsWith('a')` is a condition as `name.startsWith('a')` is (or `undefined`).
    const value = node.kind === 'chain' ? node.expression : node;
    const comparison =
      (value.kind === 'binary' && COMPARISONS.has(value.op)) ||
      (value.kind === 'unary' && value.op === '!') ||
      (value.kind === 'call' && value.callee.kind === 'member' && value.callee.property.kind === 'literal' && BOOLEAN_METHODS.has(String(value.callee.property.value)));
    return { node, text, start, end, depth, parent: up, condition: booleanPosition || comparison };
  });
}

class SiteTally {
  evaluated = 0;
  errors = 0;
  readonly values: string[] = [];
  moreValues = false;
  sawTrue = false;
  sawFalse = false;
  allBoolean = true;

  add(step: ExplainStep): void {
    if (step.status === 'skipped') return;
    this.evaluated++;
    if (step.status === 'error') {
      this.errors++;
      return;
    }
    const v = step.value ?? 'undefined';
    if (!this.values.includes(v)) {
      if (this.values.length < MAX_VALUES) this.values.push(v);
      else this.moreValues = true;
    }
    if (v !== 'true' && v !== 'false') this.allBoolean = false;
    if (FALSY.has(v)) this.sawFalse = true;
    else this.sawTrue = true;
  }
}

const ruleKey = (section: string, pattern: string | undefined, action: string): string => `${section}\0${pattern ?? ''}\0${action}`;

class RuleTally {
  tests = 0;
  allow = 0;
  deny = 0;
  errors = 0;
  readonly sites: Site[];
  readonly tallies: SiteTally[];

  constructor(readonly rule: CheckedRule, source: string, lines: LineIndex) {
    this.sites = rule.body.kind === 'expression' ? sitesOf(rule, rule.body.expr, source, lines) : [];
    this.tallies = this.sites.map(() => new SiteTally());
  }

  private byPlace?: Map<string, number>;

  /** explain()'s steps matched to the sites by place (span and depth). */
  addSteps(steps: readonly ExplainStep[]): void {
    this.byPlace ??= new Map(this.sites.map((s, i) => [`${s.start.offset}:${s.end.offset}:${s.depth}`, i]));
    for (const s of steps) {
      const i = this.byPlace.get(`${s.start.offset}:${s.end.offset}:${s.depth}`);
      if (i !== undefined) this.tallies[i].add(s);
    }
  }
}

/** Collects decisions and explanations of one rules file's tests. */
export class CoverageCollector {
  private readonly rules: RuleTally[];
  private readonly byKey = new Map<string, RuleTally>();

  constructor(
    readonly program: RuleProgram,
    source: string,
  ) {
    const lines = new LineIndex(source);
    this.rules = program.rules.map((r) => new RuleTally(r, source, lines));
    for (const t of this.rules) this.byKey.set(ruleKey(t.rule.section, t.rule.pattern, t.rule.action), t);
  }

  /** One test: the decision, and explain()'s trace of it for sub-expression coverage. */
  add(decision: Decision, explanation?: Explanation): void {
    if (decision.pattern === undefined) return;
    const t = this.byKey.get(ruleKey(decision.section, decision.pattern, decision.action));
    if (!t) return;
    t.tests++;
    if (decision.allowed) t.allow++;
    else t.deny++;
    if (decision.error !== undefined) t.errors++;
    if (explanation) t.addSteps(explanation.steps);
  }

  report(): CoverageReport {
    const rules = this.rules.map((t): RuleCoverage => {
      const constant = t.rule.body.kind === 'constant' ? t.rule.body.value : undefined;
      const exercised = t.tests > 0;
      const expressions = t.sites.map((site, i): ExpressionCoverage => {
        const tally = t.tallies[i];
        // A literal is what it is; only computed values can be a condition seen one way.
        const condition = site.node.kind !== 'literal' && (site.condition || (tally.evaluated > tally.errors && tally.allBoolean));
        const parentEvaluated = site.parent < 0 ? exercised : t.tallies[site.parent].evaluated > t.tallies[site.parent].errors;
        let gap: ExpressionGap | undefined;
        if (tally.evaluated === 0) gap = parentEvaluated ? 'never evaluated' : undefined;
        else if (tally.errors === tally.evaluated) gap = condition ? 'only errors' : undefined;
        else if (condition && !(tally.sawTrue && tally.sawFalse)) gap = tally.sawTrue ? 'only true' : 'only false';
        return {
          text: site.text,
          start: site.start,
          end: site.end,
          depth: site.depth,
          condition,
          evaluated: tally.evaluated,
          errors: tally.errors,
          values: [...tally.values],
          moreValues: tally.moreValues,
          sawTrue: tally.sawTrue,
          sawFalse: tally.sawFalse,
          ...(gap ? { gap } : {}),
        };
      });
      return {
        section: t.rule.section,
        pattern: t.rule.pattern,
        action: t.rule.action,
        location: { file: t.rule.location.file, line: t.rule.location.line, column: t.rule.location.column },
        ...(constant !== undefined ? { constant } : {}),
        tests: t.tests,
        allow: t.allow,
        deny: t.deny,
        errors: t.errors,
        exercised,
        complete: constant !== undefined ? exercised : t.allow > 0 && t.deny > 0,
        expressions,
      };
    });
    const expressionRules = rules.filter((r) => r.constant === undefined);
    const all = rules.flatMap((r) => r.expressions);
    const conditions = all.filter((e) => e.condition);
    const totals: CoverageTotals = {
      rules: rules.length,
      exercised: rules.filter((r) => r.exercised).length,
      complete: rules.filter((r) => r.complete).length,
      expressionRules: expressionRules.length,
      expressionRulesBothWays: expressionRules.filter((r) => r.complete).length,
      expressions: all.length,
      evaluated: all.filter((e) => e.evaluated > 0).length,
      conditions: conditions.length,
      conditionsBothWays: conditions.filter((e) => e.sawTrue && e.sawFalse).length,
    };
    return { file: this.program.file, rules, totals, percent: totals.rules === 0 ? 100 : (100 * totals.complete) / totals.rules };
  }
}
