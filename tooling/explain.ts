/**
 * Why a request was allowed or denied: the decision, the deciding rule, its `$variables`, and
 * the value of every sub-expression the reference interpreter evaluated (short-circuited ones
 * marked). Shared by `valve eval --explain` and the playground.
 */
import { isHole, walk, type Expr, LineIndex } from '../grammar/index.js';
import type { CheckedRule, RuleProgram } from '../compiler/index.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision, stdlib } from '../engine/index.js';
import { interpretedRules, type TraceEntry } from './interpret.js';

export interface ExplainStep {
  /** The sub-expression as written in the file. */
  readonly text: string;
  readonly start: { readonly line: number; readonly column: number; readonly offset: number };
  readonly end: { readonly line: number; readonly column: number; readonly offset: number };
  readonly status: 'value' | 'error' | 'skipped';
  /** JSON text of the value (regular expressions as `/…/`); absent unless status is 'value'. */
  readonly value?: string;
  /** The whole JSON text when `value` was cut short (the playground shows it on request). */
  readonly fullValue?: string;
  readonly error?: string;
  /** Nesting depth in the expression (0 for the whole rule), for indentation. */
  readonly depth: number;
}

export interface Explanation {
  readonly decision: Decision;
  /** The deciding rule's text; absent for `true`/`false` rules and when nothing matched. */
  readonly ruleText?: string;
  readonly steps: readonly ExplainStep[];
}

/** A value as short readable JSON. */
export function showValue(v: unknown, limit = 200): string {
  if (v === undefined) return 'undefined';
  if (v instanceof stdlib.RegexValue) return v.text;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > limit ? `${s.slice(0, limit - 3)}…` : s;
  } catch {
    return stdlib.describe(v);
  }
}

/** The rule that decided: the one at the decision's section, action and pattern; undefined when no pattern matched. */
export function decidingRule(program: RuleProgram, d: Pick<Decision, 'section' | 'action' | 'pattern'>): CheckedRule | undefined {
  return d.pattern === undefined ? undefined : program.rules.find((r) => r.section === d.section && r.action === d.action && r.pattern === d.pattern);
}

export async function explain(program: RuleProgram, source: string, request: CheckRequest, options: CheckOptions = {}): Promise<Explanation> {
  let lastTrace: TraceEntry[] = [];
  const traced = interpretedRules(program.rules, (t) => (lastTrace = t));
  const decision = await new RuleSet(program.file, traced).check(request, options);
  const rule = decidingRule(program, decision);
  if (!rule || rule.body.kind !== 'expression') return { decision, steps: [] };
  return { decision, ruleText: rule.body.text, steps: steps(rule, rule.body.expr, lastTrace, new LineIndex(source), source) };
}

/** One sub-expression explain() shows: where it is and how deep, among the shown steps. */
export interface StepSite {
  readonly node: Expr;
  /** The node's parent in the AST (shown or not). */
  readonly astParent: Expr | undefined;
  /** Index of the nearest shown ancestor in the list, -1 for the whole rule. */
  readonly parent: number;
  readonly text: string;
  readonly start: { readonly line: number; readonly column: number; readonly offset: number };
  readonly end: { readonly line: number; readonly column: number; readonly offset: number };
  readonly depth: number;
}

/**
 * The sub-expressions worth a step, in source order. Property names after `.`, the called method
 * (`x.trim` in `x.trim()`), the `_` of `_()` and the outermost link of a chain (`a?.b`) are shown
 * through their member, call, receiver and chain.
 * Depth counts shown steps only, so indentation grows by one per level a reader sees.
 */
export function stepSites(rule: CheckedRule, expr: Expr, source: string, lines: LineIndex): StepSite[] {
  const out: StepSite[] = [];
  const indexOf = new Map<Expr, number>();
  const shownAbove = new Map<Expr, number>();
  walk(expr, (node, parent) => {
    const above = parent ? (indexOf.get(parent) ?? shownAbove.get(parent) ?? -1) : -1;
    const hidden =
      (parent?.kind === 'member' && !parent.computed && parent.property === node) ||
      (parent?.kind === 'call' && parent.callee === node && (node.kind === 'member' || node.kind === 'identifier')) ||
      // A chain and its outermost link are the same text: the chain's step says what it yielded
      // (`undefined` when short-circuited), and the links it skipped show as not evaluated.
      parent?.kind === 'chain' ||
      isHole(node); // an empty slot of `[1,,2]` is never evaluated
    if (hidden) {
      shownAbove.set(node, above);
      return;
    }
    const span = rule.toFileSpan(node.span);
    indexOf.set(node, out.length);
    out.push({
      node,
      astParent: parent,
      parent: above,
      text: source.slice(span.start, span.end),
      start: lines.position(span.start),
      end: lines.position(span.end),
      depth: above < 0 ? 0 : out[above].depth + 1,
    });
  });
  return out;
}

function steps(rule: CheckedRule, expr: Expr, trace: readonly TraceEntry[], lines: LineIndex, source: string): ExplainStep[] {
  const byNode = new Map<Expr, TraceEntry>();
  for (const t of trace) byNode.set(t.node, t);
  return stepSites(rule, expr, source, lines).map(({ node, text, start, end, depth }) => {
    const entry = byNode.get(node);
    const base = { text, start, end, depth };
    if (!entry) return { ...base, status: 'skipped' as const };
    if ('error' in entry) return { ...base, status: 'error' as const, error: entry.error };
    const value = showValue(entry.value);
    const whole = value.endsWith('…') ? showValue(entry.value, Infinity) : value;
    return { ...base, status: 'value' as const, value, ...(whole !== value ? { fullValue: whole } : {}) };
  });
}
