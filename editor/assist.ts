/**
 * Editor assistance computed from the real front end (runs in the worker): which rule the cursor
 * is in (grammar/file.ts), what that rule may read and the allowed methods with their docs (the
 * language table, compiler/language/), and types from the compiler's type checker and schema
 * loader (field names, hover types). The rule text is lexed with the compiler's own lexer to know whether the
 * cursor follows `.` or sits inside a string.
 */
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import { TypeChecker, availableNames, LENGTH, METHODS, methodSpec, REFERENCE, rootDoc, rootName, VARIABLE, WORD_OPERATORS, loadSchema, type Schema, actionInfo, members, show, type Type } from '../compiler/index.js';
import { type Expr, parseExpression, type RuleAst, ruleLexer, type Span, tokens as T } from '../grammar/index.js';
import { ruleOffset, siteAt, type Site } from './site.js';

export type AssistKind = 'variable' | 'property' | 'method' | 'function' | 'keyword' | 'field';

export interface AssistItem {
  readonly label: string;
  readonly kind: AssistKind;
  readonly detail: string;
  readonly doc?: string;
  /** Snippet text (Monaco snippet syntax) when it differs from the label. */
  readonly snippet?: string;
}

export interface Completion {
  readonly items: readonly AssistItem[];
  /** File offsets of the word being completed. */
  readonly start: number;
  readonly end: number;
}

export interface HoverInfo {
  /** Markdown. */
  readonly contents: string;
  readonly start: number;
  readonly end: number;
}

const is = (t: IToken | undefined, ...types: TokenType[]): boolean => t !== undefined && types.some((x) => tokenMatcher(t, x));

/** `.` or `?.`: what a property name follows (the object's type is the same after either). */
const DOTS = [T.Dot, T.OptionalChain];

/** One name of an access path, and whether `?.` (rather than `.`) comes before it. */
interface Link {
  readonly name: string;
  readonly optional: boolean;
}

/** `a.b.c` (or `a?.b.c`) before index `end` of `toks` (end exclusive), or undefined when it is not a plain chain. */
function chainBefore(toks: readonly IToken[], end: number): Link[] | undefined {
  const links: Link[] = [];
  let i = end - 1;
  for (;;) {
    const t = toks[i];
    if (!is(t, T.IdentifierName)) return undefined;
    const before = toks[i - 1];
    links.unshift({ name: t.image, optional: is(before, T.OptionalChain) });
    if (!is(before, ...DOTS)) return links;
    i -= 2;
  }
}

const chainText = (chain: readonly Link[]): string => chain.map((l, i) => (i === 0 ? '' : l.optional ? '?.' : '.') + l.name).join('');
const isUser = (chain: readonly Link[] | undefined): boolean => chain !== undefined && chain.length === 1 && chain[0].name === 'user';

interface RuleScope {
  readonly site: Site;
  readonly schema: Schema | undefined;
}

/** The schema file as the compiler reads it; undefined when empty or broken (the compiler reports why). */
function readSchema(text: string): Schema | undefined {
  return text.trim() === '' ? undefined : loadSchema(text, 'permissions.schema.yml').schema;
}

/** The type checker's type of an expression in this rule (declared types, no narrowing). */
function typeOf(expr: Expr, scope: RuleScope): Type {
  const { site, schema } = scope;
  return new TypeChecker({ section: site.section, action: site.rule.action, pattern: site.path, schema }, () => {}).type(expr, new Map());
}

/** The type of `a.b.c` (or `a?.b.c`) written as names. */
function chainType(chain: readonly Link[], scope: RuleScope): Type | undefined {
  if (chain.some((l) => !/^[A-Za-z_$][\w$]*$/.test(l.name))) return undefined;
  let failed = false;
  const expr = parseExpression(chainText(chain), () => (failed = true));
  return failed ? undefined : typeOf(expr, scope);
}

