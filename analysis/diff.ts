/**
 * `valve diff OLD NEW`: for every section and action, whether some request is decided
 * differently, in each direction, with an example that the engine confirms on both files.
 * "equivalent" is a proof over the model (uninterpreted where it is not exact, which never
 * makes a false proof); a change is reported only with an example the engine reproduces;
 * everything else is `unknown` with the reason.
 */
import { type CheckedRule, actionsOf, SECTIONS, type Section } from '../compiler/index.js';
import { compile, type RulesModule } from '../engine/index.js';
import type { Diagnostic } from '../grammar/index.js';
import { buildQuery, type Example, type Focus, type Query } from './model/request.js';
import { Theory, type B, type Ctx } from './model/theory.js';
import { byPrecedence, overlapTable } from './select.js';
import type { Model } from 'z3-solver';
import { replay } from './replay.js';
import { loadSolver } from './z3.js';

export type Direction = 'allows-more' | 'allows-less';

export interface DecidingRule {
  readonly pattern: string;
  readonly location: string;
}

export interface Change {
  readonly section: Section;
  readonly action: string;
  /** `allows-more`: NEW allows the example and OLD denies it. */
  readonly direction: Direction;
  readonly old: DecidingRule | null;
  readonly new: DecidingRule | null;
  readonly example: Example;
}

export interface Unknown {
  readonly section: Section;
  readonly action: string;
  readonly reason: string;
}

export interface DiffReport {
  readonly equivalent: boolean;
  readonly changes: readonly Change[];
  readonly unknown: readonly Unknown[];
}

export interface DiffOptions {
  /** Per solver query, in milliseconds (default 10 s). */
  readonly timeoutMs?: number;
}

export interface RulesSource {
  readonly text: string;
  readonly file: string;
}

/** Either both files compile and are compared, or the errors that stop it. */
export async function diffRules(oldSource: RulesSource, newSource: RulesSource, options: DiffOptions = {}): Promise<{ report: DiffReport } | { errors: readonly Diagnostic[] }> {
  const a = compile(oldSource.text, { file: oldSource.file });
  const b = compile(newSource.text, { file: newSource.file });
  if (!a.module || !b.module) return { errors: [...a.diagnostics, ...b.diagnostics].filter((d) => d.severity === 'error') };
  const changes: Change[] = [];
  const unknown: Unknown[] = [];
  for (const section of SECTIONS) {
    for (const action of actionsOf(section)) {
      const of = (m: RulesModule): CheckedRule[] => m.program.rules.filter((r) => r.section === section && r.action === action);
      const [olds, news] = [of(a.module), of(b.module)];
      if (sameRules(olds, news)) continue;
      const found = await compareAction(a.module, b.module, section, action, olds, news, options.timeoutMs ?? 10_000);
      changes.push(...found.changes);
      unknown.push(...found.unknown);
    }
  }
  return { report: { equivalent: changes.length === 0 && unknown.length === 0, changes, unknown } };
}

/** The same patterns in the same order with the same rule text decide every request alike. */
function sameRules(a: readonly CheckedRule[], b: readonly CheckedRule[]): boolean {
  const key = (rs: readonly CheckedRule[]): string => JSON.stringify([...rs].sort((x, y) => x.order - y.order).map((r) => [r.pattern, r.body.kind === 'constant' ? r.body.value : r.body.text]));
  return key(a) === key(b);
}

/** Set by tests: an example found without inexact sites that the engine did not reproduce (a bug in the model). */
export const modelBugs: string[] = [];

/**
 * The pairs of deciding rules (OLD's, NEW's; null: none matches) that can disagree. When both
 * files rank the same patterns alike, a name is decided by the rules of the same rank on both
 * sides; otherwise every pair is asked (the solver says which can meet). A pair of the same
 * pattern and the same rule text decides alike.
 */
function rulePairs(olds: readonly CheckedRule[], news: readonly CheckedRule[]): { pairs: Focus[]; aligned: boolean } {
  const [a, b] = [byPrecedence(olds), byPrecedence(news)];
  const sameText = (x: CheckedRule | null, y: CheckedRule | null): boolean => x !== null && y !== null && x.pattern === y.pattern && sameRules([x], [y]);
  const aligned = a.length === b.length && a.every((r, i) => r.pattern === b[i].pattern);
  const pairs: Focus[] = aligned ? a.map((r, i) => ({ old: r, new: b[i] })) : [null, ...a].flatMap((o) => [null, ...b].map((n) => ({ old: o, new: n })));
  return { pairs: pairs.filter((p) => (p.old !== null || p.new !== null) && !sameText(p.old, p.new)), aligned };
}

const describePair = (p: Focus): string => `old ${p.old ? JSON.stringify(p.old.pattern) : 'no rule'}, new ${p.new ? JSON.stringify(p.new.pattern) : 'no rule'}`;

