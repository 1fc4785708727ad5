/**
 * `valve fmt`: every rule string rewritten as the printer's canonical text, everything else of the
 * file (layout, key order, comments, anchors, the other scalars) left byte for byte. The source is
 * edited at the rule scalars' spans rather than re-serialised, and the result is parsed again: a
 * rule whose new scalar would not read back as the same canonical text falls back to a safer
 * rendering (double quotes), or is left as written.
 */
import type { Expr } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { parseRuleFile, type RuleFileAst } from './file.js';
import { ruleLexer } from './lexer.js';
import { print } from './print.js';
import type { Span } from './span.js';
import type { YScalar } from './yaml.js';

export interface FormatResult {
  /** The formatted text; the source unchanged when it has errors. */
  readonly text: string;
  /** The file's parse problems (when any is an error, nothing was formatted). */
  readonly diagnostics: Diagnostic[];
  readonly changed: boolean;
}

/** Characters a YAML scalar can not hold as written, or that YAML 1.1 loaders read as line breaks. */
const UNWRITABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Words and numbers a YAML 1.1 or 1.2 loader (deepstream uses js-yaml) resolves to a non-string. */
const NOT_A_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\.?[0-9].*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** True when `text` can be a plain scalar that reads back as exactly this string. */
function plainOk(text: string, flow: boolean): boolean {
  if (text === '' || /^\s|\s$/.test(text) || /[\n\r\t]/.test(text) || UNWRITABLE.test(text)) return false;
  if (INDICATOR.test(text) || NOT_A_STRING.test(text)) return false;
  if (/:(\s|$)| #/.test(text)) return false;
  return !(flow && /[,[\]{}]/.test(text));
}

const single = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A YAML double-quoted scalar (JSON's escapes are YAML's too), with the unwritable characters escaped. */
function double(text: string): string {
  return JSON.stringify(text).replace(/[\x7f-\x9f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Quotes for text that can not be plain: single unless the text holds `'` and double needs no escapes. */
function quoted(text: string): string {
  if (/[\n\r]/.test(text) || UNWRITABLE.test(text)) return double(text);
  if (!text.includes("'")) return single(text);
  if (!/[\\"]/.test(text)) return double(text);
  const s = single(text);
  const d = double(text);
  return d.length < s.length ? d : s;
}

interface Edit {
  readonly span: Span;
  readonly text: string;
}

/** How hard to try: 0 the scalar's own style, 1 double quotes (flow scalars only), 2 leave it. */
type Level = 0 | 1 | 2;

/** Block scalars longer than this put a top-level `&&` / `||` chain one operand per line. */
const WIDTH = 80;

/**
 * `a && b && c` → `a`, `&& b`, `&& c`: how authors wrap a long rule in a block scalar (line breaks
 * are white space to the rule, and a folded scalar joins them back into the printed text).
 */
function chainLines(e: Expr, printed: string): string[] {
  if (e.kind !== 'logical') return [printed];
  const rest: string[] = [];
  let node: Expr = e;
  let text = printed;
  while (node.kind === 'logical' && node.op === e.op) {
    const left = print(node.left);
    const sep = ` ${node.op} `;
    const written = text.startsWith(left + sep) ? left : text.startsWith(`(${left})${sep}`) ? `(${left})` : undefined;
    if (written === undefined) return [printed];
    rest.unshift(`${node.op} ${text.slice(written.length + sep.length)}`);
    if (written !== left) return [written, ...rest];
    node = node.left;
    text = left;
  }
  return [text, ...rest];
}

/** The new text of a block scalar's content (indentation and header kept), or undefined to leave it. */
function blockEdit(source: string, node: YScalar, printed: string, expr: Expr): Edit[] | undefined {
  if (/[\r]/.test(printed) || UNWRITABLE.test(printed)) return undefined;
  const headerEnd = source.indexOf('\n', node.span.start);
  if (headerEnd < 0 || headerEnd >= node.span.end) return undefined;
  let start = headerEnd + 1;
  while (start < node.span.end && /\s/.test(source[start])) start++;
  let end = node.span.end;
  while (end > start && /\s/.test(source[end - 1])) end--;
  if (start >= end) return undefined;
  const indent = source.slice(source.lastIndexOf('\n', start - 1) + 1, start);
  if (!/^ *$/.test(indent)) return undefined;
  const body = (printed.length > WIDTH ? chainLines(expr, printed) : [printed]).join('\n');
  const edits: Edit[] = [{ span: { start, end }, text: body.split('\n').join(`\n${indent}`) }];
  // A folded scalar would join the printed lines (a template's line breaks): make it literal.
  if (printed.includes('\n') && node.style === 'folded') {
    const at = source.indexOf('>', node.span.start);
    if (at < 0 || at >= headerEnd) return undefined;
    edits.push({ span: { start: at, end: at + 1 }, text: '|' });
  }
  return edits;
}

function scalarEdits(source: string, t: Target, level: Level): Edit[] | undefined {
  const { node, printed, flow } = t;
  if (level === 2) return undefined;
  if (node.style === 'literal' || node.style === 'folded') return level === 0 ? blockEdit(source, node, printed, t.expr) : undefined;
  const text = level === 1 ? double(printed) : node.style === 'plain' ? (plainOk(printed, flow) ? printed : quoted(printed)) : node.style === 'single' && !/[\n\r]/.test(printed) && !UNWRITABLE.test(printed) ? single(printed) : double(printed);
  return [{ span: node.span, text }];
}

interface Target {
  /** Position of the rule in file order (as `shape` lists them). */
  readonly index: number;
  readonly node: YScalar;
  readonly expr: Expr;
  readonly printed: string;
  readonly flow: boolean;
}

const hasComments = (text: string): boolean => (ruleLexer.tokenize(text).groups.comments?.length ?? 0) > 0;
const opensFlow = (source: string, span: Span): boolean => source[span.start] === '{';

/** Every string rule once (an aliased rule is one scalar), in file order, with its canonical text. */
function targets(ast: RuleFileAst): Target[] {
  const seen = new Set<number>();
  const out: Target[] = [];
  let index = 0;
  for (const section of ast.sections) {
    const sectionFlow = opensFlow(ast.text, ast.span) || opensFlow(ast.text, section.valueSpan);
    for (const pattern of section.patterns) {
      const flow = sectionFlow || opensFlow(ast.text, pattern.node.span);
      for (const rule of pattern.rules) {
        const at = index++;
        const node = rule.node;
        if (node.kind !== 'scalar' || rule.expr === undefined || rule.text === undefined || seen.has(node.span.start)) continue;
        seen.add(node.span.start);
        // Comments in a rule would be lost by the printer: such a rule is left as written.
        if (hasComments(rule.text)) continue;
        out.push({ index: at, node, expr: rule.expr, printed: print(rule.expr), flow });
      }
    }
  }
  return out;
}

function apply(source: string, edits: readonly Edit[]): string {
  let out = source;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.text + out.slice(e.span.end);
  return out;
}

/** Sections, patterns and actions, and each rule's canonical text, in file order: what formatting must keep. */
function shape(ast: RuleFileAst): string[] {
  return ast.sections.flatMap((s) =>
    s.patterns.flatMap((p) => p.rules.map((r) => JSON.stringify([s.name, p.text, r.action, r.expr ? print(r.expr) : r.node.kind === 'scalar' ? r.node.value : r.node.kind]))),
  );
}

const MAX_ROUNDS = 3;

/** Format a permissions file's rules; `file` names it in diagnostics. */
export function formatFile(source: string, file: string): FormatResult {
  const parsed = parseRuleFile(source, file);
  const unchanged = { text: source, diagnostics: parsed.diagnostics, changed: false };
  if (!parsed.ast || parsed.diagnostics.some((d) => d.severity === 'error')) return unchanged;
  const expected = shape(parsed.ast);
  const list = targets(parsed.ast);
  const levels = new Map<Target, Level>(list.map((t) => [t, 0]));
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    const edits: Edit[] = [];
    const edited: Target[] = [];
    for (const t of list) {
      const mine = scalarEdits(source, t, levels.get(t) ?? 2);
      if (!mine || mine.every((e) => source.slice(e.span.start, e.span.end) === e.text)) continue;
      edits.push(...mine);
      edited.push(t);
    }
    if (edits.length === 0) return unchanged;
    const text = apply(source, edits);
    const again = parseRuleFile(text, file);
    const got = again.ast && !again.diagnostics.some((d) => d.severity === 'error') ? shape(again.ast) : [];
    const aligned = got.length === expected.length;
    if (aligned && got.every((g, i) => g === expected[i])) return { text, diagnostics: parsed.diagnostics, changed: true };
    // Blame the edits whose rules read back differently; when the file no longer lines up (one
    // scalar can change how what follows it is read), all of this round's.
    const wrong = aligned ? edited.filter((t) => got[t.index] !== expected[t.index]) : [];
    for (const t of wrong.length > 0 ? wrong : edited) levels.set(t, Math.min(2, (levels.get(t) ?? 0) + 1) as Level);
  }
  return unchanged;
}