/** Known properties of a type (of each object member of a union). */
function fieldsOf(t: Type): { name: string; type: string; required: boolean }[] {
  const out = new Map<string, { name: string; type: string; required: boolean }>();
  for (const m of members(t)) {
    if (m.kind !== 'object') continue;
    for (const [name, p] of m.properties) if (!out.has(name)) out.set(name, { name, type: show(p.type), required: p.required });
  }
  return [...out.values()];
}

const shown = (t: Type | undefined): string => (t === undefined || t.kind === 'unknown' ? 'any (no schema)' : show(t));

/** The fields of `user`, with `user.data` typed by the schema when it has one. */
const userFields = (scope: RuleScope): AssistItem[] =>
  (rootName('user')?.fields ?? []).map((f) => ({ label: f.name, kind: 'property', detail: shown(f.type({ userData: scope.schema?.user })), doc: f.doc }));

/** The literals, and the operators written as words (`typeof`, `in`, …). */
const KEYWORDS: readonly AssistItem[] = ['true', 'false', 'null', 'undefined', ...WORD_OPERATORS].map((k) => ({ label: k, kind: 'keyword', detail: 'keyword' }));

/** A root name's type (the type checker's, for this rule and schema) and doc; a `$variable`'s; `unknown` for anything else. */
function rootInfo(name: string, scope: RuleScope): { type: string; doc: string } {
  const { section, action } = { section: scope.site.section, action: scope.site.rule.action };
  if (name === REFERENCE.name) return { type: REFERENCE.signature, doc: REFERENCE.doc };
  const root = rootName(name);
  if (root) {
    if (root.requires && !actionInfo(section, action)?.[root.requires]) return { type: 'not available', doc: `\`${name}\` is not available in \`${section} ${action}\` rules.` };
    return { type: shown(chainType([{ name, optional: false }], scope)), doc: rootDoc(root, section) };
  }
  return name.startsWith('$') ? { type: shown(VARIABLE.type), doc: VARIABLE.doc(name, scope.site.pattern) } : { type: 'unknown', doc: '' };
}

/** Completions for names at the start of an operand. */
function nameItems(scope: RuleScope): AssistItem[] {
  const { section, action } = { section: scope.site.section, action: scope.site.rule.action };
  const names = availableNames(section, action, scope.site.variables);
  const items: AssistItem[] = names.map((n) => {
    if (n === REFERENCE.label) return { label: REFERENCE.label, kind: 'function', detail: REFERENCE.signature, doc: REFERENCE.doc, snippet: `${REFERENCE.name}('\${1}')` };
    const d = rootInfo(n, scope);
    return { label: n, kind: 'variable', detail: d.type, doc: d.doc };
  });
  return [...items, ...KEYWORDS];
}

const methodItems = (): AssistItem[] => [
  ...METHODS.map((m) => ({
    label: m.name,
    kind: 'method' as const,
    detail: `(${m.on.join(' | ')}) → ${m.returnsText}`,
    doc: m.doc,
    snippet: m.maxArgs === 0 ? `${m.name}()` : `${m.name}(\${1})`,
  })),
  { label: LENGTH.name, kind: 'property', detail: show(LENGTH.type), doc: LENGTH.doc },
];

function memberItems(chain: readonly Link[] | undefined, scope: RuleScope): AssistItem[] {
  if (isUser(chain)) return userFields(scope);
  const type = chain ? chainType(chain, scope) : undefined;
  const fields: AssistItem[] = type ? fieldsOf(type).map((p) => ({ label: p.name, kind: 'field', detail: p.type + (p.required ? '' : ' (optional)'), doc: 'From the schema.' })) : [];
  return [...fields, ...methodItems()];
}

/** The rule's tokens up to the cursor, and whether a lexing error (an odd character) touches it. */
function lexPrefix(rule: RuleAst, fileOffset: number): { toks: IToken[]; at: number; brokenAtCursor: boolean } | undefined {
  const at = ruleOffset(rule, fileOffset);
  if (at === undefined || rule.text === undefined) return undefined;
  const lexed = ruleLexer.tokenize(rule.text.slice(0, at));
  return { toks: lexed.tokens, at, brokenAtCursor: lexed.errors.some((e) => e.offset + e.length >= at) };
}

