/**
 * `valve analyze FILE`: for every rule (section, action, pattern), whether it allows always,
 * never or sometimes among the requests it decides, whether an unauthenticated request gets
 * through, and findings (catalogue diagnostics) about what that means. A verdict is a proof
 * over the model (an "unsat" stays a proof through uninterpreted functions); every example is
 * replayed on the engine first, and one that does not reproduce is never printed.
 */
import { actionsOf, type CheckedRule, SECTIONS, type Section } from '../compiler/index.js';
import { compile, type Decision, type RulesModule } from '../engine/index.js';
import type { Model, Solver } from 'z3-solver';
import { type Code, type Diagnostic, DiagnosticSink, type Environment, type MessageParams, type PatternPart, sortDiagnostics, type Span } from '../grammar/index.js';
import type { RulesSource } from './diff.js';
import { buildQuery, type Example } from './model/request.js';
import { byPrecedence } from './select.js';
import { Theory, type B, type Ctx } from './model/theory.js';
import type { Site } from './model/encode.js';
import { replay } from './replay.js';
import { loadSolver } from './z3.js';

export type Allows = 'always' | 'never' | 'sometimes' | 'unknown';

export interface Exposure {
  readonly section: Section;
  readonly action: string;
  readonly pattern: string;
  /** `file:line:column` of the rule, as the engine's decisions name it. */
  readonly location: string;
  /** Among the requests this rule decides. */
  readonly allows: Allows;
  /** Some unauthenticated request is allowed; `unknown` when that could not be decided. */
  readonly anonymous: boolean | 'unknown';
  readonly allowed: Example | null;
  readonly denied: Example | null;
  /** Why a verdict or an example is missing. */
  readonly reason?: string;
}

export interface AnalyzeReport {
  readonly exposure: readonly Exposure[];
  readonly findings: readonly Diagnostic[];
}

