/** Path patterns: `*` (any run of characters), `$name` (one segment), everything else literal. */
import type { Reporter } from './cst-to-ast.js';

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

/** Characters deepstream treated as regular-expression syntax; here they are literal. */
const REGEX_CHARS = /[.+?^(){}[\]|\\]/g;

/** Spans reported are offsets into the pattern text. */
export function parsePattern(text: string, report: Reporter): PathPattern | undefined {
  if (text.length === 0) {
    report('VLV0108', { start: 0, end: 0 }, { reason: 'a pattern can not be empty' });
    return undefined;
  }
  if (text.startsWith('/')) {
    report('VLV0108', { start: 0, end: 1 }, { reason: 'a pattern can not start with `/`' }, `write \`${text.replace(/^\/+/, '')}\``);
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
      if (!m && i === text.length - 1 && i > 0) {
        // deepstream's pattern is a regular expression, where a final `$` is the end anchor: it
        // matches nothing more.
        report('VLV0116', { start: i, end: i + 1 }, {});
        continue;
      }
      if (!m) {
        report('VLV0109', { start: i, end: Math.min(text.length, i + 2) }, { text: text.slice(i, i + 2) });
        ok = false;
        continue;
      }
      const name = `$${m[0]}`;
      if (variables.includes(name)) {
        report('VLV0110', { start: i, end: i + name.length }, { name }, 'give each variable its own name');
        ok = false;
      }
      flush();
      variables.push(name);
      parts.push({ kind: 'variable', name });
      i += m[0].length;
    } else literal += c;
  }
  flush();
  const regexChars = [...new Set(text.match(REGEX_CHARS) ?? [])];
  if (regexChars.length > 0) {
    const first = text.search(REGEX_CHARS);
    report('VLV0112', { start: first, end: first + 1 }, { chars: regexChars.map((c) => `\`${c}\``).join(', '), count: regexChars.length });
  }
  return ok ? { text, parts, variables } : undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Pattern parts → anchored RegExp; every literal character is escaped (no regex meaning leaks). */
export function patternRegExp(parts: readonly PatternPart[]): RegExp {
  // `*` is deepstream's `.*`: any run of characters except line terminators.
  const body = parts.map((p) => (p.kind === 'literal' ? escapeRegExp(p.text) : p.kind === 'variable' ? '([^/]+)' : '.*')).join('');
  return new RegExp(`^${body}$`);
}

/** Could some name that starts with `prefix` match the pattern? */
export function acceptsPrefix(parts: readonly PatternPart[], prefix: string): boolean {
  const go = (i: number, at: number): boolean => {
    if (at === prefix.length) return true;
    const part = parts[i];
    if (!part) return false;
    if (part.kind === 'wildcard') return true;
    if (part.kind === 'literal') {
      const n = Math.min(part.text.length, prefix.length - at);
      return part.text.slice(0, n) === prefix.slice(at, at + n) && (n < part.text.length || go(i + 1, at + n));
    }
    // a variable: one or more characters other than `/`
    for (let k = at + 1; k <= prefix.length && prefix[k - 1] !== '/'; k++) if (go(i + 1, k)) return true;
    return prefix[at] !== '/';
  };
  return go(0, 0);
}