async function compareAction(
  oldRules: RulesModule,
  newRules: RulesModule,
  section: Section,
  action: string,
  olds: readonly CheckedRule[],
  news: readonly CheckedRule[],
  timeoutMs: number,
): Promise<{ changes: Change[]; unknown: Unknown[] }> {
  const z3 = await loadSolver();
  const changes: Change[] = [];
  const unknown: Unknown[] = [];
  const { pairs, aligned } = rulePairs(olds, news);
  if (pairs.length === 0) return { changes, unknown };
  const first = z3.Context('main');
  const overlaps = await overlapTable(first, new Theory(first), [...olds, ...news], timeoutMs);
  for (const pair of pairs) {
    // A context per pair: each query holds only its two rules' terms.
    const ctx = z3.Context('main');
    const th = new Theory(ctx);
    const q = buildQuery(th, section, action, olds, news, pair, overlaps);
    // Rules of the same rank on aligned sides meet wherever the rule decides: no query needed.
    if (!aligned && (await solve(ctx, q.selection, timeoutMs)).result === 'unsat') continue;
    const found = await comparePair(ctx, q, oldRules, newRules, section, action, timeoutMs);
    changes.push(...found.changes);
    const suffix = pairs.length > 1 ? ` (${describePair(pair)})` : '';
    unknown.push(...found.unknown.map((u) => ({ ...u, reason: u.reason + suffix })));
  }
  return { changes, unknown };
}

/**
 * A fresh solver per query, preprocessed by `simplify` and `solve-eqs` (which substitute the many
 * equations the encoding makes, e.g. captures and operator results) before `smt`: on the record
 * write rules of examples/permissions.yml this decides queries the default solver timed out on.
 * A tactic's solver is not incremental (after a push Z3 falls back to its general solver), so
 * each query starts afresh instead of push/pop.
 */
async function solve(ctx: Ctx, assertions: readonly B[], timeoutMs: number): Promise<{ result: 'sat' | 'unsat' | 'unknown'; model?: Model<'main'> }> {
  const solver = ctx.AndThen('simplify', 'solve-eqs', 'smt').solver();
  solver.set('timeout', timeoutMs);
  solver.add(...assertions);
  const result = await solver.check();
  return result === 'sat' ? { result, model: solver.model() } : { result };
}

async function comparePair(ctx: Ctx, q: Query, oldRules: RulesModule, newRules: RulesModule, section: Section, action: string, timeoutMs: number): Promise<{ changes: Change[]; unknown: Unknown[] }> {
  const changes: Change[] = [];
  const unknown: Unknown[] = [];
  const directions: [Direction, B][] = [
    ['allows-more', ctx.And(q.allowsNew, ctx.Not(q.allowsOld))],
    ['allows-less', ctx.And(q.allowsOld, ctx.Not(q.allowsNew))],
  ];
  for (const [direction, differs] of directions) {
    const loose = await solve(ctx, [...q.facts, differs], timeoutMs);
    if (loose.result === 'unsat') continue;
    if (!loose.model) {
      unknown.push({ section, action, reason: `the solver could not decide within ${timeoutMs} ms (${direction})` });
      continue;
    }
    const looseModel = loose.model;
    const usedSites = q.sites.filter((s) => looseModel.eval(s.used, true).toString() === 'true');
    const looseExample = q.example(looseModel);
    let confirmed = looseExample && (await confirm(oldRules, newRules, section, action, direction, looseExample));
    if (!confirmed && usedSites.length === 0) modelBugs.push(`${section} ${action} ${direction}: ${JSON.stringify(looseExample)}`);
    // Else an example that goes through exact encodings only: it must reproduce.
    if (!confirmed && usedSites.length > 0) {
      const strict = await solve(ctx, [...q.facts, differs, ctx.Not(ctx.Or(...q.sites.map((s) => s.used)))], timeoutMs);
      if (strict.model) {
        const ex = q.example(strict.model);
        confirmed = ex && (await confirm(oldRules, newRules, section, action, direction, ex));
        if (!confirmed) modelBugs.push(`${section} ${action} ${direction}: ${JSON.stringify(ex)}`);
      }
    }
    if (confirmed) changes.push(confirmed);
    else {
      const reasons = [...new Set((usedSites.length ? usedSites : q.sites).map((s) => s.reason))];
      unknown.push({ section, action, reason: reasons.length ? `not encoded exactly: ${reasons.join('; ')}` : `a ${direction} example did not reproduce on the engine` });
    }
  }
  return { changes, unknown };
}

async function confirm(oldRules: RulesModule, newRules: RulesModule, section: Section, action: string, direction: Direction, example: Example): Promise<Change | undefined> {
  const before = await replay(oldRules, example);
  const after = await replay(newRules, example);
  const wanted = direction === 'allows-more' ? after.allowed && !before.allowed : before.allowed && !after.allowed;
  if (!wanted) return undefined;
  const rule = (d: typeof before): DecidingRule | null => (d.pattern !== undefined && d.location !== undefined ? { pattern: d.pattern, location: d.location } : null);
  return { section, action, direction, old: rule(before), new: rule(after), example };
}
