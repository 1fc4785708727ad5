/**
 * How a rule regex runs exactly as JavaScript's RegExp on re2js, which is linear-time but reads
 * strings as code points, folds case its own way and knows only `\n` as a line end.
 *
 * The characters a pattern tells apart fall into a few classes: two characters that every set
 * of the pattern (and, where it matters, "is a word character" / "is a line terminator") either
 * holds or does not are interchangeable. Each class gets an id, and both the pattern and the input
 * are rewritten over ids: the pattern's sets become RE2 classes of ids, and before matching each
 * character of the input (a UTF-16 code unit without `u`, a code point with it) becomes the one
 * BMP rune of its id. So `.` sees one code unit of an emoji without `u`, `/\uD83D/` finds its
 * high surrogate, `[^a]` a lone surrogate, and the sets are JavaScript's (computed in
 * regex-charset.ts), whatever RE2's own `\s` or `(?i)` would have been.
 *
 * `^`/`$` with `m` and `\b`/`\B` look at the characters around a position, and `$` and `\b` at
 * the next one, which RE2 can not look ahead at. For those patterns every rune also carries two
 * bits about the character after it (is it a word character, a line terminator), and a sentinel
 * rune before the input carries them for the first one; the assertions become one-rune
 * lookbehinds (linear-time in re2js, flag LOOKBEHINDS) on the rune before the position.
 * Matching then starts at index 1, after the sentinel.
 */
import { hex, LINE_TERMINATORS, MAX_CODE_POINT, MAX_CODE_UNIT, wordSet, type Ranges } from './regex-charset.js';
import type { RegexFlags, RegexNode } from './regex-parse.js';

/** What the runtime needs to rewrite an input over ids (serialized into compiled modules). */
export interface Alphabet {
  /** Code points (`u`/`v`) or UTF-16 code units. */
  readonly unicode: boolean;
  /** Sorted starts of runs of characters of one id: `starts[0]` is 0, run k has id `ids[k]`. */
  readonly starts: readonly number[];
  readonly ids: readonly number[];
  /** With next-character bits: per id, bit 0 "word character", bit 1 "line terminator"; id 0 is the sentinel. */
  readonly kinds?: readonly number[];
}

/** The first rune used for an id (any BMP code unit outside the surrogates would do). */
export const RUNE_BASE = 0x30;
const RUNE_LIMIT = 0xd800;
const NO_MATCH = '[^\\x{0}-\\x{10FFFF}]';

export interface AlphabetProgram {
  readonly alphabet: Alphabet;
  readonly source: string;
  /** The JavaScript capture each RE2 capture stands for, by RE2 number − 1 (a capture may be written more than once); -1 for an iteration's. */
  readonly captures: readonly number[];
  readonly loops: readonly Loop[];
  readonly lookbehinds: boolean;
}

export class TooManySets extends Error {}

/**
 * A quantifier whose body holds captures. JavaScript resets them at each iteration, RE2 keeps the
 * last value each took, so each written copy of the body (a part) is wrapped in one more capture,
 * and the runtime keeps only what the last iteration set (see RegexValue). RE2 capture numbers.
 */
export interface Loop {
  readonly parts: readonly { readonly iteration: number; readonly inner: readonly number[] }[];
}

/** The index of the last of the ascending `sorted` that is at most `c` (0 when none is; sorted[0] is 0 where this is used). */
export function lastAtMost(sorted: readonly number[], c: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= c) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function collect(node: RegexNode, sets: Ranges[], asserts: Set<string>): void {
  switch (node.kind) {
    case 'char':
      sets.push(node.set);
      return;
    case 'seq':
      for (const n of node.items) collect(n, sets, asserts);
      return;
    case 'alt':
      for (const n of node.alts) collect(n, sets, asserts);
      return;
    case 'group':
    case 'repeat':
      collect(node.body, sets, asserts);
      return;
    case 'assert':
      asserts.add(node.what);
  }
}

/** The captures every way through `n` sets (JavaScript numbers). */
function alwaysSet(n: RegexNode): Set<number> {
  switch (n.kind) {
    case 'group': {
      const inner = alwaysSet(n.body);
      if (n.index !== null) inner.add(n.index);
      return inner;
    }
    case 'seq':
      return new Set(n.items.flatMap((x) => [...alwaysSet(x)]));
    case 'alt': {
      const [first, ...rest] = n.alts.map(alwaysSet);
      return new Set([...first].filter((g) => rest.every((r) => r.has(g))));
    }
    case 'repeat':
      return n.min > 0 ? alwaysSet(n.body) : new Set();
    default:
      return new Set();
  }
}

function capturesIn(n: RegexNode, out: number[] = []): number[] {
  if (n.kind === 'group' && n.index !== null) out.push(n.index);
  if (n.kind === 'group' || n.kind === 'repeat') capturesIn(n.body, out);
  if (n.kind === 'seq') for (const x of n.items) capturesIn(x, out);
  if (n.kind === 'alt') for (const x of n.alts) capturesIn(x, out);
  return out;
}

