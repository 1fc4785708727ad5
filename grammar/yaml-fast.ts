/**
 * A fast path for the YAML most permission files are: nested block mappings whose values are
 * one-line plain, single- or double-quoted strings or booleans, with blank lines and comments.
 *
 * `yaml`'s Parser and Composer cost about ten times what js-yaml needs to load such a file, and
 * the tree is then converted once more into YNodes. This scanner builds the YNodes directly, with
 * the same spans and value → file mappings the full path produces. It is deliberately narrow:
 * anything it is not sure of (tabs, CR, BOM, flow collections, lists, anchors, tags, escapes,
 * multi-line scalars, numbers, nulls, duplicate keys, odd indentation, comments that yaml might
 * attach to a deeper node, …) returns undefined, and the caller loads the text with `yaml` as
 * before. A file it accepts has no YAML-level diagnostic. test/grammar/yaml-fast.test.ts checks
 * every tree it builds against the full path's on generated YAML.
 */
import type { CST } from 'yaml';
import { scalarOffsets, spanMapper } from './scalar-offsets.js';
import type { Span } from './span.js';
import type { YEntry, YMap, YScalar } from './yaml.js';

export interface FastYaml {
  readonly root: YMap;
  /** Mappings nested in each other at the deepest point (the root mapping is 1). */
  readonly depth: number;
}

/** Characters this scanner never reads past: yaml gives them meanings it does not replay. */
const UNSUPPORTED = /[\x00-\x09\x0b-\x1f\u0085\u2028\u2029\ufeff]/;

/** c-indicator characters: a plain scalar starting with one means something else (or may). */
const INDICATORS = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** Plain keys the core schema resolves to null, a number or a differently spelled boolean. */
const SPECIAL_KEY = /^(?:[-+.0-9~]|(?:null|Null|NULL|True|TRUE|False|FALSE|<<)$)/;
/** Plain values the core schema resolves to null or a number (booleans are handled). */
const SPECIAL_VALUE = /^(?:[-+.0-9~]|(?:null|Null|NULL)$)/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

interface Frame {
  readonly indent: number;
  readonly map: YMap;
  /** `map.span`, which grows line by line. */
  readonly span: { start: number; end: number };
  readonly keys: Set<string>;
}

/** A key whose value is on the following (more indented) lines. */
interface Pending {
  readonly frame: Frame;
  readonly key: string;
  readonly keySpan: Span;
}

/** value span → file span for a scalar whose value is its source text from `base` on. */
function linear(base: number, len: number): (s: Span) => Span {
  const clamp = (n: number): number => Math.max(0, Math.min(len, Math.trunc(n) || 0));
  return (s) => {
    const a = clamp(s.start);
    const e = Math.max(a, clamp(s.end));
    return { start: base + a, end: base + e };
  };
}

/** Index of the closing quote of a single-quoted scalar opened at `open`, or -1 on this line. */
function singleQuoteEnd(text: string, open: number, lineEnd: number): number {
  for (let j = open + 1; j < lineEnd; j++) {
    if (text.charCodeAt(j) !== 39) continue;
    if (text.charCodeAt(j + 1) === 39) j++;
    else return j;
  }
  return -1;
}

/** Only spaces, then the end of the line or a comment separated by at least one space. */
function restIsBlank(text: string, from: number, lineEnd: number): boolean {
  let k = from;
  while (k < lineEnd && text.charCodeAt(k) === 32) k++;
  return k === lineEnd || (text.charCodeAt(k) === 35 && k > from);
}

