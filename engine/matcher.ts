/**
 * Rule selection: among the patterns of a section that define the action and match the whole
 * name, the longest pattern text wins; on equal length the one with the higher `order` (deepstream's
 * iteration order, grammar/key-order.ts: integer-like keys first, then file order).
 *
 * Patterns are merged into one character trie per section and action, with two special edges:
 * a `$variable` edge (one or more characters other than `/`) and a `*` edge (any run of
 * characters but line terminators). The trie is a nondeterministic automaton over the name's
 * UTF-16 code units; a lookup runs it as a DFA built lazily by subset construction (a DFA state
 * is a set of trie nodes and knows its winner), so a name never seen before costs one array
 * read per character, whatever the number of patterns (issue #14). Transitions are indexed by
 * character class: each code unit some pattern spells out has its own class, and every other
 * code unit is `/`, a line terminator or "anything else" (all that `$variable` and `*` tell apart).
 *
 * Making the DFA costs nothing up front (its start state; the classes are collected as patterns
 * are added), so the first check after a reload does not walk the trie; each state is made the
 * first time a name needs it.
 *
 * The DFA is bounded (MAX_CELLS transitions, MAX_ENTRIES trie nodes over all its states): past
 * that, a hostile pattern set whose DFA would be huge gets no new states, and a lookup that
 * needs one goes on from where it is with the NFA simulation (the trie walked with a set of
 * active nodes, deduplicated by a stamp: no Sets per character, issue #9), which costs the name's
 * length times the trie's size at worst.
 *
 * There is no memo of looked-up names: on names never seen before (most real traffic, issue #14)
 * hashing each one into a Map cost more than the DFA walk it would save on a repeat, and a
 * remembered answer had to be frozen to be shared between decisions. Each lookup's values are
 * its own.
 *
 * Only the winner's `$variable` values are read, in one pass over the name when every variable
 * ends where a `/` follows (the usual `users/$id/…`), else by its PatternPlan (linear in the name
 * times the pattern: a backtracking RegExp took seconds on names a client chose, issue #13).
 */
import { isLineTerminator, patternRegExp, PatternPlan, type PatternPart } from '../grammar/index.js';

export { patternRegExp };

export interface Selectable {
  readonly pattern: string;
  readonly order: number;
  readonly parts: readonly PatternPart[];
}

const NONE = 0;
/** After a `$variable`: loops on non-`/` characters. */
const SEGMENT = 1;
/** After a `*`: loops on every character but line terminators. */
const ANY = 2;
const SLASH = 0x2f;

/** The pattern chosen at a trie node, and how to read its `$variable` values. */
interface Best<T> {
  readonly item: T;
  readonly plan: PatternPlan;
  /** The `$names` in declaration order. */
  readonly names: readonly string[];
  /**
   * When every `$variable` comes before any `*` and ends the pattern or is followed by a literal
   * starting with `/`, each value is the text up to the next `/`: here the length of the literal
   * before each variable (after the previous one). Undefined otherwise.
   */
  readonly segments?: readonly number[];
  /** The answer for a pattern without variables, or for a name-less request (made once: no values to copy). */
  readonly bare: Match<T>;
}

interface TrieNode<T> {
  /** Number within its list (DFA states are sets of these). */
  readonly id: number;
  /** Literal edges by UTF-16 code unit. */
  readonly literal: Map<number, TrieNode<T>>;
  variable?: TrieNode<T>;
  wildcard?: TrieNode<T>;
  /** The best pattern ending exactly here. */
  best?: Best<T>;
  readonly loops: typeof NONE | typeof SEGMENT | typeof ANY;
  /** The step that last added this node to a set (dedupes the active nodes). */
  mark: number;
}

// Stryker disable next-line EqualityOperator: orders are unique within a list, so `>` and `>=` agree
const better = (a: Selectable, b: Selectable): boolean => a.pattern.length > b.pattern.length || (a.pattern.length === b.pattern.length && a.order > b.order);

/** A lookup's answer: the rule and its `$variable` values in declaration order. */
export interface Match<T> {
  readonly item: T;
  readonly vars: readonly string[];
  /** The same values by `$name`: made by this lookup (shared and frozen only when there are none). */
  readonly named: Readonly<Record<string, string>>;
}

const NO_VARS: readonly string[] = Object.freeze([]);
const NO_NAMED: Readonly<Record<string, string>> = Object.freeze({});

