/**
 * A JavaScript regular expression (already accepted by JavaScript's own RegExp) → a tree whose
 * leaves are sets of characters with JavaScript's meaning: `\s`, `.`, classes, escapes, and
 * `/i` folded in (regex-charset.ts). Without `u`/`v` a character is a UTF-16 code unit (an emoji
 * in the pattern is two), with them a code point. Features that need backtracking throw
 * Unsupported, with the name the diagnostics use.
 */
import { caseClosure, complement, DIGIT, LINE_TERMINATORS, MAX_CODE_POINT, MAX_CODE_UNIT, normalize, propertySet, SPACE, unionRanges, wordSet, type Ranges } from './regex-charset.js';
import { parseClassSet } from './regex-sets.js';

export type RegexNode =
  | { readonly kind: 'char'; readonly set: Ranges }
  | { readonly kind: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly alts: readonly RegexNode[] }
  /** `index`: the capture's number, null for `(?:…)`. */
  | { readonly kind: 'group'; readonly index: number | null; readonly body: RegexNode }
  /** `loop`: which quantifier of the pattern this is (copies of one keep it; compiler/regex-empty.ts makes them). */
  | { readonly kind: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number; readonly lazy: boolean; readonly loop?: number }
  | { readonly kind: 'assert'; readonly what: '^' | '$' | 'b' | 'B' };

export class Unsupported extends Error {
  constructor(
    readonly feature: string,
    readonly short: string,
  ) {
    super(short);
  }
}

export interface RegexFlags {
  readonly ignoreCase: boolean;
  readonly multiline: boolean;
  readonly dotAll: boolean;
  readonly unicode: boolean;
  readonly unicodeSets: boolean;
}

export interface ParsedRegex {
  readonly root: RegexNode;
  /** The name of each capture, by number (index 0 is unused). */
  readonly names: readonly (string | null)[];
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { f: 12, n: 10, r: 13, t: 9, v: 11 };
const HEX = /[0-9a-fA-F]/;

export function parseRegex(pattern: string, flags: RegexFlags): ParsedRegex {
  const p = new Parser(pattern, flags);
  const root = p.disjunction();
  return { root, names: p.names };
}

class Parser {
  pos = 0;
  readonly names: (string | null)[] = [null];
  private loops = 0;
  private readonly max: number;
  private readonly u: boolean;

  constructor(
    private readonly s: string,
    private readonly f: RegexFlags,
  ) {
    this.u = f.unicode || f.unicodeSets;
    this.max = this.u ? MAX_CODE_POINT : MAX_CODE_UNIT;
  }

  disjunction(): RegexNode {
    const alts = [this.alternative()];
    while (this.s[this.pos] === '|') {
      this.pos++;
      alts.push(this.alternative());
    }
    return alts.length === 1 ? alts[0] : { kind: 'alt', alts };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') items.push(this.term());
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private term(): RegexNode {
    const c = this.s[this.pos];
    if (c === '^' || c === '$') {
      this.pos++;
      return { kind: 'assert', what: c };
    }
    if (c === '\\' && (this.s[this.pos + 1] === 'b' || this.s[this.pos + 1] === 'B')) {
      this.pos += 2;
      return { kind: 'assert', what: this.s[this.pos - 1] as 'b' | 'B' };
    }
    return this.quantified(this.atom());
  }

  private quantified(atom: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const c = this.s[this.pos];
    const braces = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.pos)) : null;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (braces) {
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    } else return atom;
    this.pos += braces ? braces[0].length : 1;
    const lazy = this.s[this.pos] === '?';
    if (lazy) this.pos++;
    return { kind: 'repeat', body: atom, min, max, lazy, loop: this.loops++ };
  }

  private atom(): RegexNode {
    const c = this.s[this.pos];
    if (c === '(') return this.group();
    if (c === '.') {
      this.pos++;
      return this.char(this.f.dotAll ? [0, this.max] : complement(LINE_TERMINATORS, this.max), false);
    }
    if (c === '[') return this.f.unicodeSets ? this.classSet() : this.charClass();
    if (c === '\\') return this.atomEscape();
    // Without `u`, `]`, `{` and `}` that start no quantifier are themselves (JavaScript refused the rest).
    const code = this.codeAt(this.pos);
    this.pos += code > 0xffff ? 2 : 1;
    return this.literal(code);
  }

