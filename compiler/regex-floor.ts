/**
 * A lower bound on a regular expression's RE2 program size, read from its RE2 source in one pass
 * over the text. Counting exactly (regex-size.ts) makes re2js's simplifier expand `x{999}` into
 * 999 references first, which for `\pL{999}` × 330 is 330,000 nodes per pattern; this bound
 * multiplies instead, so a pattern far over maxRegexSize is refused without being expanded.
 *
 * It only counts what RE2 can never drop: a piece that may match nothing at all (a negated class
 * such as `[^\x{0}-\x{10FFFF}]`, `\P{Any}`) zeroes its whole sequence, an alternation counts only
 * its largest branch (the parser factors common prefixes), and `*` / `?` count nothing.
 * test/security/regex-size.test.ts checks it never exceeds the compiled program.
 */

interface Bound {
  /** Instructions the compiled program has at least. */
  readonly min: number;
  /** Whether RE2 may find this part matches nothing and drop it (with everything it is in). */
  readonly mayFail: boolean;
}

const ZERO: Bound = { min: 0, mayFail: false };
const ONE: Bound = { min: 1, mayFail: false };
const EMPTY_SET: Bound = { min: 0, mayFail: true };
/** Deeper than re2js parses (it stops at 1,000 levels): no bound is claimed. */
const MAX_DEPTH = 1000;

/** At least how many instructions `RE2JS.compile(source, flags)` emits (0 when unsure). */
export function programSizeFloor(source: string): number {
  const p = new FloorParser(source);
  const b = p.alternation(0);
  // The compiler's FAIL at 0 and the final MATCH.
  return p.failed || p.pos !== source.length ? 2 : 2 + (b.mayFail ? 0 : b.min);
}

class FloorParser {
  pos = 0;
  failed = false;
  constructor(private readonly s: string) {}

  alternation(depth: number): Bound {
    let best = 0;
    let live = false;
    for (;;) {
      const b = this.sequence(depth);
      if (!b.mayFail) {
        live = true;
        best = Math.max(best, b.min);
      }
      if (this.s[this.pos] !== '|') break;
      this.pos++;
    }
    return live ? { min: best, mayFail: false } : EMPTY_SET;
  }

  private sequence(depth: number): Bound {
    let min = 0;
    let mayFail = false;
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')' && !this.failed) {
      const atom = this.atom(depth);
      const b = this.quantified(atom);
      min += b.min;
      mayFail ||= b.mayFail;
    }
    return mayFail ? EMPTY_SET : { min, mayFail };
  }

  private atom(depth: number): Bound {
    const c = this.s[this.pos];
    if (c === '(') {
      if (depth >= MAX_DEPTH) return this.fail();
      this.pos++;
      let capture = true;
      if (this.s[this.pos] === '?') {
        const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(this.s.slice(this.pos, this.pos + 40));
        const flags = /^\?[imsU-]*(:|\))/.exec(this.s.slice(this.pos, this.pos + 12));
        if (named) this.pos += named[0].length;
        else if (flags?.[1] === ')') {
          this.pos += flags[0].length;
          return ZERO;
        } else if (flags) {
          this.pos += flags[0].length;
          capture = false;
        } else return this.fail();
      }
      const inner = this.alternation(depth + 1);
      if (this.s[this.pos] !== ')') return this.fail();
      this.pos++;
      return capture && !inner.mayFail ? { min: inner.min + 2, mayFail: false } : inner;
    }
    if (c === '[') return this.charClass();
    if (c === '\\') {
      const n = this.s[this.pos + 1] ?? '';
      if (n === 'p' || n === 'P') {
        const braced = this.s[this.pos + 2] === '{';
        const end = braced ? this.s.indexOf('}', this.pos) : this.pos + 2;
        if (end < 0) return this.fail();
        this.pos = end + 1;
        return n === 'P' ? EMPTY_SET : ONE;
      }
      if (n === 'x' && this.s[this.pos + 2] === '{') {
        const end = this.s.indexOf('}', this.pos);
        if (end < 0) return this.fail();
        this.pos = end + 1;
        return ONE;
      }
      if (n === 'x') {
        this.pos += 4;
        return ONE;
      }
      if (n === 'Q') return this.fail(); // quoted literal: not produced from JavaScript syntax
      this.pos += 2;
      return ONE;
    }
    this.pos += this.s.codePointAt(this.pos)! > 0xffff ? 2 : 1;
    return ONE;
  }

  /** One instruction, unless negated: `[^\s\S]` is empty and drops what holds it. */
  private charClass(): Bound {
    const negated = this.s[this.pos + 1] === '^';
    let i = this.pos + (negated ? 2 : 1);
    if (this.s[i] === ']') i++; // a leading `]` is a member
    while (i < this.s.length && this.s[i] !== ']') {
      if (this.s.startsWith('[:', i)) {
        const end = this.s.indexOf(':]', i + 2);
        i = end < 0 ? i + 1 : end + 2;
      } else i += this.s[i] === '\\' ? 2 : 1;
    }
    if (i >= this.s.length) return this.fail();
    this.pos = i + 1;
    return negated ? EMPTY_SET : ONE;
  }

  /** `x{n,m}` copies `x` at least n times; `*` and `?` may compile to no copy that counts. */
  private quantified(atom: Bound): Bound {
    let b = atom;
    for (;;) {
      const c = this.s[this.pos];
      if (c === '*' || c === '?') {
        this.pos++;
        b = ZERO;
      } else if (c === '+') {
        this.pos++;
      } else if (c === '{') {
        const m = /^\{(\d+)(?:,(\d*))?\}/.exec(this.s.slice(this.pos, this.pos + 12));
        if (!m) return b; // not a repetition: a literal `{` follows
        this.pos += m[0].length;
        const n = Number(m[1]);
        // Counts RE2 refuses are syntax errors, reported as such by the exact count.
        if (n > 1000 || (m[2] && (Number(m[2]) > 1000 || Number(m[2]) < n))) return this.fail();
        b = n === 0 ? ZERO : b.mayFail ? EMPTY_SET : { min: b.min * n, mayFail: false };
      } else return b;
      if (this.s[this.pos] === '?') this.pos++; // lazy
    }
  }

  private fail(): Bound {
    this.failed = true;
    this.pos = this.s.length;
    return ZERO;
  }
}
