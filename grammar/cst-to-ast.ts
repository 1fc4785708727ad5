/**
 * CST → AST: gives the parse tree its meaning and names every construct the rule language
 * forbids. Tolerates trees the parser recovered (missing children become `error` nodes).
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { BINARY_LEVELS, isBinaryOp, isLogicalOp, isUnaryOp } from './operators.js';
import type { Expr, Property } from './ast.js';
import type { Reporter } from './diagnostic.js';
import type { MessageParams } from './messages.js';
import { fromChevrotain, type Span } from './span.js';
import { globalValue, hasLeadingZero, keywordValue, numberValue, regexParts } from './literals.js';
import { print } from './print.js';
import { decodeEscapes, escapeProblems } from './strings.js';

const isToken = (e: CstElement): e is IToken => (e as IToken).image !== undefined;
const tokenSpan = (t: IToken): Span => fromChevrotain(t.startOffset, t.endOffset);

/** A node's children (tokens and sub-nodes) in source order. */
function ordered(node: CstNode): readonly CstElement[] {
  // Most binary levels hold one operand and no operator: return that list as it is, with no
  // copy and no sort (the common case by far; callers only read the result).
  let only: CstElement[] | undefined;
  let several = false;
  for (const key in node.children) {
    if (only) {
      several = true;
      break;
    }
    only = node.children[key];
  }
  if (only && !several && only.length <= 1) return only;
  const all: CstElement[] = [];
  for (const list of Object.values(node.children)) all.push(...list);
  const start = (e: CstElement): number => (isToken(e) ? e.startOffset : (e.location?.startOffset ?? Number.MAX_SAFE_INTEGER));
  return all.sort((a, b) => start(a) - start(b));
}

function nodeSpan(node: CstNode): Span {
  const loc = node.location;
  if (loc && !Number.isNaN(loc.startOffset)) return fromChevrotain(loc.startOffset, loc.endOffset);
  return { start: 0, end: 0 };
}

/** What JavaScript reads where a name is expected: the global values a rule may name. */
/** `1n`, `0x1fn`, `1_000n`: BigInt literals as JavaScript lexes them. */
const BIGINT = /^(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*|0[oO][0-7](?:_?[0-7])*|0|[1-9](?:_?\d)*)n$/;

export class CstToAst {
  constructor(private readonly report: Reporter) {}

  private error(span: Span, parts?: Expr[]): Expr {
    // Recovered pieces may carry a placeholder span; never hand on an inverted range.
    const s = span.end < span.start ? { start: span.start, end: span.start } : span;
    return parts && parts.length ? { kind: 'error', span: s, parts } : { kind: 'error', span: s };
  }

  expr(node: CstNode | undefined, fallback: Span): Expr {
    if (!node) return this.error(fallback);
    const span = nodeSpan(node);
    switch (node.name) {
      case 'sequence':
        return this.sequence(node, span);
      case 'assignment':
        return this.assignment(node, span);
      case 'conditional':
        return this.conditional(node, span);
      case 'unary':
        return this.unary(node, span);
      case 'postfix':
        return this.postfix(node, span);
      case 'primary':
        return this.primary(node, span);
      default:
        if (BINARY_LEVELS.has(node.name)) return this.binaryChain(node, span);
        return this.error(span);
    }
  }

  private sequence(node: CstNode, span: Span): Expr {
    const parts = (node.children.assignment ?? []) as CstNode[];
    const seps = [...((node.children.Comma ?? []) as IToken[]), ...((node.children.Semicolon ?? []) as IToken[])];
    if (seps.length > 0) {
      seps.sort((a, b) => a.startOffset - b.startOffset);
      this.report('VLV0210', tokenSpan(seps[0]), {});
      return this.error(span, parts.map((p) => this.expr(p, span)));
    }
    return this.expr(parts[0], span);
  }

