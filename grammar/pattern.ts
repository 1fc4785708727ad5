/** Path patterns: `*` (any run of characters), `$name` (one segment), everything else literal. */
import type { Reporter } from './diagnostic.js';
import { scanRegexSyntax } from './pattern-regex.js';

export type PatternPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'wildcard' };

export interface PathPattern {
  readonly text: string;
  readonly parts: readonly PatternPart[];
  /** `$names` in order of appearance. */
  readonly variables: readonly string[];
}

/**
 * Spans reported are offsets into the pattern text. `written`: the key as written in the file,
 * when `text` is it after `${NAME}` substitution (a suggested replacement keeps the `${NAME}`).
 */
export function parsePattern(text: string, report: Reporter, written?: string): PathPattern | undefined {
  if (text.length === 0) {
    report('VLV0108', { start: 0, end: 0 }, { reason: 'a pattern can not be empty' });
    return undefined;
  }
  if (text.startsWith('/')) {
    report('VLV0108', { start: 0, end: 1 }, { reason: 'a pattern can not start with `/`', rewrite: text.replace(/^\/+/, '') });
    return undefined;
  }
  const parts: PatternPart[] = [];
  const variables: string[] = [];
  let ok = true;
  let literal = '';
  const flush = (): void => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      flush();
      if (parts[parts.length - 1]?.kind !== 'wildcard') parts.push({ kind: 'wildcard' });
    } else if (c === '$') {
      const m = /^[A-Za-z0-9]+/.exec(text.slice(i + 1));
      if (!m && i === text.length - 1) {
        // deepstream's pattern is a regular expression, where a final `$` is the end anchor: it
        // matches nothing more.
        // Alone it leaves `^$`: only the empty name, which no client sends.
        report('VLV0116', { start: i, end: i + 1 }, i === 0 ? { whole: true } : {});
        continue;
      }
      if (!m) {
        const env = /^\$\{[^}]*\}/.exec(text.slice(i));
        if (env) report('VLV0109', { start: i, end: i + env[0].length }, { text: env[0], substitution: true });
        else report('VLV0109', { start: i, end: Math.min(text.length, i + 2) }, { text: text.slice(i, i + 2) });
        ok = false;
        continue;
      }
      const name = `$${m[0]}`;
      if (variables.includes(name)) {
        report('VLV0110', { start: i, end: i + name.length }, { name });
        ok = false;
      }
      flush();
      variables.push(name);
      parts.push({ kind: 'variable', name });
      i += m[0].length;
    } else literal += c;
  }
  flush();
  // deepstream reads the pattern as a regular expression: syntax that would read differently
  // literally is an error (a rule silently covering other names fails open); a lone `.` is literal.
  const scan = scanRegexSyntax(text);
  if (scan.syntax.length > 0) {
    const suggested = written === undefined ? scan.forms : scanRegexSyntax(written).forms;
    const forms = suggested?.every(isValidPattern) ? suggested : undefined;
    for (const s of scan.syntax) report('VLV0118', { start: s.start, end: s.end }, { text: s.text, meaning: s.meaning, advice: s.advice, ...(forms ? { forms } : {}) });
    ok = false;
  }
  // Literal to deepstream too (same decisions), but it looks like syntax: `users/{id}` is a slip for `$id`.
  for (const l of scan.literals) report('VLV0120', { start: l.start, end: l.end }, { text: l.text, ...(l.advice === undefined ? {} : { advice: l.advice }) });
  if (scan.syntax.length === 0 && scan.dots.length > 0) {
    report('VLV0112', { start: scan.dots[0], end: scan.dots[0] + 1 }, { chars: '`.`', count: 1 });
  }
  return ok ? { text, parts, variables } : undefined;
}

/** Whether a suggested replacement is itself a pattern that loads without errors (a `${NAME}` taken as substituted). */
function isValidPattern(text: string): boolean {
  let valid = true;
  parsePattern(text.replace(/\$\{[^}]*\}/g, 'x'), (code) => {
    if (code === 'VLV0108' || code === 'VLV0109' || code === 'VLV0110' || code === 'VLV0118') valid = false;
  });
  return valid;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Pattern parts → anchored RegExp; every literal character is escaped (no regex meaning leaks).
 * For tests and display only: V8 backtracks, so matching names with it can take time polynomial
 * in the name (`*-*-*` on `--` + 4,000 `-` took seconds). Matching uses `PatternPlan` below.
 */
export function patternRegExp(parts: readonly PatternPart[]): RegExp {
  // `*` is deepstream's `.*`: any run of characters except line terminators.
  const body = parts.map((p) => (p.kind === 'literal' ? escapeRegExp(p.text) : p.kind === 'variable' ? '([^/]+)' : '.*')).join('');
  return new RegExp(`^${body}$`);
}

const SLASH = 0x2f;
/** What `*` (deepstream's `.*`) does not cross. */
export const isLineTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** A `$variable` or `*`, and the literal text up to the next one (possibly empty). */
interface Unit {
  readonly variable: boolean;
  readonly then: string;
}

/**
 * A pattern prepared for matching names in time linear in the name (times the pattern's size),
 * whatever the name: matching, `$variable` values and prefix tests, on UTF-16 code units, with the
 * meaning of the pattern's RegExp (greedy, leftmost captures) but never backtracking.
 */
export class PatternPlan {
  /** Literal text before the first `$variable` or `*`. */
  private readonly head: string;
  private readonly units: readonly Unit[];
  private readonly variables: number;

