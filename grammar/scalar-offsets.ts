/**
 * Maps every UTF-16 unit of a YAML scalar's *value* back to the source text that produced it.
 *
 * The `yaml` package resolves scalars (folding, escapes, block indentation, chomping) but keeps
 * no per-character positions, so this module replays the exact same resolution steps as
 * yaml@2 (compose/resolve-flow-scalar.js and compose/resolve-block-scalar.js) while recording
 * offsets. The caller compares the rebuilt value with yaml's value and falls back to the whole
 * scalar's span if they ever differ, so a missed edge case costs precision, never correctness.
 */
import type { CST } from 'yaml';
import type { Span } from './span.js';

/** Offsets into the file: the value's unit `i` came from `text.slice(starts[i], ends[i])`. */
export interface OffsetTable {
  readonly value: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Where an empty value (or an empty slice at its start) sits: just inside the quotes / body. */
  readonly emptyAt: number;
}

/** Accumulates value units with their source ranges; folded line breaks are settled per gap. */
class Builder {
  out = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private gapBreaks: Array<readonly [number, number]> = [];
  private pending: number[] = [];

  /** Append `s` (one character, or an escape's decoded text) produced by source `[from, to)`. */
  emit(s: string, from: number, to: number): void {
    for (let k = 0; k < s.length; k++) {
      this.out += s[k];
      this.starts.push(from);
      this.ends.push(to);
    }
  }

  /** Append `src.slice(a, b)` verbatim, where `src[0]` is at file offset `base`. */
  copy(src: string, a: number, b: number, base: number): void {
    for (let k = a; k < b; k++) this.emit(src[k], base + k, base + k + 1);
  }

  /** A line break in the current run of folded lines. */
  lineBreak(br: readonly [number, number] | undefined): void {
    if (br) this.gapBreaks.push(br);
  }

  /** Characters created by folding; their sources are known only once the gap ends. */
  fold(s: string): void {
    for (let k = 0; k < s.length; k++) {
      this.pending.push(this.out.length);
      this.emit(s[k], -1, -1);
    }
  }