  private assignment(node: CstNode, span: Span): Expr {
    const [left, right] = (node.children.conditional ?? []).concat(node.children.assignment ?? []) as CstNode[];
    const assign = node.children.AssignOp?.[0] as IToken | undefined;
    const arrow = node.children.Arrow?.[0] as IToken | undefined;
    if (arrow) {
      this.report('VLV0206', span, {});
      return this.error(span);
    }
    if (assign) {
      this.report('VLV0207', tokenSpan(assign), { op: assign.image });
      return this.error(span, [this.expr(left, span), this.expr(right, span)]);
    }
    return this.expr(left, span);
  }

  private conditional(node: CstNode, span: Span): Expr {
    const test = this.expr(node.children.logicalOr?.[0] as CstNode | undefined, span);
    if (!node.children.Question) return test;
    const [a, b] = (node.children.assignment ?? []) as CstNode[];
    return { kind: 'conditional', test, consequent: this.expr(a, span), alternate: this.expr(b, span), span };
  }

  /** Left-associative chain `a op b op c`, except `**` which the parser nests to the right. */
  private binaryChain(node: CstNode, span: Span): Expr {
    const parts = ordered(node);
    if (node.name === 'logicalOr') this.checkNullishMix(node);
    if (node.name === 'power') this.checkUnaryBase(node);
    let left: Expr | undefined;
    let op: IToken | undefined;
    for (const part of parts) {
      if (isToken(part)) {
        op = part;
        continue;
      }
      const operand = this.expr(part, span);
      if (left === undefined) {
        left = operand;
        continue;
      }
      left = this.combine(left, op, operand);
      op = undefined;
    }
    return left ?? this.error(span);
  }

  /** JavaScript refuses `a ?? b || c` and `a ?? b && c` without parentheses; so do we. */
  private checkNullishMix(node: CstNode): void {
    const nullish = node.children.Nullish as IToken[] | undefined;
    if (!nullish) return;
    const mixed = node.children.Or !== undefined || ((node.children.logicalAnd ?? []) as CstNode[]).some((c) => c.children.And !== undefined);
    if (mixed) this.report('VLV0201', tokenSpan(nullish[0]), { detail: '`??` can not be mixed with `&&` or `||` without parentheses', parens: 'nullish' });
  }

  /** JavaScript refuses `-x ** y` (is it `(-x) ** y` or `-(x ** y)`?); so does deepstream's loader, and so do we. */
  private checkUnaryBase(node: CstNode): void {
    const power = node.children.Power?.[0] as IToken | undefined;
    const base = node.children.unary?.[0] as CstNode | undefined;
    if (!power || !base?.children.unary) return;
    const op = ordered(base).find(isToken);
    if (!op) return;
    this.report('VLV0201', tokenSpan(op), { detail: `\`${op.image}\` right before \`**\` is ambiguous`, parens: { unary: op.image } });
  }

  private combine(left: Expr, op: IToken | undefined, right: Expr): Expr {
    const span = { start: Math.min(left.span.start, right.span.start), end: Math.max(left.span.end, right.span.end) };
    if (!op) return this.error(span);
    const image = op.image;
    if (isLogicalOp(image)) return { kind: 'logical', op: image, left, right, span };
    if (isBinaryOp(image)) return { kind: 'binary', op: image, left, right, span };
    this.report('VLV0213', tokenSpan(op), { op: image });
    // `x instanceof Foo` names a class: checking `Foo` as a value would only add noise.
    return this.error(span, image === 'instanceof' ? [left] : [left, right]);
  }

