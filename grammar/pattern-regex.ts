/**
 * Regular-expression syntax in a path pattern. deepstream builds a RegExp from the pattern text
 * (only `*` and `$name` rewritten), so its post-it guide's `postits/.*` covers `postits/abc`
 * there; read literally the rule would cover nothing and a permissive "*" would decide instead.
 * So such syntax is an error here (VLV0118), with the Valve form where one follows mechanically;
 * a lone `.` stays literal (VLV0112, a warning).
 *
 * The scan is a small recursive descent over the pattern: atoms (a character, `.`, an escape, a
 * class, a group, `*`, `$name`, `${NAME}`), optional quantifiers, alternatives. Each atom yields
 * the Valve patterns it stands for (`forms`), or none when it has no Valve equivalent.
 */

/** One piece of regular-expression syntax: offsets into the pattern text, end exclusive. */
export interface RegexSyntax {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** What deepstream reads it as ("any run of characters"). */
  readonly meaning: string;
  /** What to write instead, when the whole pattern has no mechanical Valve form. */
  readonly advice: string;
}

export interface RegexScan {
  readonly syntax: readonly RegexSyntax[];
  /** Offsets of each `.` outside any construct: literal here, any character to deepstream. */
  readonly dots: readonly number[];
  /** A lone `]`, `}` or a `{…}` that is no quantifier: literal here and to deepstream alike. */
  readonly literals: readonly LiteralSyntax[];
  /** The Valve patterns the whole pattern stands for (undefined: none follows mechanically). */
  readonly forms?: readonly string[];
}

/** Text that looks like regular-expression syntax but that deepstream's RegExp reads literally too. */
export interface LiteralSyntax {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly advice?: string;
}

/** At most this many Valve patterns are offered as the replacement of one pattern. */
const MAX_FORMS = 8;
const META = '.+?^()[]{}|\\';
const GENERIC = 'a Valve pattern is not a regular expression: `*` matches any run of characters and `$name` one segment; write the names with those, or list each name as a pattern of its own';

type Forms = string[] | undefined;

const product = (a: Forms, b: Forms): Forms => {
  if (a === undefined || b === undefined || a.length * b.length > MAX_FORMS) return undefined;
  return a.flatMap((x) => b.map((y) => x + y));
};
const union = (a: Forms, b: Forms): Forms => (a === undefined || b === undefined ? undefined : [...new Set([...a, ...b])].slice(0, MAX_FORMS + 1));
const repeat = (f: Forms, n: number): Forms => {
  let out: Forms = [''];
  for (let i = 0; i < n; i++) out = product(out, f);
  return out;
};

interface Atom {
  readonly start: number;
  readonly end: number;
  readonly forms: Forms;
  /** Undefined: not regular-expression syntax by itself (a literal character, `*`, `$name`). */
  readonly meaning?: string;
  readonly advice?: string;
  readonly kind: 'char' | 'dot' | 'star' | 'var' | 'literal' | 'other';
}

const describeEscape = (c: string): string =>
  ({ d: 'a digit', D: 'a character that is not a digit', w: 'a word character', W: 'a character that is not a word character', s: 'a white-space character', S: 'a character that is not white space', b: 'a word boundary', B: 'a place that is not a word boundary' } as Record<string, string>)[c] ?? `the escape \`\\${c}\``;

class Scanner {
  private i = 0;
  readonly syntax: RegexSyntax[] = [];
  readonly dots: number[] = [];
  readonly literals: LiteralSyntax[] = [];

  constructor(private readonly text: string) {}

  run(): RegexScan {
    const forms = this.alternatives(0);
    // Stray closing parentheses end an alternative early: report each and go on.
    let all = forms;
    while (this.i < this.text.length) {
      const at = this.i++;
      this.add(at, at + 1, 'a `)` that closes no group, on which its loader fails', 'remove the `)`');
      all = undefined;
      this.alternatives(0);
    }
    const valid = all?.filter((f) => f !== '' && !f.startsWith('/'));
    return { syntax: this.syntax, dots: this.dots, literals: this.literals, ...(valid && valid.length === all!.length && valid.length <= MAX_FORMS ? { forms: valid } : {}) };
  }

