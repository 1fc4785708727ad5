/**
 * Loads a permissions file (YAML or JSON) into a small position-carrying tree.
 *
 * `yaml` does the parsing; this module turns its AST into YMap/YSeq/YScalar, reports every
 * YAML-level problem as a VLV00xx diagnostic, resolves aliases itself (with an expansion
 * budget, so "billion laughs" files are rejected without being expanded) and attaches to each
 * string scalar an exact value-offset → file-offset mapping (see scalar-offsets.ts).
 */
import { cstTooDeep, parseYamlCst, type YamlCst } from './yaml-depth.js';
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node as YamlNode,
  type Scalar,
  type YAMLError,
} from 'yaml';
import { type Diagnostic, DiagnosticSink } from './diagnostic.js';
import { scalarOffsets, spanMapper } from './scalar-offsets.js';
import { type IndentMistake, repairIndentation } from './yaml-indent.js';
import type { Span } from './span.js';

export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  kind: 'map';
  span: Span;
  entries: YEntry[];
}

export interface YEntry {
  /** The key as a string: numbers and booleans become `String(v)`. */
  key: string;
  keySpan: Span;
  value: YNode;
}

export interface YSeq {
  kind: 'seq';
  span: Span;
  items: YNode[];
}

export interface YScalar {
  kind: 'scalar';
  /** The whole node in the file, quotes and block indicators included. */
  span: Span;
  value: string | number | boolean | null;
  style: 'plain' | 'single' | 'double' | 'literal' | 'folded';
  /** For string values only: file span of `value.slice(s.start, s.end)`. */
  toFileSpan?: (s: Span) => Span;
}

/** A node as messages name it: `a mapping`, `a list`, `empty`, or its scalar value. */
export const nodeKind = (n: YNode): string =>
  n.kind === 'map' ? 'a mapping' : n.kind === 'seq' ? 'a list' : n.value === null ? 'empty' : `the ${typeof n.value} \`${String(n.value)}\``;

/** Alias dereferences allowed in the fully expanded tree (yaml's own default maxAliasCount). */
export const MAX_ALIAS_EXPANSIONS = 100;