  constructor(readonly parts: readonly PatternPart[]) {
    let head = '';
    const units: { variable: boolean; then: string }[] = [];
    for (const p of parts) {
      if (p.kind === 'literal') {
        if (units.length === 0) head += p.text;
        else units[units.length - 1].then += p.text;
      } else units.push({ variable: p.kind === 'variable', then: '' });
    }
    this.head = head;
    this.units = units;
    this.variables = units.filter((u) => u.variable).length;
  }

  /** Whether the whole name matches. */
  matches(name: string): boolean {
    return this.ends(name) !== undefined;
  }

  /**
   * The `$variable` values when the whole name matches (what the RegExp's groups would hold),
   * else null. Quantifiers are resolved left to right, each taking the longest run after which
   * the rest still matches: exactly the backtracking engine's first success, found in one pass
   * back (which ends can finish the match) and one pass forward.
   */
  captures(name: string): string[] | null {
    const ok = this.ends(name);
    if (ok === undefined) return null;
    if (this.variables === 0) return [];
    const n = name.length;
    const out: string[] = [];
    let pos = this.head.length;
    for (let k = 0; k < this.units.length; k++) {
      const u = this.units[k];
      // The run this unit may take: `$x` up to the next `/`, `*` up to the next line terminator.
      let barrier = pos;
      while (barrier < n && !(u.variable ? name.charCodeAt(barrier) === SLASH : isLineTerminator(name.charCodeAt(barrier)))) barrier++;
      let end = barrier;
      const least = u.variable ? pos + 1 : pos;
      while (end >= least && !this.after(ok, k, end, name)) end--;
      // INVARIANT: `ends` found the match, so some end in [least, barrier] finishes it.
      if (end < least) return null;
      if (u.variable) out.push(name.slice(pos, end));
      pos = end + u.then.length;
    }
    return out;
  }

  /** Whether some name that starts with `prefix` matches (some position in the pattern survives the prefix). */
  acceptsPrefix(prefix: string): boolean {
    const h = this.head;
    if (prefix.length <= h.length) return h.startsWith(prefix);
    if (!prefix.startsWith(h)) return false;
    // A position after the head: unit k, `at` characters into its literal (-1: in its quantifier;
    // -2: in it before taking a character, which a `$variable` must still do). Kept as a set of
    // `k * STRIDE + at + 2`, simulated character by character: linear in the prefix.
    const stride = Math.max(...this.units.map((u) => u.then.length)) + 3;
    const close = (set: Set<number>, k: number, at: number): void => {
      const id = k * stride + at + 2;
      if (set.has(id)) return;
      set.add(id);
      if (k >= this.units.length) return;
      const u = this.units[k];
      if (at === -1 || (at === -2 && !u.variable)) close(set, k, 0);
      else if (at >= 0 && at === u.then.length) close(set, k + 1, -2);
    };
    let states = new Set<number>();
    close(states, 0, -2);
    for (let i = h.length; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      const next = new Set<number>();
      for (const id of states) {
        const k = Math.floor(id / stride);
        const at = (id % stride) - 2;
        const u = this.units[k];
        if (u === undefined) continue;
        if (at < 0) {
          if (u.variable ? c !== SLASH : !isLineTerminator(c)) close(next, k, -1);
        } else if (at < u.then.length && u.then.charCodeAt(at) === c) close(next, k, at + 1);
      }
      if (next.size === 0) return false;
      states = next;
    }
    return true;
  }

  /**
   * ok[k·(n+2) + j] = 1 when units k… match name[j…] to its end (k = units.length: j is the end).
   * Filled from the end of the name backwards; undefined when the name does not match at all.
   */
  private ends(name: string): Uint8Array | undefined {
    const h = this.head;
    if (!name.startsWith(h)) return undefined;
    const n = name.length;
    const q = this.units.length;
    if (q === 0) return n === h.length ? EMPTY : undefined;
    const w = n + 2;
    const ok = new Uint8Array((q + 1) * w);
    ok[q * w + n] = 1;
    for (let k = q - 1; k >= 0; k--) {
      const u = this.units[k];
      const row = k * w;
      for (let j = n; j >= h.length; j--) {
        if (u.variable) {
          // `$x` takes name[j] (not `/`), then stops or goes on
          ok[row + j] = j < n && name.charCodeAt(j) !== SLASH && (this.after(ok, k, j + 1, name) || ok[row + j + 1] === 1) ? 1 : 0;
        } else {
          // `*` stops here, or takes name[j] (not a line terminator) and goes on
          ok[row + j] = this.after(ok, k, j, name) || (j < n && !isLineTerminator(name.charCodeAt(j)) && ok[row + j + 1] === 1) ? 1 : 0;
        }
      }
    }
    return ok[h.length] === 1 ? ok : undefined;
  }

  /** Whether unit k's run may end at `end`: its literal follows there, and the units after it match the rest. */
  private after(ok: Uint8Array, k: number, end: number, name: string): boolean {
    const then = this.units[k].then;
    if (then.length > 0 && !name.startsWith(then, end)) return false;
    const j = end + then.length;
    return j <= name.length && ok[(k + 1) * (name.length + 2) + j] === 1;
  }
}

const EMPTY = new Uint8Array(0);

const plans = new WeakMap<readonly PatternPart[], PatternPlan>();
/** The plan of a parsed pattern's parts, made once per parts array. */
export function planOf(parts: readonly PatternPart[]): PatternPlan {
  let plan = plans.get(parts);
  if (plan === undefined) plans.set(parts, (plan = new PatternPlan(parts)));
  return plan;
}

/** Could some name that starts with `prefix` match the pattern? */
export function acceptsPrefix(parts: readonly PatternPart[], prefix: string): boolean {
  return planOf(parts).acceptsPrefix(prefix);
}
