/**
 * Sets of characters as JavaScript's RegExp defines them, as sorted ranges. Rule regexes are run
 * on re2js, whose `\s`, `.`, `/i` and `^`/`$` differ from JavaScript's, so every character set of
 * a pattern is computed here with JavaScript's meaning and handed to RE2 explicitly
 * (regex-alphabet.ts). "Characters" are UTF-16 code units without `u`/`v`, code points with them.
 */
import { RE2JS, RE2Set } from 're2js';

/** Sorted, disjoint, inclusive ranges, flattened: [lo0, hi0, lo1, hi1, …]. */
export type Ranges = number[];

export const MAX_CODE_POINT = 0x10ffff;
export const MAX_CODE_UNIT = 0xffff;

export const hex = (c: number): string => `\\x{${c.toString(16)}}`;

export function normalize(pairs: number[][]): Ranges {
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export const pairsOf = (r: Ranges): number[][] => Array.from({ length: r.length / 2 }, (_, i) => [r[2 * i], r[2 * i + 1]]);
export const unionRanges = (a: Ranges, b: Ranges): Ranges => normalize([...pairsOf(a), ...pairsOf(b)]);

export function complement(r: Ranges, max = MAX_CODE_POINT): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i] > max) break;
    if (r[i] > next) out.push(next, r[i] - 1);
    next = r[i + 1] + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

export const intersectRanges = (a: Ranges, b: Ranges, max = MAX_CODE_POINT): Ranges => complement(unionRanges(complement(a, max), complement(b, max)), max);
export const subtractRanges = (a: Ranges, b: Ranges, max = MAX_CODE_POINT): Ranges => intersectRanges(a, complement(b, max), max);

export function hasChar(r: Ranges, c: number): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < r[2 * mid]) hi = mid - 1;
    else if (c > r[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** JavaScript's LineTerminator: what `.` leaves out and what `^`/`$` see as line ends with `m`. */
export const LINE_TERMINATORS: Ranges = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];
/** `\s`: WhiteSpace and LineTerminator (RE2's `\s` is only `[\t\n\f\r ]`). */
export const SPACE: Ranges = normalize([[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]]);
export const DIGIT: Ranges = [0x30, 0x39];
const ASCII_WORD: Ranges = normalize([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
/** `\w`, and what `\b` calls a word character: with `i` and `u`/`v`, also ſ and the Kelvin sign (they fold to s and k). */
export const wordSet = (ignoreCase: boolean, unicode: boolean): Ranges => (ignoreCase && unicode ? unionRanges(ASCII_WORD, [0x17f, 0x17f, 0x212a, 0x212a]) : ASCII_WORD);

interface Parsed {
  readonly op: number;
  readonly runes: ArrayLike<number> | null;
  readonly constructor: { readonly Op: Readonly<Record<number, string>> };
}

/** The code points re2js reads in `source` (a class, or one literal); undefined when it is neither. */
export function re2SetOf(source: string, fold: boolean): Ranges | undefined {
  const set = new RE2Set(RE2Set.UNANCHORED, fold ? RE2JS.CASE_INSENSITIVE : 0);
  set.add(source);
  const re = set.regexps[0] as Parsed;
  const op = re.constructor.Op[re.op];
  if (op === 'NO_MATCH') return [];
  if (op === 'CHAR_CLASS' && re.runes) return normalize(pairsOf(Array.from(re.runes)));
  if (op === 'LITERAL' && re.runes && re.runes.length === 1) {
    const c = re.runes[0];
    if (!fold) return [c, c];
    // A folded one-rune class is kept as a literal: add a rune without case variants and take it out again.
    const other = c === 0 ? 1 : 0;
    const both = re2SetOf(`[${hex(c)}${hex(other)}]`, true) ?? [c, c];
    return subtractRanges(both, [other, other]);
  }
  return undefined;
}

/** `\p{…}` / `\P{…}` contents as RE2 names them (JavaScript's names RE2 lacks are syntax errors there). */
export function propertySet(name: string): Ranges {
  const set = re2SetOf(`[\\p{${name}}]`, false);
  if (!set) throw new Error(`invalid character class range: \`\\p{${name}}\``);
  return set;
}

/**
 * With `u`/`v`, `/i` compares characters by Unicode simple case folding. re2js folds by the same
 * orbits (checked against V8 for every code point of planes 0 and 1 by test/unit/regex-semantics.test.ts).
 */
function foldUnicode(r: Ranges): Ranges {
  if (r.length === 0) return r;
  return re2SetOf(`[${pairsOf(r).map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('')}]`, true) ?? r;
}

/**
 * Without `u`, `/i` compares Canonicalize(c): the code unit's toUpperCase() when that is one code
 * unit and does not turn a non-ASCII unit into an ASCII one (ES2024 22.2.2.7.3). So ſ (→ S) and the
 * Kelvin sign (already upper case) stay apart from s and k. The groups of units with one
 * canonical value, computed once.
 */
let nonUnicodeGroups: number[][] | undefined;
function canonicalGroups(): number[][] {
  if (nonUnicodeGroups) return nonUnicodeGroups;
  const byCanon = new Map<number, number[]>();
  for (let c = 0; c <= MAX_CODE_UNIT; c++) {
    const upper = String.fromCharCode(c).toUpperCase();
    let canon = upper.length === 1 ? upper.charCodeAt(0) : c;
    if (c >= 128 && canon < 128) canon = c;
    const group = byCanon.get(canon);
    if (group) group.push(c);
    else byCanon.set(canon, [c]);
  }
  nonUnicodeGroups = [...byCanon.values()].filter((g) => g.length > 1);
  return nonUnicodeGroups;
}

function foldCodeUnits(r: Ranges): Ranges {
  const extra: number[][] = [];
  for (const group of canonicalGroups()) if (group.some((c) => hasChar(r, c))) for (const c of group) extra.push([c, c]);
  return extra.length === 0 ? r : unionRanges(r, normalize(extra));
}

/** Every character `/i` makes equal to one in `r`: the set a class matches under `i`. */
export const caseClosure = (r: Ranges, unicode: boolean): Ranges => (unicode ? foldUnicode(r) : foldCodeUnits(r));
