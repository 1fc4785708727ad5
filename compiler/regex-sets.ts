/**
 * Character classes of the `v` flag (unicodeSets): nested classes, `&&` (intersection), `--`
 * (subtraction) and `\q{…}` (strings). Each such class is a finite set of code points and
 * strings, computed here; regex.ts writes it out for RE2 (which has none of that syntax) as one
 * set and the strings (longest first, as JavaScript tries them) as alternatives.
 *
 * Characters and ranges are folded by re2js's parser (its orbits are Unicode simple case
 * folding, what `v` uses); class escapes come from `leaf`, with JavaScript's meaning. With `i`
 * every operand is closed under case folding before it is combined, as JavaScript folds each
 * operand first (`[\p{Ll}&&[A-Z]]/vi` matches `a` and `A`).
 *
 * The pattern is known to be valid JavaScript (translateRegex checks that first), so the parser
 * here only has to follow the grammar, not to diagnose it.
 */
import { complement, hex, intersectRanges, pairsOf, re2SetOf, subtractRanges, unionRanges, type Ranges } from './regex-charset.js';

export interface ClassSet {
  readonly ranges: Ranges;
  /** Strings of two or more code points (`\q{ab}`); one code point is a range. */
  readonly strings: ReadonlySet<string>;
}

const setOfSource = re2SetOf;

/** How a string is compared with another under `i`: each code point as the smallest of its case variants. */
function foldKey(s: string, fold: boolean): string {
  if (!fold) return s;
  return String.fromCodePoint(...[...s].map((ch) => setOfSource(hex(ch.codePointAt(0)!), true)?.[0] ?? ch.codePointAt(0)!));
}

class SetParser {
  pos: number;

  constructor(
    private readonly p: string,
    start: number,
    private readonly fold: boolean,
    private readonly leaf: (escape: string) => Ranges | undefined,
  ) {
    this.pos = start;
  }

  /** At `[`: the whole class, with `pos` after its `]`. */
  parseClass(): ClassSet | undefined {
    this.pos++; // [
    const negated = this.p[this.pos] === '^';
    if (negated) this.pos++;
    const operands: ClassSet[] = [];
    let op: '&&' | '--' | undefined;
    while (this.pos < this.p.length && this.p[this.pos] !== ']') {
      if (this.p.startsWith('&&', this.pos) || this.p.startsWith('--', this.pos)) {
        op = this.p.slice(this.pos, this.pos + 2) as '&&' | '--';
        this.pos += 2;
        continue;
      }
      const operand = this.operand();
      if (!operand) return undefined;
      operands.push(operand);
    }
    this.pos++; // ]
    let result: ClassSet = operands[0] ?? { ranges: [], strings: new Set() };
    for (const o of operands.slice(1)) {
      if (op === '&&') result = { ranges: intersectRanges(result.ranges, o.ranges), strings: this.keep(result.strings, o.strings, true) };
      else if (op === '--') result = { ranges: subtractRanges(result.ranges, o.ranges), strings: this.keep(result.strings, o.strings, false) };
      else result = { ranges: unionRanges(result.ranges, o.ranges), strings: new Set([...result.strings, ...o.strings]) };
    }
    // JavaScript refuses a negated class that may hold strings, so only ranges are left here.
    return negated ? { ranges: complement(result.ranges), strings: new Set() } : result;
  }

  /** The strings of `a` that are (or are not) in `b`, compared as `i` compares them. */
  private keep(a: ReadonlySet<string>, b: ReadonlySet<string>, inB: boolean): Set<string> {
    const keys = new Set([...b].map((s) => foldKey(s, this.fold)));
    return new Set([...a].filter((s) => keys.has(foldKey(s, this.fold)) === inB));
  }