  private group(): RegexNode {
    const rest = this.s.slice(this.pos, this.pos + 4);
    if (rest.startsWith('(?=') || rest.startsWith('(?!')) throw new Unsupported('a lookahead such as `(?=…)`', 'a lookahead');
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) throw new Unsupported('a lookbehind such as `(?<=…)`', 'a lookbehind');
    let index: number | null = null;
    if (rest.startsWith('(?:')) this.pos += 3;
    else if (rest.startsWith('(?<')) {
      const close = this.s.indexOf('>', this.pos);
      index = this.names.length;
      this.names.push(decodeGroupName(this.s.slice(this.pos + 3, close)));
      this.pos = close + 1;
    } else {
      index = this.names.length;
      this.names.push(null);
      this.pos++;
    }
    const body = this.disjunction();
    this.pos++; // )
    return { kind: 'group', index, body };
  }

  private atomEscape(): RegexNode {
    const n = this.s[this.pos + 1] ?? '';
    if (/[1-9]/.test(n)) throw new Unsupported('a back-reference such as `\\1`', 'a back-reference');
    if (n === 'k' && this.s[this.pos + 2] === '<') throw new Unsupported('a back-reference such as `\\k<name>`', 'a named back-reference');
    const klass = this.classEscape();
    if (klass) return this.char(klass.set, klass.folded);
    return this.literal(this.characterEscape(false));
  }

  /** `\d \D \s \S \w \W`, and `\p{…}` / `\P{…}` with `u`/`v`, at `pos` (a `\`); null when it is none of them. */
  private classEscape(): { set: Ranges; folded: boolean } | null {
    const n = this.s[this.pos + 1] ?? '';
    const i = this.f.ignoreCase;
    const word = wordSet(i, this.u);
    const simple: Record<string, Ranges> = { d: DIGIT, s: SPACE, w: word };
    if (n.toLowerCase() in simple) {
      this.pos += 2;
      const set = simple[n.toLowerCase()];
      return { set: n === n.toLowerCase() ? set : complement(set, this.max), folded: false };
    }
    if ((n === 'p' || n === 'P') && this.u) {
      const close = this.s.indexOf('}', this.pos);
      const set = propertySet(this.s.slice(this.pos + 3, close));
      this.pos = close + 1;
      if (n === 'p') return { set, folded: false };
      // `\P` complements before `/i` compares with `u` (so /\P{Ll}/iu matches `a`), after with `v`.
      return this.f.unicodeSets && i ? { set: complement(caseClosure(set, true), this.max), folded: true } : { set: complement(set, this.max), folded: false };
    }
    return null;
  }

  /** One CharacterEscape at `pos` (a `\`), as its code unit or code point. */
  private characterEscape(inClass: boolean): number {
    const n = this.s[this.pos + 1] ?? '';
    if (n in SIMPLE_ESCAPES) {
      this.pos += 2;
      return SIMPLE_ESCAPES[n];
    }
    if (n === 'c') {
      const letter = this.s[this.pos + 2] ?? '';
      // `\cJ` is J % 32; so are `[\c1]` and `[\c_]` without `u` (Annex B).
      if (/[A-Za-z]/.test(letter) || (inClass && !this.u && /[0-9_]/.test(letter))) {
        this.pos += 3;
        return letter.charCodeAt(0) % 32;
      }
      // Without `u`, a `\` before any other `c` is itself, and the `c` is read next.
      this.pos += 1;
      return 0x5c;
    }
    if (n === '0' && !/[0-9]/.test(this.s[this.pos + 2] ?? '')) {
      this.pos += 2;
      return 0;
    }
    if (/[0-7]/.test(n) && !this.u) {
      // Annex B legacy octal (`\01`, `[\1]`): up to 0o377.
      const m = /^(?:[0-3][0-7]{0,2}|[4-7][0-7]?)/.exec(this.s.slice(this.pos + 1))!;
      this.pos += 1 + m[0].length;
      return parseInt(m[0], 8);
    }
    if (n === 'x' && HEX.test(this.s[this.pos + 2] ?? '') && HEX.test(this.s[this.pos + 3] ?? '')) {
      this.pos += 4;
      return parseInt(this.s.slice(this.pos - 2, this.pos), 16);
    }
    if (n === 'u') {
      const rest = this.s.slice(this.pos + 2);
      const braced = this.u ? /^\{([0-9a-fA-F]+)\}/.exec(rest) : null;
      if (braced) {
        this.pos += 2 + braced[0].length;
        return parseInt(braced[1], 16);
      }
      const plain = /^[0-9a-fA-F]{4}/.exec(rest);
      if (plain) {
        this.pos += 6;
        const lead = parseInt(plain[0], 16);
        // With `u`, `\uD83D\uDE00` is one code point.
        const trail = this.u && lead >= 0xd800 && lead <= 0xdbff ? /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.s.slice(this.pos)) : null;
        if (!trail) return lead;
        this.pos += 6;
        return 0x10000 + ((lead - 0xd800) << 10) + (parseInt(trail[1], 16) - 0xdc00);
      }
    }
    // An identity escape (`\.`, `\-`; without `u` any other character, `\a` is `a`).
    const code = this.codeAt(this.pos + 1);
    this.pos += 1 + (code > 0xffff ? 2 : 1);
    return code;
  }

  /** `[…]` without `v`. */
  private charClass(): RegexNode {
    this.pos++;
    const negated = this.s[this.pos] === '^';
    if (negated) this.pos++;
    const pairs: number[][] = [];
    let sets: Ranges = [];
    while (this.s[this.pos] !== ']') {
      const a = this.classAtom();
      if (this.s[this.pos] === '-' && this.s[this.pos + 1] !== ']' && this.pos + 1 < this.s.length) {
        this.pos++;
        const b = this.classAtom();
        if (typeof a === 'number' && typeof b === 'number') {
          pairs.push([a, b]);
          continue;
        }
        // Annex B: next to a class escape, `-` is itself (`[\d-z]`).
        for (const x of [a, 0x2d, b]) typeof x === 'number' ? pairs.push([x, x]) : (sets = unionRanges(sets, x));
        continue;
      }
      if (typeof a === 'number') pairs.push([a, a]);
      else sets = unionRanges(sets, a);
    }
    this.pos++; // ]
    let set = unionRanges(normalize(pairs), sets);
    if (this.f.ignoreCase) set = caseClosure(set, this.u);
    return { kind: 'char', set: negated ? complement(set, this.max) : set };
  }

  private classAtom(): number | Ranges {
    if (this.s[this.pos] !== '\\') {
      const code = this.codeAt(this.pos);
      this.pos += code > 0xffff ? 2 : 1;
      return code;
    }
    const n = this.s[this.pos + 1] ?? '';
    if (n === 'b') {
      this.pos += 2;
      return 8;
    }
    if (n === '-' && this.u) {
      this.pos += 2;
      return 0x2d;
    }
    const klass = this.classEscape();
    if (klass) return klass.set;
    return this.characterEscape(true);
  }

  /** `[…]` with `v`: nested classes, `&&`, `--`, `\q{…}` (regex-sets.ts); strings become alternatives. */
  private classSet(): RegexNode {
    const i = this.f.ignoreCase;
    const set = parseClassSet(this.s, this.pos, i, (escape) => {
      const inner = new Parser(escape, this.f);
      const klass = inner.classEscape();
      if (!klass) return undefined;
      return i && !klass.folded ? caseClosure(klass.set, true) : klass.set;
    });
    if (!set) throw new Error('a character class of the `v` flag that can not be translated');
    this.pos = set.end;
    const strings = [...set.strings].sort((a, b) => [...b].length - [...a].length);
    const klass: RegexNode = { kind: 'char', set: set.ranges };
    if (strings.length === 0) return klass;
    const alts: RegexNode[] = strings.map((str) => ({ kind: 'seq', items: [...str].map((ch) => this.literal(ch.codePointAt(0)!)) }));
    if (set.ranges.length > 0) alts.push(klass);
    return { kind: 'group', index: null, body: alts.length === 1 ? alts[0] : { kind: 'alt', alts } };
  }

  private literal(code: number): RegexNode {
    return this.char([code, code], false);
  }

  /** A one-character atom; with `i` it stands for every character that folds to one of the set. */
  private char(set: Ranges, folded: boolean): RegexNode {
    return { kind: 'char', set: this.f.ignoreCase && !folded ? caseClosure(set, this.u) : set };
  }

  private codeAt(i: number): number {
    return this.u ? this.s.codePointAt(i)! : this.s.charCodeAt(i);
  }
}

/** `(?<\u0061>…)` names the group `a`. */
function decodeGroupName(raw: string): string {
  return raw.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g, (_, a: string | undefined, b: string | undefined) => String.fromCodePoint(parseInt(a ?? b!, 16)));
}