/** DFA bounds: transitions (4 bytes each) and trie nodes held by all states together. */
const MAX_CELLS = 1 << 20;
const MAX_ENTRIES = 1 << 18;

/** Character classes every DFA has; code units a pattern spells out get 3, 4, … */
const OTHER = 0;
const SLASH_CLASS = 1;
const TERMINATOR = 2;

/** What a character class does: its literal code unit (or -1: none), and whether `$variable` and `*` take it. */
interface CharClass {
  readonly literal: number;
  readonly inSegment: boolean;
  readonly inAny: boolean;
}

/**
 * The last stamp given to a step that fills a set of trie nodes (NFA step or DFA transition):
 * one counter for every list, so a node's `mark` is never a stamp of another step.
 */
let stamps = 0;

/** DFA state numbers: 0 in a transition table means "not computed yet". */
const UNKNOWN = 0;
const DEAD = 1;
const START = 2;

/** Options for tests: smaller DFA bounds, to run the NFA fallback on small pattern sets. */
export interface PatternListOptions {
  readonly maxCells?: number;
  readonly maxEntries?: number;
}

export class PatternList<T extends Selectable> {
  private nodes = 0;
  /** Every code unit some pattern spells out (each gets its own character class). */
  private readonly spelled = new Set<number>();
  private readonly root: TrieNode<T> = this.node(NONE);
  /** Active nodes of the current and the next step of the NFA (reused; lookups are synchronous). */
  // Stryker disable next-line ArrayDeclaration: scratch; every slot is written before it is read
  private active: TrieNode<T>[] = [];
  // Stryker disable next-line ArrayDeclaration: scratch; every slot is written before it is read
  private next: TrieNode<T>[] = [];
  /** The DFA, made at the first lookup after the last add. */
  private dfa: Dfa<T> | undefined;
  private readonly maxCells: number;
  private readonly maxEntries: number;

  constructor(items: readonly T[], options: PatternListOptions = {}) {
    this.maxCells = options.maxCells ?? MAX_CELLS;
    this.maxEntries = options.maxEntries ?? MAX_ENTRIES;
    for (const item of items) this.add(item);
  }

  private node(loops: TrieNode<T>['loops']): TrieNode<T> {
    // Stryker disable next-line UpdateOperator: ids need only be distinct (set keys), which counting down keeps them
    return { id: this.nodes++, literal: new Map(), loops, mark: 0 };
  }

  /** One more pattern; the order of adds does not matter (`better` decides). */
  add(item: T): void {
    let at = this.root;
    for (const part of item.parts) {
      if (part.kind === 'literal') {
        for (let i = 0; i < part.text.length; i++) {
          const ch = part.text.charCodeAt(i);
          this.spelled.add(ch);
          let next = at.literal.get(ch);
          if (!next) at.literal.set(ch, (next = this.node(NONE)));
          at = next;
        }
      } else if (part.kind === 'variable') at = at.variable ??= this.node(SEGMENT);
      else at = at.wildcard ??= this.node(ANY);
    }
    if (!at.best || better(item, at.best.item)) at.best = bestOf(item);
    this.dfa = undefined;
  }

  /** The DFA's size now: states, transitions and trie nodes its states hold (bounded by the options). */
  get automaton(): { readonly states: number; readonly cells: number; readonly entries: number } {
    const d = this.dfa;
    return d ? { states: d.sets.length - START, cells: d.sets.length * d.stride, entries: d.entries } : { states: 0, cells: 0, entries: 0 };
  }

  /** The chosen rule and the values of its `$variables` in declaration order. */
  match(given: string | undefined): Match<T> | undefined {
    // A name-less request (presence query of all users) is matched as the text "undefined", as
    // deepstream does; the rule itself still sees `name` and every `$variable` as undefined
    // (deepstream reads variables only from a name it was given).
    const name = given ?? 'undefined';
    const best = this.run(name);
    if (!best) return undefined;
    // Stryker disable next-line ConditionalExpression: a shortcut; without variables the segment pass below reads no value either
    if (best.names.length === 0 || given === undefined) return best.bare;
    const vars = best.segments ? segmentValues(best.segments, name) : best.plan.captures(name);
    // INVARIANT: the automaton and the plan accept the same names (test/grammar/pattern-plan.test.ts).
    // Stryker disable next-line ConditionalExpression: unreachable by that invariant
    if (!vars) return undefined;
    const named: Record<string, string> = {};
    for (let i = 0; i < vars.length; i++) named[best.names[i]] = vars[i];
    return { item: best.item, vars, named };
  }