  private unary(node: CstNode, span: Span): Expr {
    const inner = node.children.unary?.[0] as CstNode | undefined;
    if (!inner) return this.expr(node.children.postfix?.[0] as CstNode | undefined, span);
    const op = ordered(node).find(isToken);
    const operand = this.expr(inner, span);
    if (!op) return operand;
    const s = tokenSpan(op);
    if (isUnaryOp(op.image)) return { kind: 'unary', op: op.image, operand, span };
    switch (op.image) {
      case '...':
        this.report('VLV0223', s, { within: 'list' });
        break;
      case 'new':
        // What follows `new` is a constructor call; reporting it as a call too would be an echo.
        this.report('VLV0205', s, {});
        return this.error(span);
      case 'delete':
        this.report('VLV0209', s, { op: op.image });
        break;
      case '++':
      case '--':
        this.report('VLV0207', s, { op: op.image });
        break;
      default:
        this.report('VLV0213', s, { op: op.image });
    }
    return this.error(span, [operand]);
  }

  private postfix(node: CstNode, span: Span): Expr {
    let result = this.expr(node.children.primary?.[0] as CstNode | undefined, span);
    // From the first `?.` on, every link up to the end of the suffixes belongs to one chain: that
    // is how far a null or undefined object short-circuits (parentheses start a new postfix).
    let chained = false;
    for (const suffix of (node.children.suffix ?? []) as CstNode[]) {
      result = this.suffix(result, suffix);
      if (suffix.children.optionalSuffix) chained = true;
    }
    if (chained && result.kind !== 'error') result = { kind: 'chain', expression: result, span: result.span };
    const update = node.children.UpdateOp?.[0] as IToken | undefined;
    if (update) {
      this.report('VLV0207', tokenSpan(update), { op: update.image });
      return this.error(span, [result]);
    }
    return result;
  }

  private suffix(object: Expr, node: CstNode): Expr {
    const s = nodeSpan(node);
    const span = { start: object.span.start, end: Math.max(s.end, object.span.end) };
    const c = node.children;
    // `.x`, `[…]` or `(…)` after something already reported: the whole chain is that error.
    if (object.kind === 'error' && !c.template) return this.error(span);
    if (c.Dot) {
      const name = c.IdentifierName?.[0] as IToken | undefined;
      if (!name || Number.isNaN(name.startOffset)) return this.error(span);
      const property: Expr = { kind: 'literal', value: name.image, span: tokenSpan(name) };
      return { kind: 'member', object, property, computed: false, span };
    }
    if (c.optionalSuffix) return this.optionalLink(object, c.optionalSuffix[0] as CstNode, span);
    if (c.LBracket) {
      const property = this.expr(c.sequence?.[0] as CstNode | undefined, s);
      return { kind: 'member', object, property, computed: true, span };
    }
    if (c.args) {
      const argsNode = c.args[0] as CstNode;
      const args = ((argsNode.children.assignment ?? []) as CstNode[]).map((a) => this.expr(a, nodeSpan(argsNode)));
      return { kind: 'call', callee: object, args, span };
    }
    if (c.template) {
      this.report('VLV0211', s, {});
      this.template(c.template[0] as CstNode, s);
      return this.error(span);
    }
    return this.error(span);
  }

  /** `a?.b`, `a?.[k]`; `a?.(…)` is refused: nothing a rule may call can be missing. */
  private optionalLink(object: Expr, node: CstNode, span: Span): Expr {
    const c = node.children;
    const name = c.IdentifierName?.[0] as IToken | undefined;
    if (name && !Number.isNaN(name.startOffset)) {
      return { kind: 'member', object, property: { kind: 'literal', value: name.image, span: tokenSpan(name) }, computed: false, optional: true, span };
    }
    if (c.LBracket && c.sequence) {
      const property = this.expr(c.sequence[0] as CstNode, nodeSpan(node));
      return { kind: 'member', object, property, computed: true, optional: true, span };
    }
    if (c.args) {
      const argsNode = c.args[0] as CstNode;
      const args = ((argsNode.children.assignment ?? []) as CstNode[]).map((a) => this.expr(a, nodeSpan(argsNode)));
      this.report('VLV0221', { start: (c.OptionalChain[0] as IToken).startOffset, end: span.end }, optionalCallee(object));
      // `_` and a called name are reported by this code alone; the rest is still checked.
      const parts = object.kind === 'identifier' ? args : [object, ...args];
      return this.error(span, parts);
    }
    return this.error(span);
  }

