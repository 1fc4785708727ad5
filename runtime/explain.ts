/**
 * Why a request was allowed or denied: the decision, the deciding rule, its `$variables`, and
 * the value of every sub-expression the reference interpreter evaluated (short-circuited ones
 * marked). Shared by `valve eval --explain` and the playground.
 */
import { walk, type Expr } from '../grammar/ast.js';
import { LineIndex } from '../grammar/span.js';
import type { CheckedRule, RuleProgram } from '../compiler/program.js';
import { RuleSet, type CheckOptions, type CheckRequest, type Decision } from './evaluate.js';
import { interpret, type TraceEntry } from './interpret.js';
import type { RuntimeRule } from './module.js';
import { describe, RegexValue } from './stdlib.js';
import type { RuleContext } from './stdlib.js';

export interface ExplainStep {
  /** The sub-expression as written in the file. */
  readonly text: string;
  readonly start: { readonly line: number; readonly column: number; readonly offset: number };
  readonly end: { readonly line: number; readonly column: number; readonly offset: number };
  readonly status: 'value' | 'error' | 'skipped';
  /** JSON text of the value (regular expressions as `/…/`); absent unless status is 'value'. */
  readonly value?: string;
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
export function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v instanceof RegexValue) return v.text;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 200 ? `${s.slice(0, 197)}…` : s;
  } catch {
    return describe(v);
  }
}

export async function explain(program: RuleProgram, source: string, request: CheckRequest, options: CheckOptions = {}): Promise<Explanation> {
  let lastTrace: TraceEntry[] = [];
  const traced: RuntimeRule[] = program.rules.map((r) => toTracedRule(r, (t) => (lastTrace = t)));
  const decision = await new RuleSet(program.file, traced).check(request, options);
  const rule = program.rules.find((r) => r.section === decision.section && r.action === decision.action && r.pattern === decision.pattern);
  if (!rule || rule.body.kind !== 'expression') return { decision, steps: [] };
  return { decision, ruleText: rule.body.text, steps: steps(rule, rule.body.expr, lastTrace, new LineIndex(source), source) };
}

function toTracedRule(r: CheckedRule, keep: (t: TraceEntry[]) => void): RuntimeRule {
  const body = r.body;
  return {
    section: r.section,
    pattern: r.pattern,
    action: r.action,
    order: r.order,
    variables: r.variables,
    parts: r.parts,
    location: r.location,
    uses: r.usage,
    rule:
      body.kind === 'constant'
        ? body.value
        : (c: RuleContext) => {
            // Each attempt starts a fresh trace; the last attempt (after all loads) is the one shown.
            const trace: TraceEntry[] = [];
            keep(trace);
            return interpret(body.expr, c, r.variables, trace);
          },
    refs: r.refArgs.map((a) => (c: RuleContext) => interpret(a, c, r.variables)),
  };
}

function steps(rule: CheckedRule, expr: Expr, trace: readonly TraceEntry[], lines: LineIndex, source: string): ExplainStep[] {
  const byNode = new Map<Expr, TraceEntry>();
  for (const t of trace) byNode.set(t.node, t);
  const out: ExplainStep[] = [];
  const depthOf = new Map<Expr, number>();
  walk(expr, (node, parent) => {
    const depth = parent ? (depthOf.get(parent) ?? 0) + 1 : 0;
    depthOf.set(node, depth);
    // Property names after `.` are part of their member expression, not steps of their own.
    if (parent?.kind === 'member' && !parent.computed && parent.property === node) return;
    // A called method (`x.trim` in `x.trim()`) is shown through its call and receiver.
    if (parent?.kind === 'call' && parent.callee === node && node.kind === 'member') return;
    const span = rule.toFileSpan(node.span);
    const entry = byNode.get(node);
    const base = { text: source.slice(span.start, span.end), start: lines.position(span.start), end: lines.position(span.end), depth };
    if (!entry) out.push({ ...base, status: 'skipped' });
    else if ('error' in entry) out.push({ ...base, status: 'error', error: entry.error });
    else out.push({ ...base, status: 'value', value: showValue(entry.value) });
  });
  return out;
}