  /** A nested class, `\q{…}`, a class escape, a character, or a range `a-z`. */
  private operand(): ClassSet | undefined {
    const c = this.p[this.pos];
    if (c === '[') return this.parseClass();
    if (c === '\\' && this.p[this.pos + 1] === 'q' && this.p[this.pos + 2] === '{') return this.strings();
    const escape = /^\\(?:[dDsSwW]|[pP]\{[^}]*\})/.exec(this.p.slice(this.pos));
    if (escape) {
      this.pos += escape[0].length;
      const ranges = this.leaf(escape[0]);
      return ranges && { ranges, strings: new Set() };
    }
    const lo = this.character();
    if (lo === undefined) return undefined;
    if (this.p[this.pos] === '-' && this.p[this.pos + 1] !== '-') {
      this.pos++;
      const hi = this.character();
      if (hi === undefined) return undefined;
      return this.setOf(`[${hex(lo)}-${hex(hi)}]`);
    }
    return this.setOf(`[${hex(lo)}]`);
  }

  /** The set of an RE2 class text, closed under case folding with `i`. */
  private setOf(re2Class: string): ClassSet | undefined {
    const ranges = setOfSource(re2Class, this.fold);
    return ranges && { ranges, strings: new Set() };
  }

  /** `\q{ab|c|}`: each alternative of one code point is a character, the others are strings. */
  private strings(): ClassSet | undefined {
    this.pos += 3;
    const singles: Ranges[] = [];
    const strings = new Set<string>();
    let current: number[] = [];
    const flush = (): void => {
      if (current.length === 1) singles.push([current[0], current[0]]);
      else strings.add(String.fromCodePoint(...current));
      current = [];
    };
    while (this.pos < this.p.length && this.p[this.pos] !== '}') {
      if (this.p[this.pos] === '|') {
        this.pos++;
        flush();
        continue;
      }
      const ch = this.character();
      if (ch === undefined) return undefined;
      current.push(ch);
    }
    flush();
    this.pos++; // }
    let ranges: Ranges = [];
    for (const [c] of singles) {
      const set = this.setOf(`[${hex(c)}]`);
      if (!set) return undefined;
      ranges = unionRanges(ranges, set.ranges);
    }
    return { ranges, strings };
  }

  /** One ClassSetCharacter (a literal code point or an escape), as its code point. */
  private character(): number | undefined {
    const c = this.p.codePointAt(this.pos);
    if (c === undefined) return undefined;
    if (c !== 0x5c) {
      this.pos += c > 0xffff ? 2 : 1;
      return c;
    }
    const rest = this.p.slice(this.pos + 1);
    const simple: Record<string, number> = { b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };
    let m: RegExpExecArray | null;
    if (rest[0] in simple) {
      this.pos += 2;
      return simple[rest[0]];
    }
    if ((m = /^c([A-Za-z])/.exec(rest))) {
      this.pos += 3;
      return m[1].charCodeAt(0) % 32;
    }
    if ((m = /^x([0-9a-fA-F]{2})/.exec(rest)) || (m = /^u\{([0-9a-fA-F]+)\}/.exec(rest))) {
      this.pos += 1 + m[0].length;
      return parseInt(m[1], 16);
    }
    if ((m = /^u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(rest))) {
      this.pos += 1 + m[0].length;
      return 0x10000 + ((parseInt(m[1], 16) - 0xd800) << 10) + (parseInt(m[2], 16) - 0xdc00);
    }
    if ((m = /^u([0-9a-fA-F]{4})/.exec(rest))) {
      this.pos += 1 + m[0].length;
      return parseInt(m[1], 16);
    }
    if (rest[0] === '0') {
      this.pos += 2;
      return 0;
    }
    // `\-`, `\&`, `\]`, …: the character itself.
    const ch = rest.codePointAt(0);
    if (ch === undefined) return undefined;
    this.pos += 1 + (ch > 0xffff ? 2 : 1);
    return ch;
  }
}

/**
 * The `v`-flag class starting at `pattern[start]` (a `[`): its code points and strings (folded
 * with `fold`), and `end`, the index after its `]`. `leaf` gives the set of one class escape
 * (`\p{L}`, `\s`), already folded, or undefined.
 */
export function parseClassSet(pattern: string, start: number, fold: boolean, leaf: (escape: string) => Ranges | undefined): (ClassSet & { readonly end: number }) | undefined {
  const parser = new SetParser(pattern, start, fold, leaf);
  const set = parser.parseClass();
  return set && { ...set, end: parser.pos };
}