  private primary(node: CstNode, span: Span): Expr {
    const c = node.children;
    const tok = ordered(node).find(isToken);
    if (c.template) return this.template(c.template[0] as CstNode, span);
    if (c.parenthesized) return this.parenthesized(c.parenthesized[0] as CstNode, span);
    if (c.arrayLiteral) return this.arrayLiteral(c.arrayLiteral[0] as CstNode, span);
    if (c.objectLiteral) return this.objectLiteral(c.objectLiteral[0] as CstNode, span);
    if (c.functionLiteral) {
      this.report('VLV0206', span, {});
      return this.error(span);
    }
    if (!tok || Number.isNaN(tok.startOffset)) return this.error(span);
    const s = tokenSpan(tok);
    switch (tok.tokenType.name) {
      case 'NumberLiteral':
        if (hasLeadingZero(tok.image)) return this.leadingZero(tok.image, s);
        return { kind: 'literal', value: numberValue(tok.image), span: s };
      case 'BadNumber':
        if (BIGINT.test(tok.image)) this.report('VLV0222', s, { text: tok.image });
        else this.report('VLV0215', s, { text: tok.image });
        return this.error(s);
      case 'StringLiteral':
        if (this.badEscapes(tok.image.slice(1, -1), tok.startOffset + 1)) return this.error(s);
        return { kind: 'literal', value: decodeEscapes(tok.image.slice(1, -1)), span: s };
      case 'UnterminatedString':
        this.report('VLV0202', s, { quote: tok.image[0] });
        return this.error(s);
      case 'Kw_true':
      case 'Kw_false':
      case 'Kw_null':
      case 'Kw_undefined':
        return { kind: 'literal', value: keywordValue(tok.tokenType.name)?.value, span: s };
      case 'Kw_this':
        this.report('VLV0208', s, {});
        return this.error(s);
      case 'UnterminatedRegex':
        this.report('VLV0214', s, { open: 'regex' });
        return this.error(s);
      case 'RegexLiteral':
        return { kind: 'regex', ...regexParts(tok.image), span: s };
      case 'Identifier':
        // `NaN` and `Infinity` are read-only globals upstream's rules see: their values, here.
        if (globalValue(tok.image)) return { kind: 'literal', value: globalValue(tok.image)!.value, span: s };
        return { kind: 'identifier', name: tok.image, span: s };
      default:
        this.report('VLV0216', s, { word: tok.image });
        return this.error(s);
    }
  }

  /** `[a, , b,]`: a comma after a comma (or first) leaves a hole (undefined); a last comma adds nothing. */
  private arrayLiteral(node: CstNode, span: Span): Expr {
    const elements: Expr[] = [];
    let expectElement = true;
    for (const part of ordered(node)) {
      if (isToken(part)) {
        if (part.image !== ',') continue;
        if (expectElement) elements.push({ kind: 'literal', value: undefined, hole: true, span: tokenSpan(part) });
        expectElement = true;
      } else {
        if (!expectElement) this.report('VLV0201', nodeSpan(part), { detail: 'expected `,` between the elements of a list' });
        elements.push(this.expr(part, span));
        expectElement = false;
      }
    }
    return { kind: 'array', elements, span };
  }