/**
 * Whether RE2 could report a capture of this repeated body that an earlier iteration set: not
 * when every iteration sets each of them again, once (`(a+)+`, `(a|b)*`), which spares the
 * extra capture and its two instructions (maxRegexWork counts them).
 */
function mayKeepStaleCapture(body: RegexNode): boolean {
  const all = capturesIn(body);
  if (all.length === 0) return false;
  const always = alwaysSet(body);
  return new Set(all).size !== all.length || all.some((g) => !always.has(g));
}

/** The RE2 program over ids for a parsed pattern, and its alphabet. */
export function buildProgram(root: RegexNode, f: RegexFlags): AlphabetProgram {
  const unicode = f.unicode || f.unicodeSets;
  const max = unicode ? MAX_CODE_POINT : MAX_CODE_UNIT;
  const found: Ranges[] = [];
  const asserts = new Set<string>();
  collect(root, found, asserts);
  const flagged = asserts.has('b') || asserts.has('B') || (f.multiline && (asserts.has('^') || asserts.has('$')));
  const word = wordSet(f.ignoreCase, unicode);
  const distinct = new Map<string, Ranges>();
  for (const s of flagged ? [...found, word, LINE_TERMINATORS] : found) distinct.set(s.join(','), s);
  const sets = [...distinct.values()];

  // Elementary intervals: between consecutive boundaries every set is all in or all out.
  const cutSet = new Set<number>([0]);
  for (const s of sets) for (let i = 0; i < s.length; i += 2) if (s[i] <= max) cutSet.add(s[i]).add(s[i + 1] + 1);
  const cuts = [...cutSet].filter((c) => c <= max).sort((a, b) => a - b);
  const signature: number[][] = cuts.map(() => []);
  const intervalOf = (c: number): number => lastAtMost(cuts, c);
  sets.forEach((s, k) => {
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] > max) break;
      const last = intervalOf(Math.min(s[i + 1], max));
      for (let j = intervalOf(s[i]); j <= last; j++) signature[j].push(k);
    }
  });
  const idOfKey = new Map<string, number>();
  const intervalIds = signature.map((sig) => {
    const key = sig.join(',');
    let id = idOfKey.get(key);
    if (id === undefined) idOfKey.set(key, (id = idOfKey.size + 1));
    return id;
  });
  const count = idOfKey.size + 1; // with id 0, the sentinel
  const width = flagged ? 4 : 1;
  if (RUNE_BASE + count * width > RUNE_LIMIT) throw new TooManySets();

  const starts: number[] = [];
  const ids: number[] = [];
  intervalIds.forEach((id, j) => {
    if (ids[ids.length - 1] !== id) {
      starts.push(cuts[j]);
      ids.push(id);
    }
  });
  /** The ids whose characters are all in `s` (`s` is one of `sets`, or made of their boundaries). */
  const idsOf = (s: Ranges): number[] => {
    const out = new Set<number>();
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] > max) break;
      const last = intervalOf(Math.min(s[i + 1], max));
      for (let j = intervalOf(s[i]); j <= last; j++) out.add(intervalIds[j]);
    }
    return [...out].sort((a, b) => a - b);
  };
  let kinds: number[] | undefined;
  if (flagged) {
    kinds = new Array<number>(count).fill(0);
    for (const id of idsOf(word)) kinds[id] |= 1;
    for (const id of idsOf(LINE_TERMINATORS)) kinds[id] |= 2;
  }

  /** An RE2 class of the runes of `chosen` ids; `bits` picks which next-character variants. */
  const klass = (chosen: readonly number[], bits: (id: number) => readonly number[] = () => [0, 1, 2, 3]): string => {
    const runes: number[][] = [];
    for (const id of chosen) {
      if (width === 1) runes.push([RUNE_BASE + id, RUNE_BASE + id]);
      else for (const b of bits(id)) runes.push([RUNE_BASE + id * 4 + b, RUNE_BASE + id * 4 + b]);
    }
    runes.sort((a, b) => a[0] - b[0]);
    const merged: number[][] = [];
    for (const r of runes) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    if (merged.length === 0) return NO_MATCH;
    return `[${merged.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('')}]`;
  };
  const allIds = Array.from({ length: count }, (_, i) => i);
  const assertion = (what: string): string => {
    if (!flagged) return what === '^' ? '\\A' : '\\z';
    const k = kinds!;
    switch (what) {
      case '^':
        return `(?<=${klass(f.multiline ? allIds.filter((id) => id === 0 || k[id] & 2) : [0])})`;
      case '$':
        return f.multiline ? `(?:\\z|(?<=${klass(allIds, () => [2, 3])}))` : '\\z';
      default: {
        // A boundary where "this is a word character" differs from "the next one is".
        const boundary = what === 'b';
        return `(?<=${klass(allIds, (id) => ((k[id] & 1) === 1) === boundary ? [0, 2] : [1, 3])})`;
      }
    }
  };
  const captures: number[] = [];
  const loopParts = new Map<number, { iteration: number; inner: number[] }[]>();
  const classCache = new Map<Ranges, string>();
  const emit = (node: RegexNode): string => {
    switch (node.kind) {
      case 'char': {
        let text = classCache.get(node.set);
        if (text === undefined) classCache.set(node.set, (text = klass(idsOf(node.set))));
        return text;
      }
      case 'seq':
        return node.items.length === 0 ? '(?:)' : node.items.map((n) => (n.kind === 'alt' ? `(?:${emit(n)})` : emit(n))).join('');
      case 'alt':
        return node.alts.map(emit).join('|');
      case 'group':
        if (node.index === null) return `(?:${emit(node.body)})`;
        captures.push(node.index);
        return `(${emit(node.body)})`;
      case 'repeat': {
        let body: string;
        if (node.loop !== undefined && mayKeepStaleCapture(node.body)) {
          captures.push(-1);
          const iteration = captures.length;
          body = `(${emit(node.body)})`;
          const inner = Array.from({ length: captures.length - iteration }, (_, i) => iteration + 1 + i);
          const parts = loopParts.get(node.loop) ?? [];
          parts.push({ iteration, inner });
          loopParts.set(node.loop, parts);
        } else body = node.body.kind === 'char' || node.body.kind === 'group' ? emit(node.body) : `(?:${emit(node.body)})`;
        const { min, max: most } = node;
        const q = min === 0 && most === Infinity ? '*' : min === 1 && most === Infinity ? '+' : min === 0 && most === 1 ? '?' : most === Infinity ? `{${min},}` : min === most ? `{${min}}` : `{${min},${most}}`;
        return `${body}${q}${node.lazy ? '?' : ''}`;
      }
      case 'assert':
        return assertion(node.what);
    }
  };
  const source = emit(root);
  // Outer quantifiers first: their resets decide whether an inner one iterated at all last time.
  const loops = [...loopParts.values()].sort((a, b) => a[0].iteration - b[0].iteration).map((parts) => ({ parts }));
  return { alphabet: { unicode, starts, ids, ...(kinds ? { kinds } : {}) }, source, captures, loops, lookbehinds: flagged };
}

