/**
 * JavaScript regular-expression literals → RE2 programs, so `match` runs on a linear-time engine
 * (re2js) in the server and the browser alike, meaning what JavaScript's RegExp means: the
 * pattern is parsed with JavaScript's grammar into sets of characters with JavaScript's meaning
 * (regex-parse.ts) and written out over an alphabet the input is rewritten into before matching
 * (regex-alphabet.ts). Features that need backtracking are refused with a name for the feature;
 * the checker reports them, the runtime never sees them.
 */
import { RE2JS } from 're2js';
import { buildProgram, TooManySets, type Alphabet, type Loop } from './regex-alphabet.js';
import { withoutEmptyIterations } from './regex-empty.js';
import { programSizeFloor } from './regex-floor.js';
import { jsRegexError } from './regex-js.js';
import { parseRegex, Unsupported } from './regex-parse.js';
import { estimateProgramSize } from './regex-size.js';
import { errorText } from '../grammar/index.js';

/** Everything the runtime needs to run one regex (serialized into compiled modules as JSON). */
export interface Re2Source {
  /** The RE2 program, over the runes of `alphabet`. */
  readonly source: string;
  readonly flags: number;
  readonly global: boolean;
  readonly alphabet: Alphabet;
  /** The name of each capture by number, null when unnamed; entry 0 is unused. */
  readonly names: readonly (string | null)[];
  /** The capture (JavaScript's number) each RE2 capture stands for, by RE2 number − 1. */
  readonly captures: readonly number[];
  /** Quantifiers whose captures JavaScript resets at each iteration. */
  readonly loops: readonly Loop[];
  /** The `d` flag: results carry `indices`. */
  readonly indices: boolean;
}

/**
 * `programSize`: instructions of the RE2 program (what VLV0706 limits), counted before compiling
 * it; a pattern over `maxProgramSize` is never compiled. `atLeast`: the count is a lower bound,
 * enough to know the pattern is over the limit.
 */
export type RegexTranslation = { readonly ok: true; readonly re2: Re2Source; readonly programSize: number; readonly atLeast?: true } | { readonly ok: false; readonly unsupported?: string; readonly error: string };

const fail = (error: string, unsupported?: string): RegexTranslation => ({ ok: false, error, ...(unsupported ? { unsupported } : {}) });

/** Why JavaScript refuses `pattern`, in RE2's words where RE2 refuses it too (as diagnostics always said). */
/** re2js's message without its `error parsing regexp: ` prefix. */
const re2Error = (e: unknown): string => errorText(e).replace(/^error parsing regexp: /, '');

function invalidReason(pattern: string, flags: string): string | undefined {
  const js = jsRegexError(pattern, flags);
  if (js === undefined) return undefined;
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    if (e instanceof Error && !/[vu]/.test(flags)) return re2Error(e);
  }
  return js;
}

/**
 * Translations by (flags, limit, pattern): a rules file repeats the same few regexes in many rules,
 * and translating one (parse, alphabet, RE2 size count and compile) costs far more than parsing
 * the rule around it. The result is immutable, so every use can share it. Bounded: the oldest
 * entry goes first, so a long-running process (serve, the language server) holds at most this many.
 */
const CACHE_SIZE = 256;
const cache = new Map<string, RegexTranslation>();

export function translateRegex(pattern: string, flags: string, maxProgramSize = Infinity): RegexTranslation {
  const key = `${flags}\0${maxProgramSize}\0${pattern}`;
  const known = cache.get(key);
  if (known) return known;
  const t = translate(pattern, flags, maxProgramSize);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, t);
  return t;
}

function translate(pattern: string, flags: string, maxProgramSize: number): RegexTranslation {
  let global = false;
  let indices = false;
  const f = { ignoreCase: false, multiline: false, dotAll: false, unicode: false, unicodeSets: false };
  for (const c of flags) {
    if (c === 'i') f.ignoreCase = true;
    else if (c === 'm') f.multiline = true;
    else if (c === 's') f.dotAll = true;
    else if (c === 'g') global = true;
    else if (c === 'u') f.unicode = true;
    // `v` is `u` with a stricter class syntax plus set operations (regex-sets.ts).
    else if (c === 'v') f.unicodeSets = true;
    else if (c === 'd') indices = true;
    else if (c === 'y') return fail('the sticky flag `y`', 'the sticky flag `y`');
    else return fail(`unknown flag \`${c}\``);
  }
  if (new Set(flags).size !== flags.length) return fail('a flag is repeated');
  if (f.unicode && f.unicodeSets) return fail('the flags `u` and `v` together');
  // The parser follows JavaScript's grammar and leaves judging a pattern to JavaScript itself.
  const invalid = invalidReason(pattern, flags.replace(/[gdy]/g, ''));
  if (invalid) return fail(invalid);
  try {
    const parsed = parseRegex(pattern, f);
    const program = buildProgram(withoutEmptyIterations(parsed.root), f);
    const re2: Re2Source = { source: program.source, flags: program.lookbehinds ? RE2JS.LOOKBEHINDS : 0, global, alphabet: program.alphabet, names: parsed.names, captures: program.captures, loops: program.loops, indices };
    return sized(re2, maxProgramSize);
  } catch (e) {
    if (e instanceof Unsupported) return fail(e.short, e.feature);
    if (e instanceof TooManySets) return fail('a pattern that tells apart this many sets of characters', 'a pattern that tells apart this many sets of characters');
    return fail(re2Error(e));
  }
}

function sized(re2: Re2Source, maxProgramSize: number): RegexTranslation {
  const out = re2.source;
  const re2Flags = re2.flags;
  const floor = programSizeFloor(out);
  if (floor > maxProgramSize) return { ok: true, re2, programSize: floor, atLeast: true };
  try {
    // Parsing reports every syntax error compiling would; compiling costs time in proportion to
    // the program (seconds for `\pL{999}` × 330), so an oversized one is refused uncompiled.
    const size = estimateProgramSize(out, re2Flags);
    if (size > maxProgramSize) return { ok: true, re2, programSize: size };
    return { ok: true, re2, programSize: RE2JS.compile(out, re2Flags).programSize() };
  } catch (e) {
    return fail(re2Error(e));
  }
}