  /** `{a: 1, 'b': x, [k]: v, c}`: commas as in arrays, except that a hole is an error (JavaScript refuses `{a,,b}`). */
  private objectLiteral(node: CstNode, span: Span): Expr {
    const properties: Property[] = [];
    const parts: Expr[] = [];
    let ok = true;
    let expectProperty = true;
    for (const part of ordered(node)) {
      if (isToken(part)) {
        if (part.image !== ',') continue;
        if (expectProperty) {
          this.report('VLV0201', tokenSpan(part), { detail: 'expected a property before `,`' });
          ok = false;
        }
        expectProperty = true;
        continue;
      }
      if (!expectProperty) {
        this.report('VLV0201', nodeSpan(part), { detail: 'expected `,` between the properties of an object' });
        ok = false;
      }
      expectProperty = false;
      const p = this.property(part);
      if (p.kind === 'property') properties.push(p.property);
      else ok = false;
      parts.push(...p.parts);
    }
    return ok ? { kind: 'object', properties, span } : this.error(span, parts);
  }

  /** One property, or the sub-expressions to check when it is refused (a method, a spread, …). */
  private property(node: CstNode): { kind: 'property'; property: Property; parts: Expr[] } | { kind: 'refused'; parts: Expr[] } {
    const c = node.children;
    const span = nodeSpan(node);
    const values = ((c.assignment ?? []) as CstNode[]).map((a) => this.expr(a, span));
    if (c.Ellipsis) {
      this.report('VLV0223', tokenSpan(c.Ellipsis[0] as IToken), { within: 'object' });
      return { kind: 'refused', parts: values };
    }
    if (c.functionBody) {
      this.report('VLV0206', span, {});
      return { kind: 'refused', parts: [] };
    }
    const keyNode = c.propertyKey?.[0] as CstNode | undefined;
    const key = keyNode ? this.propertyKey(keyNode) : undefined;
    if (!key) return { kind: 'refused', parts: values };
    const computedParts = key.computed ? [key.key] : [];
    if (c.Colon) {
      const value = values[0] ?? this.error(span);
      return { kind: 'property', property: { key: key.key, computed: key.computed, value }, parts: [...computedParts, value] };
    }
    // Shorthand `{a}`: only a plain name can stand for its own value.
    if (key.shorthand) {
      const { value: text, span: at } = key.key as Extract<Expr, { kind: 'literal' }>;
      const name = String(text);
      const value: Expr =
        name === 'undefined' ? { kind: 'literal', value: undefined, span: at }
        : globalValue(name) ? { kind: 'literal', value: globalValue(name)!.value, span: at }
        : { kind: 'identifier', name, span: at };
      return { kind: 'property', property: { key: key.key, computed: false, value }, parts: [value] };
    }
    this.report('VLV0201', keyNode ? nodeSpan(keyNode) : span, { detail: 'expected `:` and a value after the property name' });
    return { kind: 'refused', parts: computedParts };
  }

  /** A name, string or number key (a string literal), or `[expr]`; undefined when already reported. */
  private propertyKey(node: CstNode): { key: Expr; computed: boolean; shorthand: boolean } | undefined {
    const c = node.children;
    if (c.LBracket) return { key: this.expr(c.assignment?.[0] as CstNode | undefined, nodeSpan(node)), computed: true, shorthand: false };
    const tok = ordered(node).find(isToken);
    if (!tok || Number.isNaN(tok.startOffset)) return undefined;
    const s = tokenSpan(tok);
    switch (tok.tokenType.name) {
      case 'StringLiteral':
        if (this.badEscapes(tok.image.slice(1, -1), tok.startOffset + 1)) return undefined;
        return { key: { kind: 'literal', value: decodeEscapes(tok.image.slice(1, -1)), span: s }, computed: false, shorthand: false };
      case 'NumberLiteral':
        if (hasLeadingZero(tok.image)) {
          this.leadingZero(tok.image, s);
          return undefined;
        }
        // A number key is its canonical string: `{1e3: x}` is the key `1000`.
        return { key: { kind: 'literal', value: String(numberValue(tok.image)), span: s }, computed: false, shorthand: false };
      default:
        // Any name, keywords included (`{new: 1}`); only an identifier (`undefined` is one) can be shorthand.
        return { key: { kind: 'literal', value: tok.image, span: s }, computed: false, shorthand: tok.tokenType.name === 'Identifier' || tok.tokenType.name === 'Kw_undefined' };
    }
  }

