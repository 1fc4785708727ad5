/** Warnings about rules and patterns that parse and resolve but probably do not mean what they say. */
import { isOptionalLink, linkObject, walk, type Expr, type DiagnosticSink, type Reporter, isArrayIndex, planOf, print } from '../grammar/index.js';
import { covered } from './shadow.js';
import type { RuleSite } from './structure.js';

/** Rule-level lints: loose equality, and rules whose result never depends on the request. */
export function lintRule(expr: Expr, text: string, report: Reporter): void {
  walk(expr, (node) => {
    if (node.kind === 'binary' && (node.op === '==' || node.op === '!=')) {
      // The operator sits between the operands (after any comments or closing parentheses).
      const start = text.indexOf(node.op, node.left.span.end);
      const at = start >= 0 && start < node.right.span.start ? { start, end: start + node.op.length } : { start: node.left.span.end, end: node.right.span.start };
      report('VLV0402', at, { op: node.op, strict: `${node.op}=` });
    }
  });
  const folded = fold(expr);
  if (folded !== NOT_CONSTANT && expr.kind !== 'literal' && typeof folded === 'boolean') {
    report('VLV0403', expr.span, { value: String(folded) });
  }
}

const NOT_CONSTANT = Symbol('not constant');
type Folded = string | number | boolean | null | undefined | typeof NOT_CONSTANT;

/** The value of an expression that reads nothing from the request, if it has one. */
function fold(e: Expr): Folded {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'unary': {
      const v = fold(e.operand);
      if (v === NOT_CONSTANT) return v;
      return e.op === '!' ? !v : e.op === 'typeof' ? typeof v : NOT_CONSTANT;
    }
    case 'logical': {
      const l = fold(e.left);
      if (l === NOT_CONSTANT) return l;
      if (e.op === '&&') return l ? fold(e.right) : l;
      if (e.op === '||') return l ? l : fold(e.right);
      return l === null || l === undefined ? fold(e.right) : l;
    }
    case 'conditional': {
      const t = fold(e.test);
      return t === NOT_CONSTANT ? t : t ? fold(e.consequent) : fold(e.alternate);
    }
    case 'binary': {
      const l = fold(e.left);
      const r = fold(e.right);
      // `x === x` on the same side-effect-free text is constant whatever x is (constants are
      // compared as they are: `NaN !== NaN` is true).
      if ((l === NOT_CONSTANT || r === NOT_CONSTANT) && (e.op === '===' || e.op === '!==') && pure(e.left) && print(e.left) === print(e.right)) return e.op === '===';
      if (l === NOT_CONSTANT || r === NOT_CONSTANT) return NOT_CONSTANT;
      switch (e.op) {
        case '===': return l === r;
        case '!==': return l !== r;
        case '==': return l == r; // eslint-disable-line eqeqeq
        case '!=': return l != r; // eslint-disable-line eqeqeq
        default: return NOT_CONSTANT;
      }
    }
    case 'chain': {
      // `null?.a.b`: the first link short-circuits, whatever follows.
      let first: Expr = e.expression;
      for (let o = linkObject(first); o && linkObject(o); o = linkObject(o)) first = o;
      const base = linkObject(first);
      if (!base || !isOptionalLink(first)) return NOT_CONSTANT;
      const v = fold(base);
      return v === null || v === undefined ? undefined : NOT_CONSTANT;
    }
    default:
      return NOT_CONSTANT;
  }
}

/** No calls: reading the same path twice gives the same value. */
function pure(e: Expr): boolean {
  let ok = true;
  walk(e, (n) => {
    if (n.kind === 'call' || n.kind === 'error') ok = false;
  });
  return ok;
}

const usedNames = (e: Expr | undefined, into: Set<string>): void => {
  if (e) walk(e, (n) => void (n.kind === 'identifier' && into.add(n.name)));
};

/** Appends to the list under `key` in place (copying the list per item is quadratic in big sections). */
function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** File-level lints over the checked sites (spans are file offsets). */
export function lintFile(sites: readonly RuleSite[], sink: DiagnosticSink): void {
  const valid = sites.filter((s) => s.valid && s.section && s.pattern);
  unusedVariables(valid, sink);
  unreachable(valid, sink, indexKeyTies(valid, sink));
  unknownReferences(valid, sink);
  permissiveRoot(valid, sink);
}

function unusedVariables(sites: readonly RuleSite[], sink: DiagnosticSink): void {
  const byPattern = new Map<RuleSite['patternAst'], RuleSite[]>();
  for (const s of sites) addTo(byPattern, s.patternAst, s);
  for (const [ast, list] of byPattern) {
    const used = new Set<string>();
    for (const s of list) usedNames(s.rule.expr, used);
    for (const v of list[0].pattern!.variables) {
      if (used.has(v)) continue;
      const at = ast.text.indexOf(v);
      const quoted = sink.text[ast.keySpan.start] === '"' || sink.text[ast.keySpan.start] === "'" ? 1 : 0;
      const start = ast.keySpan.start + quoted + Math.max(0, at);
      sink.report('VLV0406', { start, end: start + v.length }, { name: v });
    }
  }
}