  /** The winner for the whole name: the DFA, and the NFA from where the DFA may grow no more. */
  private run(name: string): Best<T> | null {
    const d = (this.dfa ??= new Dfa(this.root, this.spelled, this.maxCells, this.maxEntries));
    const { ascii, high, stride } = d;
    let trans = d.trans;
    let s = START;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      const at = s * stride + (c < 128 ? ascii[c] : (high.get(c) ?? OTHER));
      s = trans[at];
      if (s === UNKNOWN) {
        s = d.add((at / stride) | 0, at % stride);
        if (s === UNKNOWN) return this.simulate(d.sets[(at / stride) | 0], name, i);
        // the table may have grown
        trans = d.trans;
      }
      // Stryker disable next-line ConditionalExpression: a shortcut; DEAD wins nothing and leads only to DEAD, so reading on ends with no winner too
      if (s === DEAD) return null;
    }
    return d.winners[s];
  }

  /** Adds a node (and, as `*` may match nothing, the nodes after its `*` edges) once per step; the new count. */
  private static enter<T>(n: TrieNode<T>, into: TrieNode<T>[], count: number, stamp: number): number {
    for (let at: TrieNode<T> | undefined = n; at !== undefined && at.mark !== stamp; at = at.wildcard) {
      at.mark = stamp;
      into[count++] = at;
    }
    return count;
  }

  /**
   * The NFA from the nodes `from` (a closed set) at position `at`: one step per character over
   * the active nodes, each added once per step.
   */
  private simulate(from: readonly TrieNode<T>[], name: string, at: number): Best<T> | null {
    let active = this.active;
    let next = this.next;
    // The arrays are reused and never shortened (setting `length` is slow): counts say what is live.
    let count = from.length;
    // Stryker disable next-line EqualityOperator: one more slot, past the live count, is never read before it is written
    for (let k = 0; k < count; k++) active[k] = from[k];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; a step over no active node adds none, so reading on ends with no winner too
    for (let i = at; i < name.length && count > 0; i++) {
      const ch = name.charCodeAt(i);
      const stamp = ++stamps;
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
    return winnerOf(active, count);
  }
}

/** The best pattern ending at one of the first `count` nodes. */
function winnerOf<T extends Selectable>(nodes: readonly TrieNode<T>[], count: number): Best<T> | null {
  let best: Best<T> | null = null;
  for (let k = 0; k < count; k++) {
    const b = nodes[k].best;
    if (b && (!best || better(b.item, best.item))) best = b;
  }
  return best;
}

function bestOf<T extends Selectable>(item: T): Best<T> {
  const names: string[] = [];
  const skip: number[] = [];
  let literal = 0;
  let simple = true;
  let wildcard = false;
  for (const [k, p] of item.parts.entries()) {
    if (p.kind === 'literal') literal += p.text.length;
    else if (p.kind === 'wildcard') wildcard = true;
    else {
      names.push(p.name);
      skip.push(literal);
      literal = 0;
      // A value ends at the first `/` (or the name's end) after it only when a `/` or nothing
      // follows; and its start is fixed only when no `*` comes before it.
      const then = item.parts[k + 1];
      if (wildcard || (then !== undefined && !(then.kind === 'literal' && then.text.charCodeAt(0) === SLASH))) simple = false;
    }
  }
  const plan = new PatternPlan(item.parts);
  const bare: Match<T> = Object.freeze({ item, vars: NO_VARS, named: NO_NAMED });
  return simple ? { item, plan, names, segments: skip, bare } : { item, plan, names, bare };
}

/** The `$variable` values of a name the pattern matches (checked by the automaton), each up to its next `/`. */
function segmentValues(skip: readonly number[], name: string): string[] {
  // Stryker disable next-line ArrayDeclaration: every slot is written below; the length only saves growing the array
  const out = new Array<string>(skip.length);
  let pos = 0;
  for (let k = 0; k < skip.length; k++) {
    pos += skip[k];
    let end = name.indexOf('/', pos);
    // Stryker disable next-line EqualityOperator: never 0: a value is at least one character other than `/`, and only the first can start at 0
    if (end < 0) end = name.length;
    out[k] = name.slice(pos, end);
    pos = end;
  }
  return out;
}

/**
 * The lazily built DFA of one trie: state `s` holds the closed set of trie nodes `sets[s]`, its
 * winner, and its transitions at `trans[s * stride + class]` (UNKNOWN until first used).
 */
