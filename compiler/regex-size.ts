/**
 * The size of a regular expression's RE2 program, computed from its parsed tree without compiling
 * it. re2js's simplifier turns `x{999}` into 999 references to one shared node, and its compiler
 * then emits instructions for every reference: a 2 kB pattern compiles to 330,000 instructions in
 * seconds. Here each shared node is counted once and multiplied, so the check that refuses such a
 * pattern (VLV0706) costs time proportional to the pattern, not to the program.
 *
 * The count follows re2js's Compiler instruction by instruction (a failing fragment emits none, a
 * nullable one under `*` costs two alternations, ...); test/security/regex-size.test.ts checks that
 * it never under-counts the compiled program.
 */
import { RE2Set } from 're2js';

/** The parts of re2js's parsed `Regexp` read here (its typings expose the tree only as `any[]`). */
interface ParsedRegexp {
  readonly op: number;
  readonly subs: readonly ParsedRegexp[];
  readonly runes: ArrayLike<number> | null;
  readonly constructor: { readonly Op: Readonly<Record<number, string>> };
}

interface Fragment {
  /** Instructions the compiler emits for this node and everything under it. */
  readonly size: number;
  /** The compiler's "fail" fragment (it matches nothing): its parents add no instruction for it. */
  readonly fails: boolean;
  readonly nullable: boolean;
}

const NOP: Fragment = { size: 1, fails: false, nullable: true };
const RUNE: Fragment = { size: 1, fails: false, nullable: false };
const LEAVES: Readonly<Record<string, Fragment>> = {
  NO_MATCH: { size: 0, fails: true, nullable: false },
  EMPTY_MATCH: NOP,
  CHAR_CLASS: RUNE,
  ANY_CHAR: RUNE,
  ANY_CHAR_NOT_NL: RUNE,
  BEGIN_LINE: NOP,
  END_LINE: NOP,
  BEGIN_TEXT: NOP,
  END_TEXT: NOP,
  WORD_BOUNDARY: NOP,
  NO_WORD_BOUNDARY: NOP,
  CONCAT: NOP,
  ALTERNATE: NOP,
};

/**
 * Parses `source` as RE2JS.compile(source, flags) would (same parser, flags and simplifier; it
 * throws the same syntax errors) and returns the number of instructions of its program.
 */
export function estimateProgramSize(source: string, flags: number): number {
  const set = new RE2Set(RE2Set.UNANCHORED, flags);
  set.add(source);
  const root = set.regexps[0] as ParsedRegexp;
  // The compiler's own FAIL instruction at 0 and the final MATCH.
  return 2 + fragmentOf(root).size;
}

/** Post-order without recursion (a tree can be 1,000 levels deep), each shared node once. */
function fragmentOf(root: ParsedRegexp): Fragment {
  const done = new Map<ParsedRegexp, Fragment>();
  const stack: ParsedRegexp[] = [root];
  while (stack.length > 0) {
    const re = stack[stack.length - 1];
    if (done.has(re)) {
      stack.pop();
      continue;
    }
    let pending = false;
    // A concatenation can hold one node 330,000 times: push each distinct one once.
    for (const s of new Set(re.subs)) {
      if (!done.has(s)) {
        stack.push(s);
        pending = true;
      }
    }
    if (pending) continue;
    stack.pop();
    done.set(re, combine(re, re.subs.map((s) => done.get(s)!)));
  }
  return done.get(root)!;
}

function combine(re: ParsedRegexp, subs: readonly Fragment[]): Fragment {
  const op = re.constructor.Op[re.op];
  if (subs.length === 0) {
    if (op === 'LITERAL') return re.runes && re.runes.length > 0 ? { size: re.runes.length, fails: false, nullable: false } : NOP;
    const leaf = LEAVES[op];
    if (leaf) return leaf;
  }
  const inner = subs.reduce((n, s) => n + s.size, 0);
  const sub = subs[0];
  switch (op) {
    case 'CAPTURE':
      return { size: inner + 2, fails: sub.fails, nullable: !sub.fails && sub.nullable };
    case 'STAR':
      return { size: inner + (sub.fails ? 1 : sub.nullable ? 2 : 1), fails: false, nullable: true };
    case 'PLUS':
      return sub.fails ? { size: inner, fails: true, nullable: false } : { size: inner + 1, fails: false, nullable: sub.nullable };
    case 'QUEST':
      return { size: inner + 1, fails: false, nullable: true };
    case 'CONCAT': {
      const fails = subs.some((s) => s.fails);
      return { size: inner, fails, nullable: !fails && subs.every((s) => s.nullable) };
    }
    case 'ALTERNATE': {
      const live = subs.filter((s) => !s.fails);
      if (live.length === 0) return { size: inner, fails: true, nullable: false };
      return { size: inner + live.length - 1, fails: false, nullable: live.some((s) => s.nullable) };
    }
    case 'PLB':
    case 'NLB':
      // LB_WRITE, the automaton's `.*?` (a rune and an alternation), then LB_CHECK; zero-width.
      return { size: inner + 4, fails: false, nullable: true };
    default:
      // Not produced for the flags Valve passes (repeats are simplified
      // away); counted generously so an unexpected node can only over-count.
      return { size: inner + 8, fails: false, nullable: true };
  }
}
