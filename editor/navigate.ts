/**
 * Navigation in permissions.yml: a `$variable` in a rule → its segment in the pattern; `_(…)` →
 * the record patterns the name it builds can match; renaming a `$variable` in its pattern and
 * every rule of that pattern. Offsets are file offsets (UTF-16), as everywhere in grammar/.
 */
import { tokenMatcher, type IToken } from 'chevrotain';
import { isSection, type Section } from '../compiler/index.js';
import { walk, type Expr, parseRuleFile, type PatternAst, type PathPattern, ruleLexer, type RuleAst, type Span, tokens as T } from '../grammar/index.js';
import { ruleOffset, siteAt } from './site.js';

/** A `$variable` where the cursor is, and the pattern entry that declares (or should declare) it. */
export interface VariableAt {
  readonly name: string;
  /** The occurrence under the cursor. */
  readonly span: Span;
  readonly section: Section;
  readonly entry: PatternAst;
}

const VARIABLE_NAME = /^\$[A-Za-z0-9]+$/;

/** Each `$name` the pattern declares, with its place in the key (keys written as themselves only). */
function keyVariables(text: string, entry: PatternAst): Map<string, Span> {
  const out = new Map<string, Span>();
  const declared = entry.pattern?.variables ?? [];
  const key = text.slice(entry.keySpan.start, entry.keySpan.end);
  for (const m of key.matchAll(/\$[A-Za-z0-9]+/g)) {
    if (declared.includes(m[0]) && !out.has(m[0])) out.set(m[0], { start: entry.keySpan.start + m.index, end: entry.keySpan.start + m.index + m[0].length });
  }
  return out;
}

/** The places of `$name` as a variable (not a property name) in one rule. */
function ruleVariables(text: string, rule: RuleAst, name?: string): { name: string; span: Span }[] {
  if (rule.text === undefined) return [];
  const toks = ruleLexer.tokenize(rule.text).tokens;
  const out: { name: string; span: Span }[] = [];
  toks.forEach((t: IToken, i) => {
    if (!tokenMatcher(t, T.Identifier) || !t.image.startsWith('$') || (name !== undefined && t.image !== name)) return;
    const before = toks[i - 1];
    if (before && (tokenMatcher(before, T.Dot) || tokenMatcher(before, T.OptionalChain))) return;
    const span = rule.toFileSpan({ start: t.startOffset, end: t.startOffset + t.image.length });
    // Only a name written as itself can be renamed in place.
    if (text.slice(span.start, span.end) === t.image) out.push({ name: t.image, span });
  });
  return out;
}

const inside = (offset: number, s: Span): boolean => offset >= s.start && offset <= s.end;

export function variableAt(text: string, offset: number): VariableAt | undefined {
  const { ast } = parseRuleFile(text, 'permissions.yml');
  if (!ast) return undefined;
  for (const section of ast.sections) {
    if (!isSection(section.name)) continue;
    for (const entry of section.patterns) {
      if (inside(offset, entry.keySpan)) {
        for (const [name, span] of keyVariables(text, entry)) if (inside(offset, span)) return { name, span, section: section.name, entry };
        return undefined;
      }
      for (const rule of entry.rules) {
        if (!inside(offset, rule.node.span)) continue;
        const hit = ruleVariables(text, rule).find((v) => inside(offset, v.span));
        return hit && { ...hit, section: section.name, entry };
      }
    }
  }
  return undefined;
}

/** One piece of a name as a rule builds it: a known character, or any run of characters. */
type Piece = { readonly kind: 'char'; readonly c: string } | { readonly kind: 'any'; readonly slash: boolean } | { readonly kind: 'segment-char' };

const chars = (s: string): Piece[] => [...s].map((c) => ({ kind: 'char', c }));
const ANY: Piece = { kind: 'any', slash: true };

/** What names an argument of `_()` can be: its string literals and `+` / template parts; anything else is any text. */
function shapeOf(e: Expr): Piece[] {
  if (e.kind === 'literal' && typeof e.value === 'string') return chars(e.value);
  if (e.kind === 'binary' && e.op === '+') return [...shapeOf(e.left), ...shapeOf(e.right)];
  if (e.kind === 'template') return e.quasis.flatMap((q, i) => (i === 0 ? chars(q) : [ANY, ...chars(q)]));
  return [ANY];
}

