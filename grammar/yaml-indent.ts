/**
 * Indentation mistakes in block mappings, found line by line when `yaml` has refused a text.
 *
 * `yaml` reports an over-indented key as two errors at the line above it and an under-indented
 * one at the next line's column 1, and its tree is then unusable, so every other diagnostic of the
 * file is lost. This scan finds the key whose indentation fits no mapping, says so at that key,
 * and gives the loader a repaired text (that key moved to the column it most likely meant) so the
 * rest of the file can still be read. It is deliberately narrow: lists, flow collections spanning
 * lines, multi-line quoted scalars, tabs, several documents: no finding, and yaml's errors stand.
 */
import type { Span } from './span.js';

export interface IndentMistake {
  /** The offending key as written, and where. */
  readonly key: string;
  readonly keySpan: Span;
  readonly indent: number;
  /** `under-value`: deeper than a key whose value is a scalar; `between`: between two open levels. */
  readonly kind: 'under-value' | 'between';
  /** The column (as an indentation) it was repaired to, and a key already at that level. */
  readonly fixed: { readonly indent: number; readonly key: string };
  /** `between`: the other level it could have meant. */
  readonly other?: { readonly indent: number; readonly key: string };
}

export interface IndentRepair {
  readonly mistakes: readonly IndentMistake[];
  /** The text with each mistaken key re-indented. */
  readonly text: string;
  /** An offset of `text` → the offset of the same character in the original. */
  readonly toOriginal: (offset: number) => number;
}

/** A key at the start of a line: a quoted or plain scalar, then `:` and a space or the end. */
const KEY_LINE = /^( *)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"#?\-[\]{},&*!|>%@`](?:[^:\n]|:(?=\S))*?) *:(?= |$)(.*)$/;
/** A value that opens a block scalar: `|` or `>` with optional indicators. */
const BLOCK_SCALAR = /^[|>][-+0-9]*$/;
/** A value after which the key's content is on the following lines (nothing, an anchor, a tag). */
const OPENS = /^(?:[&!]\S*)?$/;

/** The value part of a key line without its comment; undefined when it may continue on later lines. */
function valueOf(rest: string): string | undefined {
  const v = rest.trim();
  if (v.startsWith('"') || v.startsWith("'")) {
    const q = v[0];
    const close = q === '"' ? /^"(?:[^"\\]|\\.)*"/.exec(v) : /^'(?:[^']|'')*'/.exec(v);
    if (!close) return undefined; // a quoted scalar over several lines: left to yaml
    const after = v.slice(close[0].length).trim();
    if (after !== '' && !after.startsWith('#')) return undefined;
    return close[0];
  }
  if (v.startsWith('[') || v.startsWith('{')) return undefined;
  const hash = v.search(/(^|\s)#/);
  return (hash < 0 ? v : v.slice(0, hash)).trim();
}

/** An open mapping: its indentation and its latest key (the one a message names). */
interface Level {
  readonly indent: number;
  key: string;
}

/** The mistakes of `text` and its repair, or undefined when there are none this scan is sure of. */
export function repairIndentation(text: string): IndentRepair | undefined {
  if (/\t|^(?:---|\.\.\.)/m.test(text)) return undefined;
  const lines = text.split('\n');
  const mistakes: IndentMistake[] = [];
  const fixedIndent = new Map<number, number>(); // line → indentation it gets
  const levels: Level[] = [];
  let prev: { indent: number; key: string; opens: boolean } | undefined;
  let blockScalarOver: number | undefined; // a block scalar's key indentation, while inside it
  let offset = 0;
  for (let n = 0; n < lines.length; offset += lines[n].length + 1, n++) {
    const line = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    const indent = line.length - line.trimStart().length;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (blockScalarOver !== undefined && indent > blockScalarOver) continue;
    blockScalarOver = undefined;
    const m = KEY_LINE.exec(line);
    if (!m) {
      // A plain scalar continued on a deeper line; anything else (lists, flow, …) is not ours.
      if (prev && !prev.opens && indent > prev.indent) continue;
      return undefined;
    }
    const key = m[2];
    const value = valueOf(m[3]);
    if (value === undefined) return undefined;
    let at = indent;
    if (!prev) levels.push({ indent, key });
    else if (prev.opens && indent > prev.indent) levels.push({ indent, key });
    else if (!prev.opens && indent > prev.indent) {
      at = prev.indent;
      mistakes.push({ key, keySpan: { start: offset + indent, end: offset + indent + key.length }, indent, kind: 'under-value', fixed: { indent: at, key: prev.key } });
    } else {
      let popped: Level | undefined;
      while (levels.length > 0 && levels[levels.length - 1].indent > indent) popped = levels.pop();
      const top = levels[levels.length - 1];
      if (!top) return undefined; // left of the outermost mapping
      if (top.indent !== indent) {
        if (!popped) return undefined;
        // Between two levels: the nearer one, the deeper on a tie (a slip of one space, usually).
        const deeper = popped.indent - indent <= indent - top.indent;
        const fixed = deeper ? popped : top;
        if (deeper) levels.push(popped);
        at = fixed.indent;
        mistakes.push({ key, keySpan: { start: offset + indent, end: offset + indent + key.length }, indent, kind: 'between', fixed: { ...fixed }, other: { ...(deeper ? top : popped) } });
      }
    }
    levels[levels.length - 1].key = key;
    if (at !== indent) fixedIndent.set(n, at);
    if (BLOCK_SCALAR.test(value)) blockScalarOver = at;
    prev = { indent: at, key, opens: OPENS.test(value) };
  }
  if (mistakes.length === 0) return undefined;

  // The repaired text, and per line: where it starts in both texts and how its indentation changed.
  const starts: { repaired: number; original: number; from: number; to: number }[] = [];
  const out: string[] = [];
  let repaired = 0;
  offset = 0;
  for (let n = 0; n < lines.length; n++) {
    const to = fixedIndent.get(n);
    const from = lines[n].length - lines[n].trimStart().length;
    const line = to === undefined ? lines[n] : ' '.repeat(to) + lines[n].trimStart();
    starts.push({ repaired, original: offset, from, to: to ?? from });
    out.push(line);
    repaired += line.length + 1;
    offset += lines[n].length + 1;
  }
  const toOriginal = (o: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid].repaired <= o) lo = mid;
      else hi = mid - 1;
    }
    const s = starts[lo];
    const within = o - s.repaired;
    // In the indentation: its start, or as far in as the original indentation goes.
    if (within < s.to) return s.original + Math.min(within, s.from);
    return s.original + s.from + (within - s.to);
  };
  return { mistakes, text: out.join('\n'), toOriginal };
}