  private add(start: number, end: number, meaning: string, advice: string = GENERIC): void {
    this.syntax.push({ start, end, text: this.text.slice(start, end), meaning, advice });
  }

  /**
   * `a|b|c` up to a `)` or the end; depth 0 is the whole pattern (where each `|` is reported).
   * deepstream wraps the pattern as `^…$` without a group, so at depth 0 only the first
   * alternative is anchored at the start and only the last at the end: `a|b` is every name that
   * starts with `a` or ends with `b`, which is `a*` and `*b` in Valve.
   */
  private alternatives(depth: number): Forms {
    const branches = [this.sequence(depth)];
    while (this.text[this.i] === '|') {
      if (depth === 0) this.add(this.i, this.i + 1, 'alternatives outside a group: a name that starts with what comes before it or ends with what comes after it', 'list each alternative as a pattern of its own');
      this.i++;
      branches.push(this.sequence(depth));
    }
    if (depth > 0 || branches.length === 1) return branches.map((b) => b.forms).reduce(union);
    const last = branches.length - 1;
    let forms: Forms = [];
    branches.forEach((b, k) => {
      const open = (f: string): string => `${k > 0 && !b.anchored ? '*' : ''}${f}${k < last ? '*' : ''}`.replace(/\*+/g, '*');
      forms = union(forms, b.forms?.map(open));
    });
    return forms;
  }

  /** `anchored`: the sequence starts with `^`. */
  private sequence(depth: number): { forms: Forms; anchored: boolean } {
    let forms: Forms = [''];
    const begin = this.i;
    const anchored = this.text[begin] === '^';
    while (this.i < this.text.length && this.text[this.i] !== '|' && this.text[this.i] !== ')') {
      const atom = this.quantified(this.atom(this.i === begin), depth);
      forms = product(forms, atom.forms);
    }
    return { forms, anchored };
  }

  /** An atom and the quantifiers after it; at depth 0 the pair is reported as one piece. */
  private quantified(atom: Atom, depth: number): Atom {
    let a = atom;
    for (let q = this.quantifier(a); q; q = this.quantifier(a)) a = this.applyQuantifier(a, q);
    if (depth === 0 && a.meaning !== undefined) this.add(a.start, a.end, a.meaning, a.advice);
    else if (depth === 0 && a.kind === 'dot') this.dots.push(a.start);
    else if (depth === 0 && a.kind === 'literal') this.literals.push({ start: a.start, end: a.end, text: this.text.slice(a.start, a.end), ...(a.advice === undefined ? {} : { advice: a.advice }) });
    return a;
  }

