/**
 * Rule selection: among the patterns of a section that define the action and match the whole
 * name, the longest pattern text wins; on equal length the one with the higher `order` (deepstream's
 * iteration order, grammar/key-order.ts: integer-like keys first, then file order).
 *
 * Patterns are merged into one character trie per section and action, with two special edges:
 * a `$variable` edge (one or more characters other than `/`) and a `*` edge (any run of
 * characters). A lookup simulates the trie as an automaton over the name, so its cost depends
 * on the name and the trie's shape, not on how many patterns there are. Only the winner's own
 * PatternPlan runs afterwards, to read its `$variable` values (in one pass: a backtracking RegExp
 * took seconds on names a client chose, issue #13).
 *
 * The automaton works on UTF-16 code units, as the patterns' RegExps do. A lookup allocates
 * nothing but its result: the active states live in two arrays reused from lookup to lookup, and
 * a state already added in a step is recognised by a stamp instead of a Set (measured in bench/,
 * issue #9: Sets per character made a lookup cost microseconds). The arrays keep old entries
 * past the live count; they only hold trie nodes, which live as long as the list anyway.
 */
import { isLineTerminator, patternRegExp, PatternPlan, type PatternPart } from '../grammar/pattern.js';

export { patternRegExp };

export interface Selectable {
  readonly pattern: string;
  readonly order: number;
  readonly parts: readonly PatternPart[];
}

const NONE = 0;
/** After a `$variable`: loops on non-`/` characters. */
const SEGMENT = 1;
/** After a `*`: loops on every character. */
const ANY = 2;
const SLASH = 0x2f;

interface TrieNode<T> {
  /** Literal edges by UTF-16 code unit. */
  readonly literal: Map<number, TrieNode<T>>;
  variable?: TrieNode<T>;
  wildcard?: TrieNode<T>;
  /** The best pattern ending exactly here. */
  best?: { readonly item: T; readonly plan: PatternPlan };
  readonly loops: typeof NONE | typeof SEGMENT | typeof ANY;
  /** The lookup step that last added this state (dedupes the active states). */
  mark: number;
}

const node = <T>(loops: TrieNode<T>['loops'] = NONE): TrieNode<T> => ({ literal: new Map(), loops, mark: 0 });

// Stryker disable next-line EqualityOperator: orders are unique within a list, so `>` and `>=` agree
const better = (a: Selectable, b: Selectable): boolean => a.pattern.length > b.pattern.length || (a.pattern.length === b.pattern.length && a.order > b.order);

/** A lookup's answer: the rule and its `$variable` values in declaration order. Read-only (it is cached and shared). */
export interface Match<T> {
  readonly item: T;
  readonly vars: readonly string[];
  /** The same values by `$name` (frozen, made once per looked-up name). */
  readonly named: Readonly<Record<string, string>>;
}

const NO_VARS: readonly string[] = Object.freeze([]);
const NO_NAMED: Readonly<Record<string, string>> = Object.freeze({});


/**
 * Bounded memo of recent lookups (names repeat: a record is read by many clients): two
 * generations of at most CACHE_SIZE / 2 names; when the young one is full it becomes the old one
 * and the previous old one is dropped, and a name found in the old one moves back to the young
 * one. No per-lookup eviction work, at most CACHE_SIZE names kept.
 */
const CACHE_SIZE = 1024;

export class PatternList<T extends Selectable> {
  private readonly root: TrieNode<T> = node();
  private young = new Map<string, Match<T> | null>();
  private old = new Map<string, Match<T> | null>();
  /** Active states of the current and the next step (reused; lookups are synchronous). */
  private active: TrieNode<T>[] = [];
  private next: TrieNode<T>[] = [];
  private stamp = 0;

  constructor(items: readonly T[]) {
    for (const item of items) this.add(item);
  }

  /** One more pattern, before the first match (lookups are memoised); the order of adds does not matter (`better` decides). */
  add(item: T): void {
    let at = this.root;
    for (const part of item.parts) {
      if (part.kind === 'literal') {
        for (let i = 0; i < part.text.length; i++) {
          const ch = part.text.charCodeAt(i);
          let next = at.literal.get(ch);
          if (!next) at.literal.set(ch, (next = node()));
          at = next;
        }
      } else if (part.kind === 'variable') at = at.variable ??= node(SEGMENT);
      else at = at.wildcard ??= node(ANY);
    }
    if (!at.best || better(item, at.best.item)) at.best = { item, plan: new PatternPlan(item.parts) };
  }