  /**
   * Close a run of folded line breaks. YAML drops the first break of a run and keeps the rest
   * (or turns a lone break into a space), so the m produced units map to the last m breaks.
   */
  settle(): void {
    const m = this.pending.length;
    const b = this.gapBreaks.length;
    for (let j = 0; j < m; j++) {
      const idx = this.pending[j];
      const br = this.gapBreaks[Math.max(0, b - m + j)];
      const at = idx > 0 ? this.ends[idx - 1] : 0;
      this.starts[idx] = br ? br[0] : at;
      this.ends[idx] = br ? br[1] : at;
    }
    this.pending = [];
    this.gapBreaks = [];
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** yaml's `unfoldLines`, for plain and single-quoted scalars. `src[0]` is at file offset `base`. */
function unfold(b: Builder, src: string, base: number): void {
  if (!src.includes('\n')) {
    b.copy(src, 0, src.length, base);
    return;
  }
  // Lines end at `\n`; a `\r` right before it belongs to the break.
  const lines: Array<{ from: number; to: number; br: readonly [number, number] }> = [];
  let pos = 0;
  for (let nl = src.indexOf('\n'); nl >= 0; nl = src.indexOf('\n', pos)) {
    const to = nl > pos && src[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ from: pos, to, br: [base + to, base + nl + 1] });
    pos = nl + 1;
  }
  const [first, ...middle] = lines;
  let end = first.to;
  while (end > first.from && isBlank(src[end - 1])) end--;
  b.copy(src, first.from, end, base);
  b.lineBreak(first.br);
  let sep = ' ';
  for (const line of middle) {
    let a = line.from;
    let z = line.to;
    while (a < z && isBlank(src[a])) a++;
    while (z > a && isBlank(src[z - 1])) z--;
    if (a === z) {
      if (sep === '\n') b.fold('\n');
      else sep = '\n';
    } else {
      b.fold(sep);
      b.settle();
      b.copy(src, a, z, base);
      sep = ' ';
    }
    b.lineBreak(line.br);
  }
  let a = pos;
  while (isBlank(src[a])) a++;
  b.fold(sep);
  b.settle();
  b.copy(src, a, src.length, base);
}

/** Turn each `''` of a single-quoted value into one `'` spanning both source quotes. */
function collapseQuotes(b: Builder): Builder {
  const r = new Builder();
  for (let i = 0; i < b.out.length; i++) {
    if (b.out[i] === "'" && b.out[i + 1] === "'") {
      r.emit("'", b.starts[i], b.ends[i + 1]);
      i++;
    } else r.emit(b.out[i], b.starts[i], b.ends[i]);
  }
  return r;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** yaml's `doubleQuotedValue`; `source` includes both quotes and starts at file offset `base`. */
function doubleQuoted(b: Builder, source: string, base: number): void {
  const breakAt = (nl: number): readonly [number, number] =>
    source[nl - 1] === '\r' ? [base + nl - 1, base + nl + 1] : [base + nl, base + nl + 1];
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\r' && source[i + 1] === '\n') continue;
    if (ch === '\n') {
      // yaml's foldNewline: one break becomes a space, n breaks become n - 1 newlines
      b.lineBreak(breakAt(i));
      let fold = '';
      let c = source[i + 1];
      while (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        if (c === '\r' && source[i + 2] !== '\n') break;
        if (c === '\n') {
          fold += '\n';
          b.lineBreak(breakAt(i + 1));
        }
        i += 1;
        c = source[i + 1];
      }
      b.fold(fold || ' ');
      b.settle();
    } else if (ch === '\\') {
      const escStart = i;
      let next = source[++i];
      const cc = Object.hasOwn(ESCAPES, next) ? ESCAPES[next] : undefined;
      if (cc) b.emit(cc, base + escStart, base + i + 1);
      else if (next === '\n') {
        // an escaped line break produces nothing; the next line's indentation is skipped too
        next = source[i + 1];
        while (isBlank(next)) next = source[++i + 1];
      } else if (next === '\r' && source[i + 1] === '\n') {
        next = source[++i + 1];
        while (isBlank(next)) next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = source.substr(i + 1, length);
        const code = hex.length === length && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
        let s: string;
        try {
          s = String.fromCodePoint(code);
        } catch {
          s = source.substr(i - 1, length + 2);
        }
        b.emit(s, base + escStart, base + Math.min(i + 1 + length, source.length));
        i += length;
      } else b.emit(source.substr(i - 1, 2), base + escStart, base + i + 1);
    } else if (isBlank(ch)) {
      // whitespace before a line break is dropped
      const wsStart = i;
      let next = source[i + 1];
      while (isBlank(next)) next = source[++i + 1];
      if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n')) b.copy(source, wsStart, i + 1, base);
    } else b.emit(ch, base + i, base + i + 1);
  }
}

/** yaml's `resolveBlockScalar` (value part only). */
function blockScalar(b: Builder, token: CST.BlockScalar): number | undefined {
  const head = token.props[0];
  if (!head || head.type !== 'block-scalar-header') return undefined;
  const mode = head.source[0];
  let explicitIndent = 0;
  let chomp = '';
  for (const ch of head.source.slice(1)) {
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
    else if (!explicitIndent && Number(ch)) explicitIndent = Number(ch);
  }
  let headerLength = 0;
  for (const p of token.props) headerLength += 'source' in p && typeof p.source === 'string' ? p.source.length : 0;
  const bodyStart = token.offset + headerLength;
  const source = token.source;
  const bodyEnd = bodyStart + source.length;

  // splitLines: [indent, content] per line, plus where each line starts in the file
  const split = source ? source.split(/\n( *)/) : [];
  const lines: Array<[string, string]> = [];
  if (split.length) {
    const lead = /^( *)/.exec(split[0])?.[1] ?? '';
    lines.push([lead, split[0].slice(lead.length)]);
    for (let i = 1; i < split.length; i += 2) lines.push([split[i], split[i + 1]]);
  }
  const lineStart: number[] = [];
  for (let i = 0, at = bodyStart; i < lines.length; i++) {
    lineStart.push(at);
    at += lines[i][0].length + lines[i][1].length + 1;
  }
  const breakAfter = (i: number): readonly [number, number] | undefined => {
    if (i < 0 || i >= lines.length) return undefined;
    const p = lineStart[i] + lines[i][0].length + lines[i][1].length;
    if (p >= bodyEnd) return undefined;
    return lines[i][1].endsWith('\r') ? [p - 1, p + 1] : [p, p + 1];
  };
  const newline = (br: readonly [number, number] | undefined): void => b.emit('\n', br?.[0] ?? bodyEnd, br?.[1] ?? bodyEnd);

  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    const content = lines[i][1];
    if (content === '' || content === '\r') chompStart = i;
    else break;
  }
  if (chompStart === 0) {
    const n = chomp === '+' && lines.length > 0 ? Math.max(1, lines.length - 1) : 0;
    for (let j = 0; j < n; j++) newline(breakAfter(j));
    return bodyStart;
  }

