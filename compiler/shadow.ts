/**
 * Language inclusion between path patterns: is every name pattern P matches also matched by one
 * of the patterns Q? Patterns become small NFAs over items (a literal character, one non-`/`
 * character, any run of non-`/` characters, any run of characters) and the check walks the
 * subset construction of P against the union of the Qs over a finite alphabet (the literal
 * characters involved, `/`, and one "other" character).
 */
import type { PatternPart } from '../grammar/index.js';

type Item = { readonly t: 'lit'; readonly c: string } | { readonly t: 'one' } | { readonly t: 'manyNs' } | { readonly t: 'any' };

function items(parts: readonly PatternPart[]): Item[] {
  const out: Item[] = [];
  for (const p of parts) {
    if (p.kind === 'literal') for (const c of p.text) out.push({ t: 'lit', c });
    else if (p.kind === 'variable') out.push({ t: 'one' }, { t: 'manyNs' });
    else out.push({ t: 'any' });
  }
  return out;
}

class Nfa {
  constructor(readonly items: readonly Item[]) {}

  closure(states: Iterable<number>): Set<number> {
    const out = new Set<number>();
    const stack = [...states];
    while (stack.length) {
      const s = stack.pop()!;
      if (out.has(s)) continue;
      out.add(s);
      const it = this.items[s];
      if (it && (it.t === 'manyNs' || it.t === 'any')) stack.push(s + 1);
    }
    return out;
  }

  step(states: Set<number>, ch: string): Set<number> {
    const next: number[] = [];
    for (const s of states) {
      const it = this.items[s];
      if (!it) continue;
      if (it.t === 'lit' && it.c === ch) next.push(s + 1);
      else if (it.t === 'one' && ch !== '/') next.push(s + 1);
      else if (it.t === 'manyNs' && ch !== '/') next.push(s);
      else if (it.t === 'any') next.push(s);
    }
    return this.closure(next);
  }

  accepts(states: Set<number>): boolean {
    return states.has(this.items.length);
  }
}

/** Does every name `p` matches also match at least one of `qs`? */
export function covered(p: readonly PatternPart[], qs: readonly (readonly PatternPart[])[]): boolean {
  if (qs.length === 0) return false;
  const P = new Nfa(items(p));
  const Qs = qs.map((q) => new Nfa(items(q)));
  const letters = new Set<string>(['/', '\u0000']); // '\u0000' stands for every other character
  for (const n of [P, ...Qs]) for (const it of n.items) if (it.t === 'lit') letters.add(it.c);
  const key = (ps: Set<number>, qss: Set<number>[]): string => `${[...ps].sort().join(',')}|${qss.map((s) => [...s].sort().join(',')).join(';')}`;
  const start: [Set<number>, Set<number>[]] = [P.closure([0]), Qs.map((q) => q.closure([0]))];
  const seen = new Set<string>([key(...start)]);
  const queue = [start];
  while (queue.length) {
    const [ps, qss] = queue.shift()!;
    if (P.accepts(ps) && !Qs.some((q, i) => q.accepts(qss[i]))) return false;
    for (const ch of letters) {
      const np = P.step(ps, ch);
      if (np.size === 0) continue;
      const nq = Qs.map((q, i) => q.step(qss[i], ch));
      const k = key(np, nq);
      if (seen.has(k)) continue;
      seen.add(k);
      queue.push([np, nq]);
      if (seen.size > 20000) return false; // pathological: say "not covered" rather than guess
    }
  }
  return true;
}
