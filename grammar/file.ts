/**
 * permissions.yml → RuleFileAst: sections, patterns and rules with their positions, every rule
 * string parsed into an expression AST. Names are not judged here (unknown sections and actions
 * are the compiler's business); only the shape of the file and the syntax of each piece are.
 */
import type { Expr } from './ast.js';
import { DiagnosticSink, type Diagnostic, type Reporter } from './diagnostic.js';
import { parsePattern, type PathPattern } from './pattern.js';
import { RuleTexts } from './rule-texts.js';
import type { Span } from './span.js';
import { loadYaml, nodeKind, type YNode, type YScalar } from './yaml.js';

export interface RuleAst {
  readonly action: string;
  readonly keySpan: Span;
  /** The rule's node as written: a boolean or string scalar when valid. */
  readonly node: YNode;
  /** For string rules: the expression text and its AST (spans relative to `text`). */
  readonly text?: string;
  readonly expr?: Expr;
  /** Maps a span of `text` to a span of the file. */
  readonly toFileSpan: (s: Span) => Span;
}

export interface PatternAst {
  readonly text: string;
  readonly keySpan: Span;
  /** Undefined when the pattern itself is invalid (already reported). */
  readonly pattern?: PathPattern;
  readonly rules: readonly RuleAst[];
  readonly isMap: boolean;
  /** The rule set as written (a mapping when valid). */
  readonly node: YNode;
}

export interface SectionAst {
  readonly name: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  readonly patterns: readonly PatternAst[];
  /** False when the section's value was not a mapping (already reported). */
  readonly isMap: boolean;
}

export interface RuleFileAst {
  readonly file: string;
  readonly text: string;
  /** Span of the whole document, for problems that belong to no single place. */
  readonly span: Span;
  readonly sections: readonly SectionAst[];
}

/** Key spans include any quotes; the pattern's own characters start one in when quoted. */
function keyContentStart(text: string, keySpan: Span): number {
  const c = text[keySpan.start];
  return c === '"' || c === "'" ? keySpan.start + 1 : keySpan.start;
}

/** Environment values for `${NAME}` in path patterns (the `substituteEnv` option). */
export type Environment = Readonly<Record<string, string | undefined>>;

const ENV_REFERENCE = /\$\{([^}]*)\}/g;

/**
 * `${NAME}` in a pattern key → its value, as upstream's config loader does across the whole file.
 * Only patterns: a rule expression is never rewritten (a value would become code). An unset or
 * empty variable is an error rather than upstream's silent '' (which widens or breaks a pattern).
 */
function substitutePattern(key: string, keySpan: Span, text: string, env: Environment, sink: DiagnosticSink): { key: string; toWritten?: (s: Span) => Span } | undefined {
  if (!key.includes('${')) return { key };
  let complete = true;
  const base = keyContentStart(text, keySpan);
  const exact = text.slice(base, base + key.length) === key;
  // Each `${NAME}` replaced: where its value lies in the substituted key and where it is written.
  const refs: { start: number; end: number; written: Span }[] = [];
  let shift = 0;
  const substituted = key.replace(ENV_REFERENCE, (whole, name: string, at: number) => {
    const value = env[name];
    if (value !== undefined && value !== '') {
      refs.push({ start: at + shift, end: at + shift + value.length, written: { start: at, end: at + whole.length } });
      shift += value.length - whole.length;
      return value;
    }
    const where = exact ? { start: base + at, end: base + at + whole.length } : keySpan;
    sink.report('VLV0117', where, { name });
    complete = false;
    return whole;
  });
  // An incomplete pattern is not parsed: its `${` would only echo the same mistake.
  if (!complete) return undefined;
  // An offset of the substituted key → of the key as written; inside a value, its whole `${NAME}`.
  const at = (offset: number, end: boolean): number => {
    let delta = 0;
    for (const r of refs) {
      if (end ? offset <= r.start : offset < r.start) break;
      if (end ? offset <= r.end : offset < r.end) return end ? r.written.end : r.written.start;
      delta = r.written.end - r.end;
    }
    return offset + delta;
  };
  return { key: substituted, toWritten: (s) => ({ start: at(s.start, false), end: Math.max(at(s.start, false), at(s.end, true)) }) };
}

/**
 * `loaded`: loadYaml's result for this text and file, when the caller has it already. `env`:
 * substitute `${NAME}` in path patterns from it (absent: patterns are taken as written). `texts`:
 * the rule texts already lexed for this file (the compiler's limit scan), each parsed once.
 */