/** An input rewritten over ids, and how to find an index of the original from one of it. */
export interface MappedInput {
  readonly text: string;
  /** Original index of each index of `text` (and of its end); absent when it is the index minus `offset`. */
  readonly back?: Int32Array;
  readonly offset: number;
}

/** Runes are BMP code units below the surrogates (never a BOM), so the array is valid UTF-16 as it is (little-endian, as every JavaScript host is). */
const DECODER = new TextDecoder('utf-16le', { ignoreBOM: true });

/** Looks up ids of characters for one alphabet, with a table for ASCII. */
export class InputMapper {
  private readonly ascii = new Uint16Array(128);
  constructor(private readonly a: Alphabet) {
    for (let c = 0; c < 128; c++) this.ascii[c] = this.lookup(c);
  }

  private lookup(c: number): number {
    return this.a.ids[lastAtMost(this.a.starts, c)];
  }

  map(input: string): MappedInput {
    const unicode = this.a.unicode;
    const kinds = this.a.kinds;
    const offset = kinds ? 1 : 0;
    const width = kinds ? 4 : 1;
    // Runes are written id × width first; the next-character bits are added in a second pass.
    const runes = new Uint16Array(input.length + offset);
    let n = offset;
    let back: Int32Array | undefined;
    const ascii = this.ascii;
    for (let i = 0; i < input.length; i++) {
      let c = input.charCodeAt(i);
      if (c < 128) {
        if (back) back[n] = i;
        runes[n++] = RUNE_BASE + ascii[c] * width;
        continue;
      }
      if (unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
        const d = input.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          if (!back) {
            back = new Int32Array(input.length + 2);
            for (let k = 0; k < n; k++) back[k] = k - offset;
          }
          back[n] = i;
          runes[n++] = RUNE_BASE + this.lookup(c) * width;
          i++;
          continue;
        }
      }
      if (back) back[n] = i;
      runes[n++] = RUNE_BASE + this.lookup(c) * width;
    }
    if (kinds) {
      // The sentinel is id 0; each rune learns what the character after it is.
      runes[0] = RUNE_BASE;
      for (let k = 0; k < n; k++) runes[k] += k + 1 < n ? kinds[(runes[k + 1] - RUNE_BASE) >> 2] : 0;
    }
    const text = DECODER.decode(runes.subarray(0, n));
    if (!back) return { text, offset };
    // Index k of `text` is character k - offset of the input (the sentinel counts as index 0).
    const full = new Int32Array(n + 1);
    for (let k = 0; k <= n; k++) full[k] = k < offset ? 0 : k < n ? back[k] : input.length;
    return { text, back: full, offset };
  }

  /** The original index of index `k` of a mapped input. */
  static original(m: MappedInput, k: number): number {
    return m.back ? m.back[k] : k - m.offset;
  }
}
