/**
 * Rule selection as the engine does it (engine/matcher.ts): among the patterns defining the
 * action, the longest pattern text that matches the whole name wins, the later one on ties;
 * `$variable` is one or more characters other than `/`, `*` any run without a line terminator.
 * A presence query of all users is matched as the text "undefined", its rule seeing `name` and
 * every `$variable` as undefined.
 */
import type { Re } from 'z3-solver';
import type { CheckedRule } from '../compiler/index.js';
import type { PatternPart } from '../grammar/index.js';
import { type B, type Ctx, type S, type Theory, type V, z3Text } from './model/theory.js';

type R = Re<'main'>;

/** Any code unit in [lo, hi]. */
const range = (ctx: Ctx, lo: number, hi: number): R => ctx.Range(z3Text(String.fromCharCode(lo)), z3Text(String.fromCharCode(hi)));

function partRe(ctx: Ctx, th: Theory, p: PatternPart): R {
  if (p.kind === 'literal') return ctx.Re.toRe(th.text(p.text));
  if (p.kind === 'variable') return ctx.Plus(ctx.Union(range(ctx, 0, 0x2e), range(ctx, 0x30, 0xffff)));
  return ctx.Star(ctx.Union(range(ctx, 0, 9), range(ctx, 11, 12), range(ctx, 14, 0x2027), range(ctx, 0x202a, 0xffff)));
}

export function patternRe(ctx: Ctx, th: Theory, parts: readonly PatternPart[]): R {
  const res = parts.map((p) => partRe(ctx, th, p));
  return res.length === 0 ? ctx.Re.toRe(th.text('')) : res.length === 1 ? res[0] : ctx.ReConcat(...res);
}

/** Whether some name matches both patterns (by text); when unsure, true. */
export type Overlaps = (a: string, b: string) => boolean;

const literalEnds = (parts: readonly PatternPart[]): [string, string] => {
  const first = parts[0];
  const last = parts.at(-1);
  return [first?.kind === 'literal' ? first.text : '', last?.kind === 'literal' ? last.text : ''];
};

/**
 * Which pairs of the patterns can match one name: a quick look at their literal ends, then the
 * solver on the intersection of the two regular languages (a small query of its own).
 */
export async function overlapTable(ctx: Ctx, th: Theory, rules: readonly CheckedRule[], timeoutMs: number): Promise<Overlaps> {
  const byText = new Map(rules.map((r) => [r.pattern, r.parts] as const));
  const known = new Map<string, boolean>();
  const texts = [...byText.keys()];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const [a, b] = [byText.get(texts[i])!, byText.get(texts[j])!];
      const [[pa, sa], [pb, sb]] = [literalEnds(a), literalEnds(b)];
      let meet = (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
      if (meet) {
        const x = ctx.String.const('overlap');
        const solver = new ctx.Solver();
        solver.set('timeout', timeoutMs);
        solver.add(ctx.InRe(x, patternRe(ctx, th, a)), ctx.InRe(x, patternRe(ctx, th, b)));
        meet = (await solver.check()) !== 'unsat';
      }
      known.set(`${texts[i]}\0${texts[j]}`, meet);
      known.set(`${texts[j]}\0${texts[i]}`, meet);
    }
  }
  return (a, b) => known.get(`${a}\0${b}`) ?? true;
}

/** Better first, as the matcher ranks them. */
export const byPrecedence = (rules: readonly CheckedRule[]): CheckedRule[] =>
  [...rules].sort((a, b) => b.pattern.length - a.pattern.length || b.order - a.order);

export interface Selection {
  readonly rule: CheckedRule;
  /** This rule decides the request. */
  readonly selected: B;
  /** The rule's `$variables` as its rule sees them. */
  readonly vars: ReadonlyMap<string, V>;
}

/**
 * For each rule (better first), when it is selected and its variables. The captures are string
 * constants tied to the name by the pattern's parts (keyed by pattern text, so the same pattern
 * in OLD and NEW shares them); `facts` receives the ties. Rules not `wanted` get no captures.
 */
export function selections(
  th: Theory,
  rules: readonly CheckedRule[],
  text: S,
  named: B,
  facts: B[],
  captures: Map<string, S[]>,
  wanted: (r: CheckedRule) => boolean = () => true,
  overlaps: Overlaps = () => true,
): Selection[] {
  const { ctx } = th;
  const better: { pattern: string; matches: B }[] = [];
  const out: Selection[] = [];
  for (const rule of byPrecedence(rules)) {
    const matches = ctx.InRe(text, patternRe(ctx, th, rule.parts));
    // A better pattern that no name matches together with this one changes nothing here: leaving
    // it out keeps the solver from refuting a regex membership per pattern of the section.
    const outranked = better.filter((b) => overlaps(b.pattern, rule.pattern)).map((b) => b.matches);
    const selected = ctx.And(matches, ctx.Not(ctx.Or(ctx.Bool.val(false), ...outranked)));
    better.push({ pattern: rule.pattern, matches });
    // A rule whose body is not encoded needs no captures: only whether it matches (it outranks others).
    if (!wanted(rule)) {
      out.push({ rule, selected, vars: new Map() });
      continue;
    }
    let parts = captures.get(rule.pattern);
    if (!parts) {
      parts = rule.parts.map((p, i) => (p.kind === 'literal' ? th.text(p.text) : ctx.String.const(`cap:${rule.pattern}:${i}`)));
      captures.set(rule.pattern, parts);
      rule.parts.forEach((p, i) => {
        if (p.kind !== 'literal') facts.push(ctx.InRe(parts![i], partRe(ctx, th, p)));
      });
      const whole = parts.length === 0 ? th.text('') : parts.reduce((a, b) => a.concat(b));
      facts.push(ctx.Implies(matches, text.eq(whole)));
    }
    const vars = new Map<string, V>();
    rule.parts.forEach((p, i) => {
      if (p.kind === 'variable') vars.set(p.name, ctx.If(named, th.str(parts![i]), th.undef) as V);
    });
    out.push({ rule, selected, vars });
  }
  return out;
}