/** A path pattern's names: `*` any run, `$name` one or more characters other than `/`. */
function patternShape(p: PathPattern): Piece[] {
  return p.parts.flatMap((part): Piece[] =>
    part.kind === 'literal' ? chars(part.text) : part.kind === 'wildcard' ? [ANY] : [{ kind: 'segment-char' }, { kind: 'any', slash: false }],
  );
}

/** Whether one character can stand for both pieces. */
function meet(a: Piece, b: Piece): boolean {
  if (a.kind === 'char' && b.kind === 'char') return a.c === b.c;
  const c = a.kind === 'char' ? a : b.kind === 'char' ? b : undefined;
  const other = c === a ? b : a;
  if (c && c.kind === 'char') return c.c !== '/' || (other.kind === 'any' && other.slash);
  return true;
}

/** Whether some name fits both shapes: a search over pairs of positions (each `any` may repeat or end). */
function overlap(a: readonly Piece[], b: readonly Piece[]): boolean {
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const width = b.length + 1;
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    if (seen.has(i * width + j)) continue;
    seen.add(i * width + j);
    if (i === a.length && j === b.length) return true;
    const pa = a[i];
    const pb = b[j];
    if (pa?.kind === 'any') stack.push([i + 1, j]);
    if (pb?.kind === 'any') stack.push([i, j + 1]);
    if (pa && pb && meet(pa, pb)) stack.push([pa.kind === 'any' ? i : i + 1, pb.kind === 'any' ? j : j + 1]);
  }
  return false;
}

/** The `_(…)` call around the cursor (the innermost), as an expression of the rule. */
function referenceAt(rule: RuleAst, at: number): Expr | undefined {
  let found: Expr | undefined;
  if (!rule.expr) return undefined;
  walk(rule.expr, (e) => {
    if (e.kind === 'call' && e.callee.kind === 'identifier' && e.callee.name === '_' && e.args.length === 1 && at >= e.span.start && at <= e.span.end) found = e.args[0];
  });
  return found;
}

/**
 * Where what is under the cursor is defined: a `$variable`'s segment in its pattern, or for
 * `_(…)` the keys of the record patterns the name can match. Empty when there is nothing to go to.
 */
export function definition(text: string, offset: number): Span[] {
  const v = variableAt(text, offset);
  if (v) {
    const declared = keyVariables(text, v.entry).get(v.name);
    return declared ? [declared] : [];
  }
  const found = siteAt(text, offset);
  if (!found?.inValue) return [];
  const at = ruleOffset(found.site.rule, offset);
  const arg = at === undefined ? undefined : referenceAt(found.site.rule, at);
  if (!arg) return [];
  const shape = shapeOf(arg);
  const { ast } = parseRuleFile(text, 'permissions.yml');
  return (ast?.sections ?? [])
    .filter((s) => s.name === 'record')
    .flatMap((s) => s.patterns)
    .filter((p) => p.pattern !== undefined && overlap(shape, patternShape(p.pattern)))
    .map((p) => p.keySpan);
}

/** What a rename at the cursor would rename: the variable's place and its name. */
export function prepareRename(text: string, offset: number): { span: Span; name: string } | undefined {
  const v = variableAt(text, offset);
  if (!v || !v.entry.pattern?.variables.includes(v.name)) return undefined;
  return { span: v.span, name: v.name };
}

export interface Edit extends Span {
  readonly text: string;
}

/**
 * Renaming the `$variable` at the cursor to `newName` (with or without its `$`) in the pattern
 * and every rule of that pattern; a string says why it can not be done.
 */
export function rename(text: string, offset: number, newName: string): Edit[] | string {
  const v = variableAt(text, offset);
  if (!v || !v.entry.pattern?.variables.includes(v.name)) return 'place the cursor on a `$variable` of a pattern';
  const name = newName.startsWith('$') ? newName : `$${newName}`;
  if (!VARIABLE_NAME.test(name)) return `\`${newName}\` is not a variable name: \`$\` followed by letters and digits`;
  if (name !== v.name && v.entry.pattern.variables.includes(name)) return `pattern \`${v.entry.text}\` already has a variable \`${name}\``;
  const declared = keyVariables(text, v.entry).get(v.name);
  const spans = [...(declared ? [declared] : []), ...v.entry.rules.flatMap((r) => ruleVariables(text, r, v.name).map((x) => x.span))];
  return spans.map((s) => ({ ...s, text: name }));
}