export function scanYaml(text: string): FastYaml | undefined {
  if (text.length === 0 || UNSUPPORTED.test(text)) return undefined;
  const len = text.length;
  const stack: Frame[] = [];
  let root: YMap | undefined;
  let depth = 0;
  let pending: Pending | undefined;
  let indentedCommentSince = false; // since the last line with a key
  let commentIndent = -1; // of the comments since the last line with a key
  let commentReach = 0; // how many open mappings (outermost first) the last of them joined
  for (let pos = 0; pos < len; ) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? len : nl;
    const next = nl < 0 ? len : nl + 1;
    let p = pos;
    while (p < lineEnd && text.charCodeAt(p) === 32) p++;
    const indent = p - pos;
    if (p === lineEnd) {
      // blank lines after a comment join the same mappings as the comment
      for (let f = 0; f < commentReach; f++) stack[f].span.end = next;
      pos = next;
      continue;
    }
    const first = text[p];
    if (first === '#') {
      // yaml counts a comment line into the spans of the mappings outside the deepest one it
      // could continue. How it places a run of comments at different indentations is left to it.
      if (commentIndent >= 0 && commentIndent !== indent) return undefined;
      commentIndent = indent;
      if (!pending && stack.length > 0) {
        // deeper than the last entry: yaml reads it as that entry's; left to it
        if (indent > stack[stack.length - 1].indent) return undefined;
        let k = stack.length;
        while (k > 0 && stack[k - 1].indent > indent) k--;
        k--;
        for (let f = 0; f < k; f++) stack[f].span.end = next;
        commentReach = k;
      }
      if (indent > 0) indentedCommentSince = true;
      pos = next;
      continue;
    }
    if (indent === 0 && (text.startsWith('---', p) || text.startsWith('...', p))) return undefined;

    let frame: Frame;
    if (pending) {
      if (indent <= pending.frame.indent) return undefined; // `key:` with nothing under it: null
      const span = { start: p, end: next };
      const map: YMap = { kind: 'map', span, entries: [] };
      pending.frame.map.entries.push({ key: pending.key, keySpan: pending.keySpan, value: map });
      frame = { indent, map, span, keys: new Set() };
      stack.push(frame);
      depth = Math.max(depth, stack.length);
      pending = undefined;
    } else if (!root) {
      if (indent !== 0) return undefined;
      const span = { start: p, end: next };
      root = { kind: 'map', span, entries: [] };
      frame = { indent: 0, map: root, span, keys: new Set() };
      stack.push(frame);
      depth = 1;
    } else {
      // A mapping a comment joined and this line closes reaches to the line's first character:
      // yaml counts the closing line's indentation into it.
      for (let f = stack.length - 1; f >= 0 && stack[f].indent > indent; f--) if (f < commentReach) stack[f].span.end = p;
      while (stack.length > 0 && stack[stack.length - 1].indent > indent) stack.pop();
      if (stack.length === 0 || stack[stack.length - 1].indent !== indent) return undefined;
      frame = stack[stack.length - 1];
    }
    // This line belongs to every open mapping: each one's span reaches past its line break.
    for (const f of stack) f.span.end = next;
    indentedCommentSince = false;
    commentIndent = -1;
    commentReach = 0;

    // The key, then `:` followed by a space or the end of the line.
    let key: string;
    let keyEnd: number;
    let colon: number;
    if (first === '"') {
      const close = text.indexOf('"', p + 1);
      if (close < 0 || close >= lineEnd) return undefined;
      key = text.slice(p + 1, close);
      if (key.includes('\\')) return undefined;
      keyEnd = close + 1;
      colon = keyEnd;
      if (text[colon] !== ':') return undefined;
    } else if (first === "'") {
      const close = singleQuoteEnd(text, p, lineEnd);
      if (close < 0) return undefined;
      key = text.slice(p + 1, close).replaceAll("''", "'");
      keyEnd = close + 1;
      colon = keyEnd;
      if (text[colon] !== ':') return undefined;
    } else {
      if (INDICATORS.has(first)) return undefined;
      colon = p;
      for (;;) {
        colon = text.indexOf(':', colon);
        if (colon < 0 || colon >= lineEnd) return undefined;
        if (colon + 1 === lineEnd || text.charCodeAt(colon + 1) === 32) break;
        colon++;
      }
      keyEnd = colon;
      while (keyEnd > p && text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
      key = text.slice(p, keyEnd);
      if (key.includes(' #') || SPECIAL_KEY.test(key)) return undefined;
    }
    // yaml refuses implicit keys over 1024 characters; leave long lines to it
    if (lineEnd - pos > 1000 || key === '' || frame.keys.has(key)) return undefined;
    frame.keys.add(key);
    const keySpan: Span = { start: p, end: keyEnd };

    let s = colon + 1;
    if (s < lineEnd && text.charCodeAt(s) !== 32) return undefined;
    while (s < lineEnd && text.charCodeAt(s) === 32) s++;
    if (s === lineEnd || text[s] === '#') {
      pending = { frame, key, keySpan };
      pos = next;
      continue;
    }
    const value = scalarAt(text, s, lineEnd);
    if (!value) return undefined;
    const entry: YEntry = { key, keySpan, value };
    frame.map.entries.push(entry);
    pos = next;
  }
  // After the last entry, yaml counts indented comments into the root mapping's span (with the
  // blank lines around them): leave such endings to it.
  if (pending || !root || indentedCommentSince) return undefined;
  return { root, depth };
}

/** The one-line scalar starting at `s`, or undefined if it is not of the simple kinds. */
function scalarAt(text: string, s: number, lineEnd: number): YScalar | undefined {
  const c = text[s];
  if (c === '"') {
    const close = text.indexOf('"', s + 1);
    if (close < 0 || close >= lineEnd || !restIsBlank(text, close + 1, lineEnd)) return undefined;
    const value = text.slice(s + 1, close);
    if (value.includes('\\')) return undefined;
    return { kind: 'scalar', span: { start: s, end: close + 1 }, value, style: 'double', toFileSpan: linear(s + 1, value.length) };
  }
  if (c === "'") {
    const close = singleQuoteEnd(text, s, lineEnd);
    if (close < 0 || !restIsBlank(text, close + 1, lineEnd)) return undefined;
    const source = text.slice(s, close + 1);
    const span = { start: s, end: close + 1 };
    if (!source.includes("''", 1)) {
      const value = source.slice(1, -1);
      return { kind: 'scalar', span, value, style: 'single', toFileSpan: linear(s + 1, value.length) };
    }
    const value = source.slice(1, -1).replaceAll("''", "'");
    const token = { type: 'single-quoted-scalar', offset: s, indent: 0, source } as CST.FlowScalar;
    return { kind: 'scalar', span, value, style: 'single', toFileSpan: spanMapper(scalarOffsets(token), value, span) };
  }
  if (INDICATORS.has(c)) return undefined;
  let end = text.indexOf(' #', s);
  if (end < 0 || end > lineEnd) end = lineEnd;
  while (end > s && text.charCodeAt(end - 1) === 32) end--;
  const value = text.slice(s, end);
  if (value.includes(': ') || value.endsWith(':') || SPECIAL_VALUE.test(value)) return undefined;
  const span = { start: s, end };
  const bool = Object.hasOwn(BOOLEANS, value) ? BOOLEANS[value] : undefined;
  if (bool !== undefined) return { kind: 'scalar', span, value: bool, style: 'plain' };
  return { kind: 'scalar', span, value, style: 'plain', toFileSpan: linear(s, value.length) };
}