export interface AnalyzeOptions {
  /** Per solver query, in milliseconds (default 10 s). */
  readonly timeoutMs?: number;
  /** For the whole file, in milliseconds (default 120 s); past it every query is `unknown`. */
  readonly budgetMs?: number;
  /** `--substitute-env`: `${NAME}` in path patterns (as the compiler takes it). */
  readonly env?: Environment;
  /** Called after each rule: `done` of `total` rules analysed. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AnalyzeResult {
  readonly report: AnalyzeReport;
  /** Examples found without inexact encodings that the engine did not reproduce: bugs in the model, never printed. */
  readonly modelBugs: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_BUDGET_MS = 120_000;

/** Actions where an unauthenticated request getting through is a finding (VLV1002): the ones that change or cause something. */
const CHANGING = new Set(['create', 'write', 'delete', 'publish', 'request']);

/** Either the file compiles and is analysed, or the errors that stop it. */
export async function analyzeRules(source: RulesSource, options: AnalyzeOptions = {}): Promise<AnalyzeResult | { errors: readonly Diagnostic[] }> {
  const compiled = compile(source.text, { file: source.file, ...(options.env ? { env: options.env } : {}) });
  if (!compiled.module) return { errors: compiled.diagnostics.filter((d) => d.severity === 'error') };
  const run = new Run(compiled.module, source, compiled.diagnostics, options);
  const groups = SECTIONS.flatMap((section) => actionsOf(section).map((action) => ({ section, action, rules: compiled.module!.program.rules.filter((r) => r.section === section && r.action === action) }))).filter((g) => g.rules.length > 0);
  const total = groups.reduce((n, g) => n + g.rules.length, 0);
  run.total = total;
  for (const g of groups) await run.action(g.section, g.action, g.rules);
  return { report: { exposure: run.exposure, findings: sortDiagnostics(run.sink.items) }, modelBugs: run.modelBugs };
}

/** What a search for an example gave. */
type Probe =
  | { readonly kind: 'none' }
  | { readonly kind: 'found'; readonly example: Example; readonly decision: Decision }
  | { readonly kind: 'undecided'; readonly reason: string };

/** Looks for a request satisfying `goal` that the engine decides as `wanted`. */
type Prober = (goal: B, wanted: (d: Decision) => boolean, label: string) => Promise<Probe>;

const NONE: Probe = { kind: 'none' };

/** One rule over the symbolic request: when it decides, when it allows, when it throws (and so denies). */
interface RuleTerms {
  readonly rule: CheckedRule;
  readonly selected: B;
  readonly allows: B;
  readonly throws: B;
}

/** The rule with a constant body: it then only takes part in selection (no body is encoded). */
const constant = (r: CheckedRule, value: boolean): CheckedRule => ({ ...r, body: { kind: 'constant', value } });

/** The text a pattern's names must start with (`first`) or end with (`!first`). */
const edge = (parts: readonly PatternPart[], first: boolean): string => {
  const p = first ? parts[0] : parts[parts.length - 1];
  return p && p.kind === 'literal' ? p.text : '';
};

/** False only when no name matches both patterns: their fixed beginnings (or ends) disagree (`a/$x` and `b/*`). */
export function mayOverlap(a: readonly PatternPart[], b: readonly PatternPart[]): boolean {
  const [pa, pb, sa, sb] = [edge(a, true), edge(b, true), edge(a, false), edge(b, false)];
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

const locationOf = (r: CheckedRule): string => `${r.location.file}:${r.location.line}:${r.location.column}`;

class Run {
  readonly exposure: Exposure[] = [];
  readonly modelBugs: string[] = [];
  readonly sink: DiagnosticSink;
  done = 0;
  total = 0;
  private readonly onProgress: AnalyzeOptions['onProgress'];
  private readonly deadline: number;
  private readonly timeoutMs: number;
  private readonly budgetMs: number;

  constructor(
    private readonly module: RulesModule,
    private readonly source: RulesSource,
    private readonly compiled: readonly Diagnostic[],
    options: AnalyzeOptions,
  ) {
    this.sink = new DiagnosticSink(source.file, source.text);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.deadline = Date.now() + this.budgetMs;
    this.onProgress = options.onProgress;
  }

  /**
   * One model per rule, with its own body only: the diff's query of OLD = "this rule is selected"
   * and NEW = "this rule allows", where every other rule is a constant `false` (so it takes part in
   * the selection only). A query with every body of an action is far larger and timed out.
   */
  async action(section: Section, action: string, rules: readonly CheckedRule[]): Promise<void> {
    const z3 = await loadSolver();
    const ranked = byPrecedence(rules);
    for (const rule of rules) {
      const ctx = z3.Context('main');
      const th = new Theory(ctx);
      // Only a better pattern that can match one of this rule's names changes its selection.
      const better = ranked.slice(0, ranked.indexOf(rule)).filter((r) => mayOverlap(r.parts, rule.parts)).map((r) => constant(r, false));
      const q = buildQuery(th, section, action, [constant(rule, true), ...better], [rule, ...better]);
      const t: RuleTerms = { rule, selected: q.allowsOld, allows: q.allowsNew, throws: q.throws(rule) };
      const solver = new ctx.Solver();
      solver.add(...q.facts);
      const probe: Prober = (goal, wanted, label) => this.probe(ctx, solver, goal, q.sites, (m) => q.example(m), wanted, label);
      await this.rule(ctx, t, probe, q.anonymous);
      this.done++;
      this.onProgress?.(this.done, this.total);
    }
  }

  private async rule(ctx: Ctx, t: RuleTerms, probe: Prober, anonymous: B): Promise<void> {
    const { rule } = t;
    const where = locationOf(rule);
    const decidedHere = (d: Decision): boolean => d.pattern === rule.pattern && d.location === where;
    const label = `${rule.section} ${rule.action} \`${rule.pattern}\``;
    // A constant rule is the one side only: no need to ask for the other.
    const constant = rule.body.kind === 'constant' ? rule.body.value : undefined;
    const allowed = constant === false ? NONE : await probe(t.allows, (d) => decidedHere(d) && d.allowed, `${label} allowed`);
    const denied = constant === true ? NONE : await probe(ctx.And(t.selected, ctx.Not(t.allows)), (d) => decidedHere(d) && !d.allowed, `${label} denied`);
    if (allowed.kind === 'none' && denied.kind === 'none') {
      // No request reaches this rule: report it unless the syntactic lint already did.
      if (!this.shadowedByLint(rule)) this.report(rule, 'VLV1003', { action: rule.action, pattern: rule.pattern });
      return;
    }
    const reasons = [allowed, denied].flatMap((p) => (p.kind === 'undecided' ? [p.reason] : []));
    const allows: Allows =
      allowed.kind === 'none' ? 'never' : denied.kind === 'none' ? 'always' : allowed.kind === 'found' && denied.kind === 'found' ? 'sometimes' : 'unknown';
    // An anonymous allowed example, if the allowed one is not already one.
    let anon: boolean | 'unknown' = allows === 'never' ? false : 'unknown';
    let anonExample: Example | undefined;
    if (allowed.kind === 'found' && isAnonymous(allowed.example)) {
      anon = true;
      anonExample = allowed.example;
    } else if (allows !== 'never') {
      const p = await probe(ctx.And(t.allows, anonymous), (d) => decidedHere(d) && d.allowed, `${label} allowed anonymously`);
      if (p.kind === 'none') anon = false;
      else if (p.kind === 'found') {
        anon = true;
        anonExample = p.example;
      } else reasons.push(`unauthenticated: ${p.reason}`);
    }
    this.exposure.push({
      section: rule.section,
      action: rule.action,
      pattern: rule.pattern,
      location: where,
      allows,
      anonymous: anon,
      allowed: allowed.kind === 'found' ? allowed.example : null,
      denied: denied.kind === 'found' ? denied.example : null,
      ...(reasons.length ? { reason: [...new Set(reasons)].join('; ') } : {}),
    });
    const expression = rule.body.kind === 'expression';
    if (allows === 'always' && expression) this.report(rule, 'VLV1000', { action: rule.action, pattern: rule.pattern });
    if (allows === 'never' && expression) this.report(rule, 'VLV1001', { action: rule.action, pattern: rule.pattern });
    if (anon === true && anonExample && CHANGING.has(rule.action)) this.report(rule, 'VLV1002', { action: rule.action, section: rule.section, pattern: rule.pattern, example: exampleText(anonExample) });
    // A throw denies, so a rule that always allows never throws.
    if (!expression || allows === 'always') return;
    const threw = denied.kind === 'found' && denied.decision.error !== undefined ? denied : await probe(t.throws, (d) => decidedHere(d) && !d.allowed && d.error !== undefined, `${label} throws`);
    if (threw.kind === 'found') this.report(rule, 'VLV1004', { action: rule.action, pattern: rule.pattern, error: threw.decision.error ?? '', example: exampleText(threw.example) });
  }

  /** VLV0404 / VLV0405 / VLV0119 already say this rule never decides. */
  private shadowedByLint(rule: CheckedRule): boolean {
    return this.compiled.some(
      (d) =>
        ((d.code === 'VLV0404' || d.code === 'VLV0119') && d.message.startsWith(`this \`${rule.action}\` rule never decides`) && d.message.includes(`\`${rule.pattern}\``)) ||
        (d.code === 'VLV0405' && d.message.startsWith(`pattern \`${rule.pattern}\` never decides`)),
    );
  }

  private report<C extends Code>(rule: CheckedRule, code: C, params: MessageParams<C>): void {
    this.sink.report(code, this.span(rule), params);
  }

  /** The rule's value in the file (its location is line:column; the sink wants offsets). */
  private span(rule: CheckedRule): Span {
    const { text } = this.source;
    const offset = (line: number, column: number): number => {
      let at = 0;
      for (let l = 1; l < line; l++) {
        const next = text.indexOf('\n', at);
        if (next < 0) break;
        at = next + 1;
      }
      return at + column - 1;
    };
    return { start: offset(rule.location.line, rule.location.column), end: offset(rule.location.endLine, rule.location.endColumn) };
  }

  /**
   * An example of `goal` that the engine decides as `wanted`: first one through exact encodings
   * only (it must reproduce, or the model has a bug), else whatever the solver gives.
   */
  private async probe(ctx: Ctx, solver: Solver<'main'>, goal: B, sites: readonly Site[], example: (m: Model<'main'>) => Example | undefined, wanted: (d: Decision) => boolean, label: string): Promise<Probe> {
    const check = async (): Promise<'sat' | 'unsat' | string> => {
      const left = this.deadline - Date.now();
      if (left <= 0) return `the analysis budget of ${this.budgetMs} ms was spent`;
      const ms = Math.max(1, Math.min(this.timeoutMs, left));
      solver.set('timeout', ms);
      const t0 = Date.now();
      const r = await solver.check();
      if (process.env.AN_DEBUG) console.error(`  ${label}: ${r} ${Date.now() - t0} ms`);
      return r === 'unknown' ? `the solver could not decide within ${ms} ms` : r;
    };
    solver.push();
    try {
      solver.add(goal);
      const loose = await check();
      if (loose === 'unsat') return { kind: 'none' };
      if (loose !== 'sat') return { kind: 'undecided', reason: loose };
      const looseModel = solver.model();
      const used = sites.filter((s) => looseModel.eval(s.used, true).toString() === 'true');
      if (sites.length > 0) {
        solver.push();
        solver.add(ctx.Not(ctx.Or(...sites.map((s) => s.used))));
        const strict = await check();
        if (strict === 'sat') {
          const ex = example(solver.model());
          const found = ex && (await this.confirm(ex, wanted));
          solver.pop();
          if (found) return found;
          this.modelBugs.push(`${label}: ${JSON.stringify(ex)}`);
        } else solver.pop();
      }
      const ex = example(looseModel);
      const found = ex && (await this.confirm(ex, wanted));
      if (found) return found;
      if (used.length === 0) {
        this.modelBugs.push(`${label}: ${JSON.stringify(ex)}`);
        return { kind: 'undecided', reason: 'an example did not reproduce on the engine' };
      }
      return { kind: 'undecided', reason: `not encoded exactly: ${[...new Set(used.map((s) => s.reason))].join('; ')}` };
    } finally {
      solver.pop();
    }
  }

  private async confirm(example: Example, wanted: (d: Decision) => boolean): Promise<Probe | undefined> {
    const decision = await replay(this.module, example);
    return wanted(decision) ? { kind: 'found', example, decision } : undefined;
  }
}

const isAnonymous = (e: Example): boolean => {
  const user = e.request.user as { id?: unknown } | undefined;
  return user === undefined || user.id === 'open';
};

/** An example as `valve eval` takes it. */
export const exampleText = (e: Example): string => `--request '${JSON.stringify(e.request)}'${Object.keys(e.records).length ? ` --records '${JSON.stringify(e.records)}'` : ''}`;
