/**
 * JavaScript regular-expression literals → RE2 syntax, so `match` runs on a linear-time engine
 * (re2js) in the server and the browser alike. Features that need backtracking are refused
 * with a name for the feature; the checker reports them, the runtime never sees them.
 */
import { RE2JS } from 're2js';
import { programSizeFloor } from './regex-floor.js';
import { jsRegexError } from './regex-js.js';
import { classSetToRe2 } from './regex-sets.js';
import { estimateProgramSize } from './regex-size.js';

export interface Re2Source {
  readonly source: string;
  readonly flags: number;
  readonly global: boolean;
}

/**
 * `programSize`: instructions of the RE2 program (what VLV0706 limits), counted before compiling
 * it; a pattern over `maxProgramSize` is never compiled. `atLeast`: the count is a lower bound,
 * enough to know the pattern is over the limit.
 */
export type RegexTranslation = { readonly ok: true; readonly re2: Re2Source; readonly programSize: number; readonly atLeast?: true } | { readonly ok: false; readonly unsupported?: string; readonly error: string };

const fail = (error: string, unsupported?: string): RegexTranslation => ({ ok: false, error, ...(unsupported ? { unsupported } : {}) });

export function translateRegex(pattern: string, flags: string, maxProgramSize = Infinity): RegexTranslation {
  let re2Flags = 0;
  let global = false;
  let unicode = false;
  let unicodeSets = false;
  for (const f of flags) {
    if (f === 'i') re2Flags |= RE2JS.CASE_INSENSITIVE;
    else if (f === 'm') re2Flags |= RE2JS.MULTILINE;
    else if (f === 's') re2Flags |= RE2JS.DOTALL;
    else if (f === 'g') global = true;
    else if (f === 'u') unicode = true;
    // `v` is `u` with a stricter class syntax plus set operations; without those it means what `u` means.
    else if (f === 'v') unicode = unicodeSets = true;
    else if (f === 'd') continue;
    else if (f === 'y') return fail('the sticky flag `y`', 'the sticky flag `y`');
    else return fail(`unknown flag \`${f}\``);
  }
  if (new Set(flags).size !== flags.length) return fail('a flag is repeated');
  if (flags.includes('u') && unicodeSets) return fail('the flags `u` and `v` together');
  // The `v` class grammar is stricter than `u`'s (`[(]` is an error): classes are parsed only once JavaScript accepts the pattern.
  const invalid = unicodeSets ? jsRegexError(pattern, flags) : undefined;
  if (invalid) return fail(invalid);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n)) return fail('a back-reference', 'a back-reference such as `\\1`');
      if (n === 'k' && pattern[i + 2] === '<') return fail('a named back-reference', 'a back-reference such as `\\k<name>`');
      if (n === 'c') {
        // `\cJ` is the control character J % 32; so is `[\c1]` and `[\c_]` without `u` (Annex B).
        // Anything else after `\c` is a literal `\` and `c` without `u` (with it, JavaScript refuses it).
        const letter = pattern[i + 2] ?? '';
        if (/[A-Za-z]/.test(letter) || (inClass && !unicode && /[0-9_]/.test(letter))) {
          out += `\\x{${(letter.charCodeAt(0) % 32).toString(16)}}`;
          i += 2;
          continue;
        }
        if (unicode) return fail('`\\c` not followed by a letter');
        out += '\\\\c';
        i += 1;
        continue;
      }
      if (n === 'u') {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(i + 2));
        const plain = /^[0-9a-fA-F]{4}/.exec(pattern.slice(i + 2));
        if (braced) {
          out += `\\x{${braced[1]}}`;
          i += 1 + braced[0].length;
          continue;
        }
        if (plain) {
          out += `\\x{${plain[0]}}`;
          i += 5;
          continue;
        }
      }
      if (n === '0' && !/[0-9]/.test(pattern[i + 2] ?? '')) {
        out += '\\x00';
        i += 1;
        continue;
      }
      if (n === 'b' && inClass) {
        out += '\\x08';
        i += 1;
        continue;
      }
      out += c + n;
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[' && unicodeSets) {
      // Nested classes, `&&`, `--` and `\q{…}`: computed as one explicit class (regex-sets.ts).
      const set = classSetToRe2(pattern, i, (re2Flags & RE2JS.CASE_INSENSITIVE) !== 0, (leaf) => {
        const t = translateRegex(leaf, 'u');
        return t.ok ? t.re2.source : undefined;
      });
      if (!set) return fail('a character class of the `v` flag that can not be translated');
      out += set.re2;
      i = set.end - 1;
      continue;
    }
    if (c === '[') {
      if (pattern.startsWith('[^]', i)) {
        out += '(?s:.)';
        i += 2;
        continue;
      }
      if (pattern.startsWith('[]', i)) {
        out += '[^\\x{0}-\\x{10FFFF}]';
        i += 1;
        continue;
      }
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) return fail('a lookahead', 'a lookahead such as `(?=…)`');
      if (kind === '<=' || kind === '<!') return fail('a lookbehind', 'a lookbehind such as `(?<=…)`');
    }
    out += c;
  }
  const re2 = { source: out, flags: re2Flags, global };
  const floor = programSizeFloor(out);
  if (floor > maxProgramSize) return { ok: true, re2, programSize: floor, atLeast: true };
  try {
    // Parsing reports every syntax error compiling would; compiling costs time in proportion to
    // the program (seconds for `\pL{999}` × 330), so an oversized one is refused uncompiled.
    const size = estimateProgramSize(out, re2Flags);
    if (size > maxProgramSize) return { ok: true, re2, programSize: size };
    return { ok: true, re2, programSize: RE2JS.compile(out, re2Flags).programSize() };
  } catch (e) {
    return fail(e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e));
  }
}