const CORE_TAGS = new Set(['str', 'bool', 'int', 'float', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

const STYLES: Record<string, YScalar['style']> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'literal',
  BLOCK_FOLDED: 'folded',
};

const rangeSpan = (n: { range?: readonly number[] | null }, fallback = 0): Span => {
  const r = n.range;
  return r ? { start: r[0], end: Math.max(r[0], r[1]) } : { start: fallback, end: fallback };
};

/** yaml's messages can carry a code frame after the first line; keep the sentence only. */
const detailOf = (e: YAMLError): string => {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  // yaml turns its own stack overflows into errors; say what the file did instead
  return /call stack/i.test(first) ? 'the document is nested too deeply' : first;
};

const formatOf = (file: string): 'YAML' | 'JSON' => (/\.json$/i.test(file) ? 'JSON' : 'YAML');

/**
 * Nesting beyond which loadYaml refuses a text before composing it, whatever the caller's own
 * limits: yaml's recursive composer can abort the process on absurdly deep input.
 */
export const YAML_DEPTH_SAFETY_NET = 128;

/** `cst`: the text already parsed by parseYamlCst (the compiler parses once for all its checks). */
export function loadYaml(text: string, file: string, cst?: YamlCst): { root?: YNode; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink(file, text);
  try {
    const parsed = cst ?? parseYamlCst(text);
    const deep = cstTooDeep(parsed, YAML_DEPTH_SAFETY_NET);
    if (deep) {
      sink.report('VLV0702', { start: deep.offset, end: Math.min(text.length, deep.offset + 1) }, { max: YAML_DEPTH_SAFETY_NET });
      return { diagnostics: sink.items };
    }
    if ('fast' in parsed) return { root: parsed.fast.root, diagnostics: sink.items };
    // cstTooDeep returned, so the parse produced tokens
    return { root: load(text, 'tokens' in parsed ? parsed.tokens : [], sink, formatOf(file)), diagnostics: sink.items };
  } catch (e) {
    // yaml and the walks below recurse; absurd nesting must still end as a diagnostic
    const detail = e instanceof RangeError ? 'the document is nested too deeply' : `could not be read (${String(e)})`;
    sink.report('VLV0001', { start: 0, end: 0 }, { detail, format: formatOf(file) });
    return { diagnostics: sink.items };
  }
}

const compose = (cst: readonly CST.Token[]): { docs: Document.Parsed[]; stream: YAMLError[] } => {
  const composer = new Composer({ keepSourceTokens: true, uniqueKeys: false, prettyErrors: false });
  const docs = Array.from(composer.compose(cst));
  return { docs, stream: docs.length === 0 ? composer.streamInfo().errors : [] };
};

/**
 * A text yaml refused because a key is indented to fit no mapping: the tokens of the text with
 * that key moved where it most likely belongs, their offsets mapped back to the original text, so
 * the tree (and every diagnostic after it) points into the file as written.
 */
function repaired(text: string): { cst: CST.Token[]; mistakes: readonly IndentMistake[] } | undefined {
  const repair = repairIndentation(text);
  if (!repair) return undefined;
  const parsed = parseYamlCst(repair.text, false);
  if (!('tokens' in parsed) || cstTooDeep(parsed, YAML_DEPTH_SAFETY_NET)) return undefined;
  const seen = new Set<object>();
  const shift = (t: unknown): void => {
    if (!t || typeof t !== 'object' || seen.has(t)) return;
    seen.add(t);
    if (Array.isArray(t)) return t.forEach(shift);
    const tok = t as Record<string, unknown>;
    if (typeof tok.offset === 'number') tok.offset = repair.toOriginal(tok.offset);
    for (const key in tok) if (Object.hasOwn(tok, key) && tok[key] && typeof tok[key] === 'object') shift(tok[key]);
  };
  const tokens = [...parsed.tokens];
  shift(tokens);
  return { cst: tokens, mistakes: repair.mistakes };
}

function load(text: string, source: readonly CST.Token[], sink: DiagnosticSink, format: 'YAML' | 'JSON'): YNode | undefined {
  let cst = source;
  let { docs, stream } = compose(cst);
  if (format === 'YAML' && (stream.length > 0 || docs.some((d) => d.errors.length > 0))) {
    // Said in our words at the key itself, and the rest of the file read as the key was meant.
    const fix = repaired(text);
    if (fix) {
      for (const m of fix.mistakes) sink.report('VLV0190', m.keySpan, { key: m.key, indent: m.indent, kind: m.kind, fixed: m.fixed, other: m.other });
      cst = fix.cst;
      ({ docs, stream } = compose(cst));
    }
  }
  // After the first error the parser often complains about every following token; those
  // "unexpected token" echoes say nothing new, so only the first error of a run is kept.
  let reported = 0;
  const report = (e: YAMLError): void => {
    if (reported > 0 && e.code === 'UNEXPECTED_TOKEN') return;
    reported++;
    sink.report('VLV0001', { start: e.pos[0], end: e.pos[1] }, { detail: detailOf(e), format });
  };
  stream.forEach(report);
  for (const d of docs) d.errors.forEach(report);

  const cstDocs = cst.filter((t): t is CST.Document => t.type === 'document');
  if (docs.length > 1) {
    const second = cstDocs[1];
    const marker = second?.start.find((t) => t.type === 'doc-start');
    const at = marker ? { start: marker.offset, end: marker.offset + marker.source.length } : rangeSpan({ range: docs[1].range });
    sink.report('VLV0006', marker ? at : { start: at.start, end: at.start }, { what: `${docs.length} documents` });
  }
  const doc = docs[0] as Document.Parsed | undefined;
  if (doc && cstDocs[0]) checkTags(cstDocs[0], doc, sink);
  // `---` or `...` alone give a null scalar with no text: as empty as no document at all
  const contents = doc?.contents;
  if (!contents || (isScalar(contents) && contents.value === null && !contents.srcToken)) {
    if (!sink.hasErrors) sink.report('VLV0005', { start: 0, end: 0 }, {});
    return undefined;
  }
  const targets = resolveAliases(contents, sink);
  if (!targets) return undefined;
  return new TreeBuilder(text, sink, targets).node(contents);
}

/** Every explicit tag outside the YAML core schema is rejected, wherever it sits. */
function checkTags(cstDoc: CST.Document, doc: Document.Parsed, sink: DiagnosticSink): void {
  const seen = new Set<object>();
  const walk = (t: unknown): void => {
    if (!t || typeof t !== 'object' || seen.has(t)) return;
    seen.add(t);
    if (Array.isArray(t)) {
      t.forEach(walk);
      return;
    }
    const tok = t as { type?: unknown; source?: unknown; offset?: unknown };
    if (tok.type === 'tag' && typeof tok.source === 'string' && typeof tok.offset === 'number') {
      const name = doc.directives.tagName(tok.source, () => {}) ?? tok.source;
      if (!CORE_TAGS.has(name)) {
        const shown = name.startsWith('tag:yaml.org,2002:') ? `!!${name.slice(18)}` : tok.source;
        sink.report('VLV0004', { start: tok.offset, end: tok.offset + tok.source.length }, { tag: shown });
      }
      return;
    }
    // for…in visits the same own keys as Object.values (CST tokens are plain objects) without
    // allocating an array per token.
    for (const key in tok) {
      if (!Object.hasOwn(tok, key)) continue;
      const v = (tok as Record<string, unknown>)[key];
      if (v && typeof v === 'object') walk(v);
    }
  };
  walk(cstDoc);
}

type Target = Map<YamlNode, YamlNode>;

/**
 * Resolves every alias to its anchored node (the last anchor of that name before it, as YAML
 * says) and measures how many dereferences the expanded tree would hold, without expanding it.
 * Returns undefined when the file must not be turned into a tree (expansion too large or cyclic).
 */
function resolveAliases(root: YamlNode, sink: DiagnosticSink): Target | undefined {
  const anchors = new Map<string, YamlNode>();
  const targets: Target = new Map();
  const aliases: YamlNode[] = [];
  const visit = (n: unknown): void => {
    if (isPair(n)) {
      visit(n.key);
      visit(n.value);
      return;
    }
    if (isAlias(n)) {
      const target = anchors.get(n.source);
      if (target) {
        targets.set(n, target);
        aliases.push(n);
      } else sink.report('VLV0001', rangeSpan(n), { detail: `the alias *${n.source} has no anchor before it`, format: 'YAML' });
      return;
    }
    if (!isScalar(n) && !isMap(n) && !isSeq(n)) return;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isMap(n) || isSeq(n)) for (const item of n.items as unknown[]) visit(item);
  };
  visit(root);

  // derefs(n): alias dereferences inside n once expanded; memoised, so linear in the file
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  const cap = MAX_ALIAS_EXPANSIONS + 1;
  const derefs = (n: unknown): number => {
    if (!n || typeof n !== 'object') return 0;
    const known = memo.get(n);
    if (known !== undefined) return known;
    if (active.has(n)) return Infinity; // an alias inside its own anchor: endless expansion
    active.add(n);
    let count = 0;
    if (isPair(n)) count = derefs(n.key) + derefs(n.value);
    else if (isAlias(n)) {
      const t = targets.get(n);
      count = t ? 1 + derefs(t) : 0;
    } else if (isMap(n) || isSeq(n)) for (const item of n.items as unknown[]) count = Math.min(cap, count + derefs(item));
    active.delete(n);
    count = Math.min(count, cap);
    memo.set(n, count);
    return count;
  };
  let total = 0;
  for (const a of aliases) {
    const t = targets.get(a);
    total += 1 + derefs(t);
    if (total > MAX_ALIAS_EXPANSIONS) {
      sink.report('VLV0003', rangeSpan(a), {});
      return undefined;
    }
  }
  return targets;
}

