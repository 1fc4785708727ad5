/**
 * Rule selection: among the patterns of a section that define the action and match the whole
 * name, the longest pattern text wins; on equal length the later one.
 */
import type { PatternPart } from '../grammar/pattern.js';

export interface Selectable {
  readonly pattern: string;
  readonly order: number;
  readonly parts: readonly PatternPart[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Pattern parts → anchored RegExp; every literal character is escaped (no regex meaning leaks). */
export function patternRegExp(parts: readonly PatternPart[]): RegExp {
  const body = parts.map((p) => (p.kind === 'literal' ? escape(p.text) : p.kind === 'variable' ? '([^/]+)' : '[\\s\\S]*')).join('');
  return new RegExp(`^${body}$`);
}

interface Candidate<T> {
  readonly item: T;
  readonly re: RegExp;
}

/** One section and action's candidates, best first; a lookup returns the first that matches. */
export class PatternList<T extends Selectable> {
  private readonly candidates: Candidate<T>[];

  constructor(items: readonly T[]) {
    this.candidates = [...items]
      .sort((a, b) => b.pattern.length - a.pattern.length || b.order - a.order)
      .map((item) => ({ item, re: patternRegExp(item.parts) }));
  }

  /** The chosen rule and the values of its `$variables` in declaration order. */
  match(name: string | undefined): { item: T; vars: string[] } | undefined {
    for (const c of this.candidates) {
      // A name-less request (presence query of all users) only ever meets the root pattern.
      if (name === undefined) {
        if (c.item.pattern === '*') return { item: c.item, vars: [] };
        continue;
      }
      const m = c.re.exec(name);
      if (m) return { item: c.item, vars: m.slice(1) };
    }
    return undefined;
  }
}