  private parenthesized(node: CstNode, span: Span): Expr {
    const inner = node.children.sequence?.[0] as CstNode | undefined;
    if (!inner) {
      this.report('VLV0201', span, { detail: 'expected an expression inside `( )`' });
      return this.error(span);
    }
    // The node keeps its parentheses in its span, so underlines and explain steps stay balanced.
    return { ...this.expr(inner, span), span };
  }

  /** Reports every escape JavaScript refuses in a string or template body starting at `offset`. */
  private badEscapes(body: string, offset: number): boolean {
    const problems = escapeProblems(body);
    for (const p of problems) this.report(p.code, { start: offset + p.start, end: offset + p.end }, { text: p.text });
    return problems.length > 0;
  }

  /**
   * `017`, `08`, `00`: sloppy JavaScript (upstream's `new Function`) reads the first as octal 15
   * and the others as decimal; strict mode refuses all of them, and so do we (spec section 7).
   */
  private leadingZero(image: string, s: Span): Expr {
    this.report('VLV0219', s, { text: image });
    return this.error(s);
  }

  private template(node: CstNode, span: Span): Expr {
    const c = node.children;
    const open = (c.UnterminatedTemplate ?? c.UnterminatedTemplateTail)?.[0] as IToken | undefined;
    if (open) {
      // Underline from the opening backtick, not just the unclosed tail.
      const head = c.TemplateHead?.[0] as IToken | undefined;
      const at = tokenSpan(open);
      this.report('VLV0214', head ? { start: head.startOffset, end: at.end } : at, { open: 'template' });
      return this.error(span);
    }
    if (c.TemplateFull) {
      const t = c.TemplateFull[0] as IToken;
      if (this.badEscapes(t.image.slice(1, -1), t.startOffset + 1)) return this.error(tokenSpan(t));
      return { kind: 'template', quasis: [decodeEscapes(t.image.slice(1, -1))], exprs: [], span: tokenSpan(t) };
    }
    const pieces = [...((c.TemplateHead ?? []) as IToken[]), ...((c.TemplateMiddle ?? []) as IToken[]), ...((c.TemplateTail ?? []) as IToken[])]
      .filter((t) => !Number.isNaN(t.startOffset))
      .sort((a, b) => a.startOffset - b.startOffset);
    const exprs = ((c.sequence ?? []) as CstNode[]).map((e) => this.expr(e, span));
    const head = c.TemplateHead?.[0] as IToken | undefined;
    if (head && !c.TemplateTail) {
      this.report('VLV0214', { start: head.startOffset, end: Math.max((head.endOffset ?? head.startOffset) + 1, span.end) }, { open: 'substitution' });
      return this.error(span, exprs);
    }
    const bodies = pieces.map((t) => {
      const body = t.image.slice(1);
      return body.endsWith('${') ? body.slice(0, -2) : body.slice(0, -1);
    });
    // Every piece is checked (no short-circuit): each bad escape gets its own diagnostic.
    if (pieces.map((t, i) => this.badEscapes(bodies[i], t.startOffset + 1)).includes(true)) return this.error(span, exprs);
    const quasis = bodies.map(decodeEscapes);
    if (quasis.length !== exprs.length + 1) return this.error(span);
    return { kind: 'template', quasis, exprs, span: nodeSpan(node) };
  }
}

/** What the hint of an optional call speaks about: `_`, a method of a printed receiver, or nothing. */
function optionalCallee(callee: Expr): MessageParams<'VLV0221'> {
  if (callee.kind === 'identifier' && callee.name === '_') return { callee: 'record' };
  if (callee.kind !== 'member' || callee.computed || callee.property.kind !== 'literal') return {};
  return { callee: { receiver: print(callee.object), method: String(callee.property.value) } };
}