/** Converts yaml's AST to YNodes; an aliased node becomes the same YNode object as its anchor. */
class TreeBuilder {
  private readonly built = new Map<YamlNode, YNode>();

  constructor(
    private readonly text: string,
    private readonly sink: DiagnosticSink,
    private readonly targets: Target,
  ) {}

  node(n: unknown, fallback = 0): YNode {
    if (isAlias(n)) {
      const t = this.targets.get(n);
      return t ? this.node(t, fallback) : { kind: 'scalar', span: rangeSpan(n, fallback), value: null, style: 'plain' };
    }
    if (!isScalar(n) && !isMap(n) && !isSeq(n)) return { kind: 'scalar', span: { start: fallback, end: fallback }, value: null, style: 'plain' };
    const done = this.built.get(n);
    if (done) return done;
    let result: YNode;
    if (isMap(n)) {
      const map: YMap = { kind: 'map', span: rangeSpan(n), entries: [] };
      this.built.set(n, map);
      this.fillMap(map, n.items as unknown[]);
      result = map;
    } else if (isSeq(n)) {
      const seq: YSeq = { kind: 'seq', span: rangeSpan(n), items: [] };
      this.built.set(n, seq);
      for (const item of n.items as unknown[]) {
        // a flow sequence may hold single pairs (`[a: 1]`); keep them as one-entry maps
        if (isPair(item)) {
          const m: YMap = { kind: 'map', span: rangeSpan(item.key as YamlNode, seq.span.start), entries: [] };
          this.fillMap(m, [item]);
          seq.items.push(m);
        } else seq.items.push(this.node(item, seq.span.end));
      }
      result = seq;
    } else {
      result = this.scalar(n);
      this.built.set(n, result);
    }
    return result;
  }