export function complete(text: string, offset: number, schemaText: string): Completion | undefined {
  const found = siteAt(text, offset);
  if (!found || !found.inValue) return undefined;
  const scope: RuleScope = { site: found.site, schema: readSchema(schemaText) };
  const rule = found.site.rule;
  // A rule written as true/false or not yet typed: offer the names.
  const lexed = lexPrefix(rule, offset);
  if (!lexed) return { items: nameItems(scope), start: offset, end: offset };
  const { toks, at } = lexed;
  let last = toks[toks.length - 1];
  let partial = '';
  let end = toks.length;
  if (last && last.startOffset + last.image.length === at && is(last, T.IdentifierName)) {
    partial = last.image;
    end -= 1;
    last = toks[end - 1];
  }
  // Inside a string or a regular expression: nothing to complete.
  if (last && last.startOffset + last.image.length === at - partial.length && is(last, T.UnterminatedString, T.UnterminatedTemplate, T.UnterminatedTemplateTail)) return undefined;
  if (lexed.brokenAtCursor) return undefined;
  const start = offset - partial.length;
  if (is(last, ...DOTS)) return { items: memberItems(chainBefore(toks, end - 1), scope), start, end: offset };
  return { items: nameItems(scope), start, end: offset };
}

const fence = (code: string): string => `\`\`\`\n${code}\n\`\`\``;

export function hover(text: string, offset: number, schemaText: string): HoverInfo | undefined {
  const found = siteAt(text, offset);
  if (!found) return undefined;
  const { site } = found;
  const rule = site.rule;
  if (!found.inValue) {
    const info = actionInfo(site.section, rule.action);
    if (!info) return undefined;
    const names = availableNames(site.section, rule.action, site.variables).map((n) => `\`${n}\``).join(', ');
    return {
      contents: `**${site.section} \`${site.pattern}\` ${rule.action}**\n\nAvailable in this rule: ${names}`,
      start: rule.keySpan.start,
      end: rule.keySpan.end,
    };
  }
  const at = ruleOffset(rule, offset);
  if (at === undefined || rule.text === undefined) return undefined;
  const toks = ruleLexer.tokenize(rule.text).tokens;
  const index = toks.findIndex((t) => t.startOffset <= at && at < t.startOffset + t.image.length);
  const tok = toks[index];
  if (!tok || !is(tok, T.IdentifierName)) return undefined;
  const span: Span = rule.toFileSpan({ start: tok.startOffset, end: tok.startOffset + tok.image.length });
  const scope: RuleScope = { site, schema: readSchema(schemaText) };
  const afterDot = is(toks[index - 1], ...DOTS);
  if (!afterDot) {
    if (!is(tok, T.Identifier)) return undefined;
    const d = rootInfo(tok.image, scope);
    if (d.type === 'unknown') return undefined;
    return { contents: `${fence(`${tok.image}: ${d.type}`)}\n\n${d.doc}`, ...span };
  }
  const chain = chainBefore(toks, index - 1);
  const callee = is(toks[index + 1], T.LParen);
  const method = methodSpec(tok.image);
  if (callee && method) {
    return { contents: `${fence(`${method.name}(…): ${method.returnsText}`)}\n\nOn ${method.on.join(' and ')}: ${method.doc}.`, ...span };
  }
  if (tok.image === LENGTH.name) return { contents: `${fence(`${LENGTH.name}: ${show(LENGTH.type)}`)}\n\n${LENGTH.doc}`, ...span };
  // Anything else after `.`: the type checker's type of the whole access path.
  if (!chain) return undefined;
  const userField = isUser(chain) ? userFields(scope).find((u) => u.label === tok.image) : undefined;
  const path = [...chain, { name: tok.image, optional: is(toks[index - 1], T.OptionalChain) }];
  const type = chainType(path, scope);
  if (!userField && (type === undefined || type.kind === 'unknown')) return undefined;
  return { contents: `${fence(`${chainText(path)}: ${shown(type)}`)}${userField?.doc ? `\n\n${userField.doc}` : ''}`, ...span };
}
