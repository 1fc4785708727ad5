/**
 * Rule selection: among the patterns of a section that define the action and match the whole
 * name, the longest pattern text wins; on equal length the later one.
 *
 * Patterns are merged into one character trie per section and action, with two special edges:
 * a `$variable` edge (one or more characters other than `/`) and a `*` edge (any run of
 * characters). A lookup simulates the trie as an automaton over the name, so its cost depends
 * on the name and the trie's shape, not on how many patterns there are. Only the winner's own
 * RegExp runs afterwards, to read its `$variable` values.
 */
import { patternRegExp, type PatternPart } from '../grammar/pattern.js';

export { patternRegExp };

export interface Selectable {
  readonly pattern: string;
  readonly order: number;
  readonly parts: readonly PatternPart[];
}


interface TrieNode<T> {
  readonly literal: Map<string, TrieNode<T>>;
  /** After a `$variable`: loops on non-`/` characters. */
  variable?: TrieNode<T>;
  /** After a `*`: loops on every character. */
  wildcard?: TrieNode<T>;
  /** The best pattern ending exactly here. */
  best?: { readonly item: T; readonly re: RegExp };
  readonly loops: 'none' | 'segment' | 'any';
}

const node = <T>(loops: TrieNode<T>['loops'] = 'none'): TrieNode<T> => ({ literal: new Map(), loops });

const better = (a: Selectable, b: Selectable): boolean => a.pattern.length > b.pattern.length || (a.pattern.length === b.pattern.length && a.order > b.order);

/** Bounded memo of recent lookups (names repeat: a record is read by many clients). */
const CACHE_SIZE = 1024;

export class PatternList<T extends Selectable> {
  private readonly root: TrieNode<T> = node();
  private readonly cache = new Map<string, { item: T; re: RegExp } | null>();

  constructor(items: readonly T[]) {
    for (const item of items) this.insert(item);
  }

  private insert(item: T): void {
    let at = this.root;
    for (const part of item.parts) {
      if (part.kind === 'literal') {
        for (const ch of part.text) {
          let next = at.literal.get(ch);
          if (!next) at.literal.set(ch, (next = node()));
          at = next;
        }
      } else if (part.kind === 'variable') at = at.variable ??= node('segment');
      else at = at.wildcard ??= node('any');
    }
    if (!at.best || better(item, at.best.item)) at.best = { item, re: patternRegExp(item.parts) };
  }

  /** The chosen rule and the values of its `$variables` in declaration order. */
  match(name: string | undefined): { item: T; vars: string[] } | undefined {
    // A name-less request (presence query of all users) only ever meets the root pattern.
    if (name === undefined) {
      const star = this.root.wildcard?.best;
      return star && star.item.pattern === '*' ? { item: star.item, vars: [] } : undefined;
    }
    let found = this.cache.get(name);
    if (found === undefined) {
      found = this.run(name);
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(name, found);
    }
    if (!found) return undefined;
    const m = found.re.exec(name);
    // INVARIANT: the automaton and the RegExp accept the same names.
    return m ? { item: found.item, vars: m.slice(1) } : undefined;
  }

  private run(name: string): { item: T; re: RegExp } | null {
    let active = new Set<TrieNode<T>>();
    const enter = (n: TrieNode<T>, into: Set<TrieNode<T>>): void => {
      if (into.has(n)) return;
      into.add(n);
      if (n.wildcard) enter(n.wildcard, into); // `*` may match nothing
    };
    enter(this.root, active);
    for (const ch of name) {
      const next = new Set<TrieNode<T>>();
      for (const n of active) {
        const lit = n.literal.get(ch);
        if (lit) enter(lit, next);
        if (ch !== '/' && n.variable) enter(n.variable, next);
        if (n.loops === 'any' || (n.loops === 'segment' && ch !== '/')) enter(n, next);
      }
      if (next.size === 0) return null;
      active = next;
    }
    let best: { item: T; re: RegExp } | null = null;
    for (const n of active) if (n.best && (!best || better(n.best.item, best.item))) best = n.best;
    return best;
  }
}