  private fillMap(map: YMap, items: unknown[]): void {
    const seen = new Set<string>();
    const explicit = new Set(items.filter(isPair).map((p) => this.key(p.key, map.span.start).key));
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const { key, keySpan } = this.key(pair.key, map.span.start);
      if (key === '<<' && isMergeKey(pair.key)) {
        // YAML merge key (deepstream's js-yaml loads it): the merged mapping's entries join this
        // one here, except keys this mapping sets itself.
        for (const entry of this.mergedEntries(pair.value, keySpan.end)) {
          if (explicit.has(entry.key) || seen.has(entry.key)) continue;
          seen.add(entry.key);
          map.entries.push(entry);
        }
        continue;
      }
      if (seen.has(key)) this.sink.report('VLV0002', keySpan, { key });
      seen.add(key);
      map.entries.push({ key, keySpan, value: this.node(pair.value, keySpan.end) });
    }
  }

  private mergedEntries(value: unknown, fallback: number): YEntry[] {
    const node = this.node(value, fallback);
    if (node.kind === 'map') return node.entries;
    if (node.kind === 'seq') {
      // Earlier mappings in the list win over later ones.
      const out: YEntry[] = [];
      const keys = new Set<string>();
      for (const item of node.items) {
        if (item.kind !== 'map') continue;
        for (const e of item.entries) if (!keys.has(e.key)) (keys.add(e.key), out.push(e));
      }
      return out;
    }
    this.sink.report('VLV0001', node.span, { detail: 'a merge key `<<` needs a mapping (or a list of mappings)', format: 'YAML' });
    return [];
  }

  private key(k: unknown, fallback: number): { key: string; keySpan: Span } {
    const keySpan = isAlias(k) || isScalar(k) || isMap(k) || isSeq(k) ? rangeSpan(k, fallback) : { start: fallback, end: fallback };
    const target = isAlias(k) ? this.targets.get(k) : k;
    if (isScalar(target)) {
      const v = target.value;
      const key = v === null || v === undefined ? (target.range && target.range[1] > target.range[0] ? 'null' : '') : String(v);
      return { key, keySpan };
    }
    // a collection as a key: not meaningful here, but keep its text so later stages can say so
    return { key: isMap(target) || isSeq(target) ? this.text.slice(...spanTuple(rangeSpan(target))) : '', keySpan };
  }

  private scalar(n: Scalar): YScalar {
    const span = rangeSpan(n);
    const style = STYLES[n.type ?? 'PLAIN'] ?? 'plain';
    const v: unknown = n.value;
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'scalar', span, value: v ?? null, style };
    }
    // custom tags (already reported) may resolve to other types: keep the source text
    const value = typeof v === 'string' ? v : String(n.source ?? v);
    const tok = n.srcToken as CST.Token | undefined;
    const flowOrBlock =
      tok && (tok.type === 'scalar' || tok.type === 'single-quoted-scalar' || tok.type === 'double-quoted-scalar' || tok.type === 'block-scalar')
        ? tok
        : undefined;
    const table = flowOrBlock ? scalarOffsets(flowOrBlock) : undefined;
    return { kind: 'scalar', span, value, style, toFileSpan: spanMapper(table, value, span) };
  }
}

const spanTuple = (s: Span): [number, number] => [s.start, s.end];

/** A plain `<<` key (a quoted '<<' is an ordinary key). */
const isMergeKey = (k: unknown): boolean => isScalar(k) && (k.type === 'PLAIN' || k.type === undefined) && k.value === '<<';