export function parseRuleFile(text: string, file: string, loaded: ReturnType<typeof loadYaml> = loadYaml(text, file), env?: Environment, texts: RuleTexts = new RuleTexts()): { ast?: RuleFileAst; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink(file, text);
  const root = loaded.root;
  // A tree the YAML parser had to repair would only produce echoes of the same mistake.
  if (!root || loaded.diagnostics.some((d) => d.code === 'VLV0001' || d.code === 'VLV0003')) return { diagnostics: loaded.diagnostics };
  if (root.kind !== 'map') {
    sink.report('VLV0111', root.span, { what: 'the permissions file', found: nodeKind(root), expected: 'sections' });
    return { diagnostics: [...loaded.diagnostics, ...sink.items] };
  }
  const sections: SectionAst[] = root.entries.map((entry) => {
    const patterns: PatternAst[] = [];
    if (entry.value.kind !== 'map') {
      if (!(entry.value.kind === 'scalar' && entry.value.value === null)) {
        sink.report('VLV0111', entry.value.span, { what: `section \`${entry.key}\``, found: nodeKind(entry.value) });
      }
    } else {
      for (const p of entry.value.entries) {
        const sub = env ? substitutePattern(p.key, p.keySpan, text, env, sink) : { key: p.key };
        const key = sub?.key ?? p.key;
        patterns.push(parsePatternEntry(key, p.keySpan, p.value, text, sink, texts, sub !== undefined, key === p.key ? undefined : { text: p.key, toWritten: sub?.toWritten }));
      }
    }
    return { name: entry.key, keySpan: entry.keySpan, valueSpan: entry.value.span, patterns, isMap: entry.value.kind === 'map' || (entry.value.kind === 'scalar' && entry.value.value === null) };
  });
  return { ast: { file, text, span: root.span, sections }, diagnostics: [...loaded.diagnostics, ...sink.items] };
}

function offsetReporter(sink: DiagnosticSink, toFileSpan: (s: Span) => Span): Reporter {
  return (code, where, params, severity, related) => sink.report(code, toFileSpan(where), params, severity, related?.map((r) => ({ message: r.message, span: toFileSpan(r.span) })));
}

/**
 * `parse` false: the key is already known to be invalid (reported); only its rules are read.
 * `written`: the key before `${NAME}` substitution, and how a span of `key` maps onto it.
 */
function parsePatternEntry(key: string, keySpan: Span, value: YNode, text: string, sink: DiagnosticSink, texts: RuleTexts, parse = true, written?: { text: string; toWritten?: (s: Span) => Span }): PatternAst {
  const base = keyContentStart(text, keySpan);
  // Plain and simply-quoted keys map one to one; anything else falls back to the key's span.
  const asWritten = written?.text ?? key;
  const exact = text.slice(base, base + asWritten.length) === asWritten && (written === undefined || written.toWritten !== undefined);
  const toWritten = written?.toWritten ?? ((s: Span): Span => s);
  const patternSpan = (s: Span): Span => {
    if (!exact) return keySpan;
    const w = toWritten(s);
    return { start: base + w.start, end: base + w.end };
  };
  const pattern = parse ? parsePattern(key, offsetReporter(sink, patternSpan), written?.text) : undefined;
  const rules: RuleAst[] = [];
  if (value.kind !== 'map') {
    // deepstream iterates the keys of whatever is there: a non-empty string or list yields key
    // "0", an unknown action (an error there too); anything else defines nothing (a warning).
    const iterable = (value.kind === 'scalar' && typeof value.value === 'string' && value.value !== '') || (value.kind === 'seq' && value.items.length > 0);
    const at = value.kind === 'scalar' && value.value === null ? keySpan : value.span;
    if (iterable) sink.report('VLV0111', at, { what: `the rules of pattern \`${key}\``, found: nodeKind(value), expected: 'actions' });
    else sink.report('VLV0114', at, { pattern: key, found: nodeKind(value) });
    return { text: key, keySpan, pattern, rules, isMap: false, node: value };
  }
  for (const r of value.entries) rules.push(parseRule(r.key, r.keySpan, r.value, sink, texts));
  return { text: key, keySpan, pattern, rules, isMap: true, node: value };
}

function parseRule(action: string, keySpan: Span, node: YNode, sink: DiagnosticSink, texts: RuleTexts): RuleAst {
  const whole = (): Span => node.span;
  if (node.kind !== 'scalar' || typeof node.value !== 'string') return { action, keySpan, node, toFileSpan: whole };
  const scalar: YScalar = node;
  const ruleText = node.value as string;
  const toFileSpan = scalar.toFileSpan ?? whole;
  if (ruleText.trim() === '') return { action, keySpan, node, text: ruleText, toFileSpan };
  const expr = texts.parse(ruleText, offsetReporter(sink, toFileSpan));
  return { action, keySpan, node, text: ruleText, expr, toFileSpan };
}