  /** `+`, `?`, `{n}`, `{n,}`, `{n,m}`, and `*` right after a `.` (elsewhere `*` is Valve's own). */
  private quantifier(after: Atom): { start: number; end: number; min: number; max: number } | undefined {
    const c = this.text[this.i];
    const start = this.i;
    if (c === '+') return (this.i++, { start, end: this.i, min: 1, max: Infinity });
    if (c === '?') return (this.i++, { start, end: this.i, min: 0, max: 1 });
    if (c === '*' && after.kind === 'dot') return (this.i++, { start, end: this.i, min: 0, max: Infinity });
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.i));
      if (!m) return undefined;
      this.i += m[0].length;
      const min = Number(m[1]);
      return { start, end: this.i, min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
    }
    return undefined;
  }

  private applyQuantifier(a: Atom, q: { start: number; end: number; min: number; max: number }): Atom {
    const text = this.text.slice(a.start, a.end);
    const qt = this.text.slice(q.start, q.end);
    let forms: Forms;
    let meaning: string;
    let advice = a.advice ?? GENERIC;
    if (a.kind === 'star') {
      // deepstream's `*` is `.*`: `*?` is a lazy `.*` (the same names), `*+` and `*{2}` crash its loader.
      forms = ['*'];
      meaning = qt === '?' ? 'a lazy `.*`, which matches the same names as `*`' : 'a quantifier after `*` (its `.*`), on which its loader fails';
      advice = `remove the \`${qt}\``;
    } else if (a.kind === 'dot') {
      // `.*`, `.+`, `.{2,}`: some run of characters, which is Valve's `*`.
      forms = q.max === Infinity ? ['*'] : undefined;
      meaning = q.max === Infinity ? 'any run of characters' : q.max === 1 && q.min === 0 ? 'one character or none' : `${q.min === q.max ? q.min : `${q.min} to ${q.max}`} characters of any kind`;
    } else if (a.start === a.end) {
      forms = [''];
      meaning = 'a quantifier with nothing to repeat, on which its loader fails';
      advice = `remove the \`${qt}\``;
    } else {
      // `$x+` is `([^/]+)+`, one segment still; `$x?` an optional segment.
      if (a.kind === 'var') forms = q.min === 1 && q.max === Infinity ? a.forms : q.min === 0 && q.max === 1 ? union(a.forms, ['']) : undefined;
      else if (q.max === Infinity || q.max - q.min > MAX_FORMS) forms = undefined;
      else {
        forms = [];
        for (let n = q.min; n <= q.max && forms !== undefined; n++) forms = union(forms, repeat(a.forms, n));
      }
      const times = q.max === Infinity ? (q.min === 0 ? 'any number of times' : q.min === 1 ? 'one or more times' : `${q.min} or more times`) : q.min === 0 && q.max === 1 ? 'or not at all' : q.min === q.max ? `${q.min} times` : `${q.min} to ${q.max} times`;
      meaning = `\`${text}\` ${q.min === 0 && q.max === 1 ? 'once ' : ''}${times}`;
      if (q.max === Infinity && a.kind === 'char') advice = `say what is meant: \`${text}*\` (\`${text}\` then any run of characters) or each name as a pattern of its own`;
    }
    return { start: a.start, end: q.end, forms, meaning, advice, kind: 'other' };
  }

  private atom(first: boolean): Atom {
    const t = this.text;
    const start = this.i;
    const c = t[this.i];
    const one = (forms: Forms, meaning: string | undefined, kind: Atom['kind'], advice?: string): Atom => ({ start, end: this.i, forms, kind, ...(meaning === undefined ? {} : { meaning }), ...(advice === undefined ? {} : { advice }) });
    if (c === '*') return (this.i++, one(['*'], undefined, 'star'));
    if (c === '$') {
      const env = /^\$\{[^}]*\}/.exec(t.slice(this.i));
      const name = /^\$[A-Za-z0-9]+/.exec(t.slice(this.i));
      // `${NAME}` (environment substitution) and a `$` without a name are path-pattern matters (VLV0109, VLV0116).
      const taken = env?.[0] ?? name?.[0] ?? (t[this.i + 1] === '{' ? '${' : '$');
      this.i += taken.length;
      const atEnd = this.i === t.length;
      return one(name ? [taken] : taken === '$' && atEnd ? [''] : [taken], undefined, name ? 'var' : 'char');
    }
    if (c === '.') return (this.i++, one(['.'], undefined, 'dot'));
    if (c === '\\') {
      const e = t[this.i + 1];
      this.i += e === undefined ? 1 : 2;
      if (e === undefined) return one(undefined, 'an escape of the end anchor (it then matches a `$`)', 'other', 'remove the `\\`');
      if (/[A-Za-z0-9]/.test(e)) return one(undefined, describeEscape(e), 'other');
      if (e === '*' || e === '$') return one(undefined, `the character \`${e}\`, which a Valve pattern can not spell`, 'other');
      return one([e], `the character \`${e}\``, 'other');
    }
    if (c === '[') return this.characterClass();
    if (c === '(') return this.group();
    if (c === '^') {
      this.i++;
      // Anchored already: `^` first means nothing more; anywhere else it can not match at all.
      return first ? one([''], 'the start of the name, where every pattern is anchored anyway', 'other', 'remove the `^`') : one(undefined, 'the start of the name, which never comes here: the rule covers no name there', 'other', 'remove the `^`');
    }
    if (c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(t.slice(this.i)))) {
      // A quantifier with no atom before it: quantified() reports it with an empty atom.
      return one([''], undefined, 'other');
    }
    if (c === '{') {
      const m = /^\{([^{}]*)\}/.exec(t.slice(this.i));
      this.i += m ? m[0].length : 1;
      // No quantifier: JavaScript's RegExp (without `u`) reads it as text, so the decisions agree.
      const text = m ? m[0] : '{';
      return one([text], undefined, 'literal', m && /^[A-Za-z0-9]+$/.test(m[1]) ? `a placeholder for one segment is written \`$${m[1]}\`` : undefined);
    }
    if (c === '}' || c === ']') return (this.i++, one([c], undefined, 'literal'));
    this.i++;
    return one([c], undefined, 'char');
  }

  private characterClass(): Atom {
    const t = this.text;
    const start = this.i;
    let j = this.i + 1;
    const negated = t[j] === '^';
    if (negated) j++;
    const members: string[] = [];
    let enumerable = true;
    // In JavaScript's syntax (without `u`) a `]` right after `[` closes the class: `[]` matches nothing.
    while (j < t.length && t[j] !== ']') {
      let ch = t[j];
      if (ch === '\\') {
        const e = t[j + 1];
        if (e === undefined || /[A-Za-z0-9]/.test(e)) enumerable = false;
        ch = e ?? '';
        j += 2;
      } else j++;
      if (t[j] === '-' && t[j + 1] !== undefined && t[j + 1] !== ']') {
        const to = t[j + 1];
        j += 2;
        if (to === '\\' || ch.length !== 1) enumerable = false;
        else for (let k = ch.charCodeAt(0); k <= to.charCodeAt(0) && members.length <= MAX_FORMS; k++) members.push(String.fromCharCode(k));
        if (ch.charCodeAt(0) > to.charCodeAt(0)) enumerable = false;
      } else members.push(ch);
    }
    const closed = j < t.length;
    this.i = closed ? j + 1 : t.length;
    const text = t.slice(start, this.i);
    if (!closed) return { start, end: this.i, forms: undefined, kind: 'other', meaning: 'an unclosed character class, on which its loader fails', advice: 'remove the `[`' };
    // `*` and `$name` inside a class are rewritten by deepstream too; special characters would stay syntax.
    const usable = enumerable && !negated && members.length > 0 && members.length <= MAX_FORMS && members.every((m) => m !== '*' && m !== '$' && m !== '/' && (m === '.' || !META.includes(m)));
    const body = text.slice(negated ? 2 : 1, -1);
    return {
      start,
      end: this.i,
      forms: usable ? [...new Set(members)] : undefined,
      kind: 'other',
      meaning: members.length === 0 && !negated ? 'a class that matches nothing' : negated ? `one character that is not in \`${body}\`` : `one character of \`${body}\``,
      advice: 'a class is one character to deepstream: use `$name` for a segment, `*` for any run of characters, or list each name as a pattern of its own',
    };
  }

  private group(): Atom {
    const t = this.text;
    const start = this.i;
    this.i++;
    const look = /^\?(?:[=!]|<[=!])/.exec(t.slice(this.i));
    if (look) this.i += look[0].length;
    else if (t.startsWith('?:', this.i)) this.i += 2;
    const inner = this.alternatives(1);
    const closed = t[this.i] === ')';
    if (closed) this.i++;
    const text = t.slice(start, this.i);
    if (!closed) return { start, end: this.i, forms: undefined, kind: 'other', meaning: 'an unclosed group, on which its loader fails', advice: 'remove the `(`' };
    if (look) return { start, end: this.i, forms: undefined, kind: 'other', meaning: `a lookaround \`${text}\`` };
    const alternatives = text.includes('|');
    return { start, end: this.i, forms: inner, kind: 'other', meaning: alternatives ? `any one of the alternatives in \`${text}\`` : `the group \`${text}\``, advice: 'list each alternative as a pattern of its own' };
  }
}

/** Regular-expression syntax in a pattern (`${NAME}` and `$name` are not), lone dots, and the Valve form. */
export function scanRegexSyntax(text: string): RegexScan {
  if (!/[.+?^()[\]{}|\\]/.test(text)) return { syntax: [], dots: [], literals: [] };
  return new Scanner(text).run();
}