  let trimIndent = token.indent + explicitIndent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content === '' || content === '\r') {
      if (explicitIndent === 0 && indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (explicitIndent === 0) trimIndent = indent.length;
      contentStart = i;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i][0].length > trimIndent) chompStart = i + 1;
  }

  // indentation beyond trimIndent is content: copy it from the line's start
  const copyIndent = (i: number, indent: string): void => {
    for (let k = trimIndent; k < indent.length; k++) b.emit(' ', lineStart[i] + k, lineStart[i] + k + 1);
  };
  for (let i = 0; i < contentStart; ++i) {
    copyIndent(i, lines[i][0]);
    newline(breakAfter(i));
  }
  let sep = '';
  let prevMoreIndented = false;
  for (let i = contentStart; i < chompStart; ++i) {
    let [indent, content] = lines[i];
    const contentAt = lineStart[i] + indent.length;
    if (content.endsWith('\r')) content = content.slice(0, -1);
    if (content && indent.length < trimIndent) indent = '';
    const copyContent = (): void => b.copy(content, 0, content.length, contentAt);
    if (mode !== '>') {
      if (sep) newline(breakAfter(i - 1));
      copyIndent(i, indent);
      copyContent();
      sep = '\n';
      continue;
    }
    if (i > contentStart) b.lineBreak(breakAfter(i - 1));
    if (indent.length > trimIndent || content[0] === '\t') {
      // more-indented lines keep their line breaks
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      b.fold(sep);
      b.settle();
      copyIndent(i, indent);
      copyContent();
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') b.fold('\n');
      else sep = '\n';
    } else {
      b.fold(sep);
      b.settle();
      copyContent();
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  b.settle();
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) {
      newline(breakAfter(i - 1));
      copyIndent(i, lines[i][0]);
    }
    if (!b.out.endsWith('\n')) newline(undefined);
  } else if (chomp !== '-') newline(breakAfter(chompStart - 1));
  return bodyStart;
}

/**
 * Rebuild a scalar's value from its CST token, recording where each unit came from.
 * Returns undefined for tokens it does not know (the caller then maps to the whole node).
 */
export function scalarOffsets(token: CST.FlowScalar | CST.BlockScalar): OffsetTable | undefined {
  let b = new Builder();
  let emptyAt: number | undefined = token.offset;
  switch (token.type) {
    case 'scalar':
      unfold(b, token.source, token.offset);
      break;
    case 'single-quoted-scalar':
      unfold(b, token.source.slice(1, -1), token.offset + 1);
      b = collapseQuotes(b);
      emptyAt = token.offset + 1;
      break;
    case 'double-quoted-scalar':
      doubleQuoted(b, token.source, token.offset);
      emptyAt = token.offset + 1;
      break;
    case 'block-scalar':
      emptyAt = blockScalar(b, token);
      break;
    default:
      return undefined;
  }
  if (emptyAt === undefined) return undefined;
  return { value: b.out, starts: b.starts, ends: b.ends, emptyAt };
}

/** True if the table's spans never go backwards, which `spanMapper` relies on. */
const monotone = (t: OffsetTable): boolean => {
  for (let i = 0; i < t.starts.length; i++) {
    if (t.starts[i] > t.ends[i] || (i > 0 && (t.starts[i] < t.starts[i - 1] || t.ends[i] < t.ends[i - 1]))) return false;
  }
  return true;
};

/**
 * A value-span → file-span function for a string scalar. Uses the table only if it rebuilds
 * `value` exactly; otherwise every span maps to `whole`, so positions are coarse but never wrong.
 */
export function spanMapper(table: OffsetTable | undefined, value: string, whole: Span): (s: Span) => Span {
  if (!table || table.value !== value || !monotone(table)) return () => ({ start: whole.start, end: whole.end });
  const { starts, ends, emptyAt } = table;
  const len = value.length;
  const clamp = (n: number): number => Math.max(0, Math.min(len, Math.trunc(n) || 0));
  return (s) => {
    const a = clamp(s.start);
    const e = Math.max(a, clamp(s.end));
    if (a === e) {
      const p = a < len ? starts[a] : len > 0 ? ends[len - 1] : emptyAt;
      return { start: p, end: p };
    }
    return { start: starts[a], end: ends[e - 1] };
  };
}