/** Above this many patterns per section and action the (quadratic) shadow check is skipped. */
const SHADOW_LIMIT = 1000;

const byAction = (sites: readonly RuleSite[]): Map<string, RuleSite[]> => {
  const groups = new Map<string, RuleSite[]>();
  for (const s of sites) addTo(groups, `${s.section}\0${s.rule.action}`, s);
  return groups;
};

/**
 * deepstream orders keys that look like array indexes (`"10"`) before all others, so on a tie of
 * length any other pattern matching the name wins over them, even one written earlier in the
 * file: that integer-like key's rule never decides, which its place in the file hides. Reported
 * (VLV0119) instead of VLV0404, whose "more specific pattern" would not explain it.
 */
function indexKeyTies(sites: readonly RuleSite[], sink: DiagnosticSink): Set<RuleSite> {
  const flagged = new Set<RuleSite>();
  for (const list of byAction(sites).values()) {
    if (list.length > SHADOW_LIMIT) continue;
    for (const p of list) {
      const text = p.pattern!.text;
      if (!isArrayIndex(text)) continue;
      // An integer-like pattern matches only its own text; a longer pattern matching it decides anyway.
      const rivals = list.filter((q) => q !== p && q.pattern!.text.length >= text.length && planOf(q.pattern!.parts).matches(text));
      if (rivals.some((q) => q.pattern!.text.length > text.length)) continue;
      if (rivals.length === 0) continue;
      // The tie's winner is the rival last in deepstream's order; when it is also later in the file, file order says the same (VLV0404).
      const winner = rivals.reduce((a, b) => (b.order > a.order ? b : a));
      if (winner.patternAst.keySpan.start > p.patternAst.keySpan.start) continue;
      const by = winner.pattern!.text;
      sink.report('VLV0119', p.rule.keySpan, { action: p.rule.action, pattern: text, by });
      flagged.add(p);
    }
  }
  return flagged;
}

/** `skip`: sites already reported as never deciding (VLV0119). */
function unreachable(sites: readonly RuleSite[], sink: DiagnosticSink, skip: ReadonlySet<RuleSite>): void {
  const dead = new Map<RuleSite['patternAst'], { site: RuleSite; by: string }[]>();
  for (const list of byAction(sites).values()) {
    if (list.length > SHADOW_LIMIT) continue;
    for (const p of list) {
      if (skip.has(p)) continue;
      const len = p.pattern!.text.length;
      const better = list.filter((q) => q !== p && (q.pattern!.text.length > len || (q.pattern!.text.length === len && q.order > p.order)));
      // Only patterns that match a typical name of P can take part in covering it.
      const typical = p.pattern!.parts.map((x) => (x.kind === 'literal' ? x.text : x.kind === 'variable' ? 'v' : '')).join('');
      const candidates = better.filter((q) => planOf(q.pattern!.parts).matches(typical));
      if (candidates.length && covered(p.pattern!.parts, candidates.map((q) => q.pattern!.parts))) {
        addTo(dead, p.patternAst, { site: p, by: candidates.map((q) => q.pattern!.text).join('`, `') });
      }
    }
  }
  for (const [ast, list] of dead) {
    const defined = sites.filter((s) => s.patternAst === ast && !skip.has(s)).length;
    if (list.length === defined) sink.report('VLV0405', ast.keySpan, { pattern: ast.text });
    else for (const { site, by } of list) sink.report('VLV0404', site.rule.keySpan, { action: site.rule.action, pattern: ast.text, by });
  }
}

function unknownReferences(sites: readonly RuleSite[], sink: DiagnosticSink): void {
  const records = sites.filter((s) => s.section === 'record' && s.pattern!.text !== '*');
  if (records.length === 0) return;
  const matchers = records.map((s) => planOf(s.pattern!.parts));
  for (const s of sites) {
    if (!s.rule.expr) continue;
    walk(s.rule.expr, (n) => {
      if (n.kind !== 'call' || n.callee.kind !== 'identifier' || n.callee.name !== '_') return;
      const arg = n.args[0];
      if (arg?.kind !== 'literal' || typeof arg.value !== 'string') return;
      const name = arg.value;
      if (!matchers.some((m) => m.matches(name))) sink.report('VLV0407', s.rule.toFileSpan(arg.span), { name });
    });
  }
}

function permissiveRoot(sites: readonly RuleSite[], sink: DiagnosticSink): void {
  const record = sites.filter((s) => s.section === 'record');
  const restrictive = record.some((s) => s.pattern!.text !== '*' && !(s.rule.node.kind === 'scalar' && s.rule.node.value === true));
  if (!restrictive) return;
  for (const s of record) {
    if (s.pattern!.text === '*' && (s.rule.action === 'write' || s.rule.action === 'delete') && s.rule.node.kind === 'scalar' && s.rule.node.value === true) {
      sink.report('VLV0408', s.rule.node.span, { action: s.rule.action });
    }
  }
}