  /** How many looked-up names the memo holds now (at most CACHE_SIZE). */
  get remembered(): number {
    return this.young.size + this.old.size;
  }

  /** The chosen rule and the values of its `$variables` in declaration order. */
  match(given: string | undefined): Match<T> | undefined {
    // A name-less request (presence query of all users) is matched as the text "undefined", as
    // deepstream does; the rule itself still sees `name` and every `$variable` as undefined
    // (deepstream reads variables only from a name it was given).
    const name = given ?? 'undefined';
    let found = this.young.get(name);
    if (found === undefined) {
      found = this.old.get(name);
      if (found === undefined) found = this.lookup(name);
      if (this.young.size >= CACHE_SIZE / 2) {
        this.old = this.young;
        this.young = new Map();
      }
      this.young.set(name, found);
    }
    if (found === null) return undefined;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without variables the copy equals `found`
    return given === undefined && found.vars.length > 0 ? { item: found.item, vars: NO_VARS, named: NO_NAMED } : found;
  }

  private lookup(name: string): Match<T> | null {
    const best = this.run(name);
    if (!best) return null;
    // Stryker disable next-line ConditionalExpression,ArrowFunction: a shortcut; captures() of a pattern without variables gives the same empty list
    if (best.item.parts.every((p) => p.kind !== 'variable')) return { item: best.item, vars: NO_VARS, named: NO_NAMED };
    const values = best.plan.captures(name);
    // INVARIANT: the automaton and the plan accept the same names (test/grammar/pattern-plan.test.ts).
    // Stryker disable next-line ConditionalExpression: unreachable by that invariant
    if (!values) return null;
    const vars = Object.freeze(values);
    const named: Record<string, string> = {};
    let i = 0;
    for (const p of best.item.parts) if (p.kind === 'variable') named[p.name] = vars[i++];
    return { item: best.item, vars, named: Object.freeze(named) };
  }

  /** Adds a state (and, as `*` may match nothing, the states after its `*` edges) once per step; the new count. */
  private static enter<T>(n: TrieNode<T>, into: TrieNode<T>[], count: number, stamp: number): number {
    for (let at: TrieNode<T> | undefined = n; at !== undefined && at.mark !== stamp; at = at.wildcard) {
      at.mark = stamp;
      into[count++] = at;
    }
    return count;
  }

  private run(name: string): { item: T; plan: PatternPlan } | null {
    let active = this.active;
    let next = this.next;
    // The arrays are reused and never shortened (setting `length` is slow): counts say what is live.
    let count = PatternList.enter(this.root, active, 0, ++this.stamp);
    for (let i = 0; i < name.length && count > 0; i++) {
      const ch = name.charCodeAt(i);
      const stamp = ++this.stamp;
      let nextCount = 0;
      for (let k = 0; k < count; k++) {
        const n = active[k];
        // Stryker disable next-line ConditionalExpression,EqualityOperator: skips a Map lookup; an empty Map answers undefined too
        const lit = n.literal.size > 0 ? n.literal.get(ch) : undefined;
        // Stryker disable next-line ConditionalExpression: enter() adds nothing for undefined
        if (lit) nextCount = PatternList.enter(lit, next, nextCount, stamp);
        if (ch !== SLASH && n.variable) nextCount = PatternList.enter(n.variable, next, nextCount, stamp);
        // `*` is deepstream's `.*`: it stops at line terminators.
        if ((n.loops === ANY && !isLineTerminator(ch)) || (n.loops === SEGMENT && ch !== SLASH)) nextCount = PatternList.enter(n, next, nextCount, stamp);
      }
      const swap = active;
      active = next;
      next = swap;
      count = nextCount;
    }
    this.active = active;
    this.next = next;
    let best: { item: T; plan: PatternPlan } | null = null;
    for (let k = 0; k < count; k++) {
      const b = active[k].best;
      if (b && (!best || better(b.item, best.item))) best = b;
    }
    return best;
  }
}
