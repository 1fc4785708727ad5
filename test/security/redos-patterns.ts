/**
 * Classic ReDoS patterns (catastrophic backtracking on JavaScript's engine) and their evil inputs,
 * shared by the security tests (redos.test.ts: every one decided or rejected) and the benchmark
 * (bench/redos.ts: how long each takes).
 */
export interface ReDoS {
  readonly name: string;
  /** The rule's regular expression literal. */
  readonly literal: string;
  /** An input of about 100 kB that makes a backtracking engine explode. */
  readonly input: string;
  /** Built from `n` repetitions: a small `n` shows the blow-up on JavaScript's own engine. */
  readonly evil: (n: number) => string;
}

const KB100 = 100_000;

const PATTERNS: readonly Omit<ReDoS, 'input'>[] = [
  { name: 'nested plus', literal: '/^(a+)+$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'alternation of equals', literal: '/^(a|a)*$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'overlapping alternation', literal: '/^(a|aa)+$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'nested star', literal: '/(a*)*b/', evil: (n) => 'a'.repeat(n) },
  { name: 'adjacent pluses', literal: '/^(x+x+)+y$/', evil: (n) => 'x'.repeat(n) },
  { name: 'words and spaces', literal: '/^(\\w+\\s?)*$/', evil: (n) => `${'ab '.repeat(Math.ceil(n / 3))}!` },
  { name: 'digits', literal: '/^(\\d+)*$/', evil: (n) => `${'1'.repeat(n)}x` },
  { name: 'repeated wildcard group', literal: '/^(.*a){12}$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'email (OWASP)', literal: '/^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'java class name (OWASP)', literal: '/^(([a-z])+.)+[A-Z]([a-z])+$/', evil: (n) => `${'a'.repeat(n)}!` },
  { name: 'quoted string', literal: '/^"(\\\\.|[^"\\\\])*"$/', evil: (n) => `"${'\\\\'.repeat(Math.ceil(n / 2))}` },
  { name: 'case-insensitive nested', literal: '/^(a+)+$/i', evil: (n) => `${'A'.repeat(n)}!` },
];

export const REDOS: readonly ReDoS[] = PATTERNS.map((r) => ({ ...r, input: r.evil(KB100) }));

/** Patterns that can only run by backtracking, or that compile to huge programs: rejected when the rules load. */
export const REFUSED: readonly { readonly literal: string; readonly code: string; readonly why: string }[] = [
  { literal: '/^(a+)\\1$/', code: 'VLV0311', why: 'a back-reference' },
  { literal: '/^(?<x>a+)\\k<x>$/', code: 'VLV0311', why: 'a named back-reference' },
  { literal: '/^(?=(a+))\\1b/', code: 'VLV0311', why: 'a lookahead' },
  { literal: '/(?<!a)b/', code: 'VLV0311', why: 'a lookbehind' },
  { literal: '/(?!x)(a+)+$/', code: 'VLV0311', why: 'a negative lookahead' },
  { literal: '/a+/y', code: 'VLV0311', why: 'the sticky flag' },
  { literal: '/^(.*){1,1000}$/', code: 'VLV0706', why: 'a program of 5000 instructions' },
  { literal: '/(\\w{10}){100}/', code: 'VLV0706', why: 'a program of over 1000 instructions' },
  { literal: '/(a{1000}){1000}/', code: 'VLV0706', why: 'a million instructions, counted without compiling (RE2 itself would call it too large)' },
  { literal: '/a{1001}/', code: 'VLV0204', why: 'a repetition count over 1000' },
];