class Dfa<T extends Selectable> {
  /** Class of each ASCII code unit; others are in `high` or OTHER. */
  readonly ascii = new Uint16Array(128);
  readonly high = new Map<number, number>();
  readonly classes: CharClass[] = [
    { literal: -1, inSegment: true, inAny: true },
    { literal: -1, inSegment: false, inAny: true },
    { literal: -1, inSegment: true, inAny: false },
  ];
  readonly stride: number;
  trans: Int32Array;
  readonly sets: (readonly TrieNode<T>[])[] = [];
  readonly winners: (Best<T> | null)[] = [];
  /** Trie nodes held by all states. */
  entries = 0;
  private readonly index = new Map<string, number>();

  constructor(
    root: TrieNode<T>,
    spelled: ReadonlySet<number>,
    private readonly maxCells: number,
    private readonly maxEntries: number,
  ) {
    this.ascii[SLASH] = SLASH_CLASS;
    for (const c of [10, 13, 0x2028, 0x2029]) this.setClass(c, TERMINATOR);
    for (const c of spelled) {
      this.setClass(c, this.classes.length);
      this.classes.push({ literal: c, inSegment: c !== SLASH, inAny: !isLineTerminator(c) });
    }
    this.stride = this.classes.length;
    // Stryker disable next-line ArithmeticOperator: the first capacity only; intern() grows the table to what the states need
    this.trans = new Int32Array(this.stride * 8);
    // 0 is never a state, and a lookup stops at DEAD (no node left): neither set nor row is read.
    // Stryker disable next-line ArrayDeclaration: as above, the sets of UNKNOWN and DEAD are never read
    this.sets.push([], []);
    this.winners.push(null, null);
    const start: TrieNode<T>[] = [];
    this.enter(root, start, ++stamps);
    this.intern(start, true);
  }

  private setClass(c: number, cls: number): void {
    if (c < 128) this.ascii[c] = cls;
    else this.high.set(c, cls);
  }

  /** Adds a node and the nodes after its `*` edges, once (by stamp). */
  private enter(n: TrieNode<T>, into: TrieNode<T>[], stamp: number): void {
    for (let at: TrieNode<T> | undefined = n; at !== undefined && at.mark !== stamp; at = at.wildcard) {
      at.mark = stamp;
      into.push(at);
    }
  }

  /**
   * The state after `s` on class `cls`, made and recorded; UNKNOWN when the target is a new
   * state and the DFA is at its bound (the caller goes on with the NFA).
   */
  add(s: number, cls: number): number {
    const { literal, inSegment, inAny } = this.classes[cls];
    const into: TrieNode<T>[] = [];
    const stamp = ++stamps;
    for (const n of this.sets[s]) {
      // Stryker disable next-line ConditionalExpression: no literal edge is on -1 (the classes without a code unit): get(-1) finds none
      if (literal >= 0) {
        const lit = n.literal.get(literal);
        // Stryker disable next-line ConditionalExpression: enter() adds nothing for undefined
        if (lit) this.enter(lit, into, stamp);
      }
      if (inSegment && n.variable) this.enter(n.variable, into, stamp);
      if ((n.loops === ANY && inAny) || (n.loops === SEGMENT && inSegment)) this.enter(n, into, stamp);
    }
    const t = into.length === 0 ? DEAD : this.intern(into);
    // Stryker disable next-line ConditionalExpression: as true, UNKNOWN is written over UNKNOWN (the cell was not computed yet)
    if (t !== UNKNOWN) this.trans[s * this.stride + cls] = t;
    return t;
  }

  /** The state of a set of nodes, made when new and within the bounds (else UNKNOWN). */
  private intern(set: TrieNode<T>[], always = false): number {
    const key = set
      .map((n) => n.id)
      .sort((a, b) => a - b)
      .join(',');
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const s = this.sets.length;
    const cells = (s + 1) * this.stride;
    if (!always && (cells > this.maxCells || this.entries + set.length > this.maxEntries)) return UNKNOWN;
    // Stryker disable next-line EqualityOperator: a table exactly full grows one state early, by doubling and within maxCells alike
    if (cells > this.trans.length) {
      const grown = new Int32Array(Math.max(cells, Math.min(this.trans.length * 2, this.maxCells)));
      grown.set(this.trans);
      this.trans = grown;
    }
    this.sets.push(set);
    this.winners.push(winnerOf(set, set.length));
    this.entries += set.length;
    this.index.set(key, s);
    return s;
  }
}
