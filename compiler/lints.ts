/** Warnings about rules that parse and resolve but probably do not mean what they say. */
import { walk, type Expr } from '../grammar/ast.js';
import type { Reporter } from '../grammar/cst-to-ast.js';
import { methodSpec } from './builtins.js';

export function lintRule(expr: Expr, text: string, report: Reporter): void {
  walk(expr, (node) => {
    if (node.kind === 'binary' && (node.op === '==' || node.op === '!=')) {
      // The operator sits between the operands (after any comments or closing parentheses).
      const start = text.indexOf(node.op, node.left.span.end);
      const at = start >= 0 && start < node.right.span.start ? { start, end: start + node.op.length } : { start: node.left.span.end, end: node.right.span.start };
      report('VLV0402', at, { op: node.op, strict: `${node.op}=` });
    }
  });
  const what = nonBoolean(expr);
  if (what) report('VLV0401', expr.span, { what }, what.startsWith('the matches') ? 'compare it: `… !== null`' : undefined);
}

/** What the rule certainly yields when that is never a boolean; undefined when it may be one. */
function nonBoolean(e: Expr): string | undefined {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'boolean' ? undefined : e.value === null ? '`null`' : e.value === undefined ? '`undefined`' : `a ${typeof e.value}`;
    case 'template':
      return 'a string';
    case 'array':
      return 'an array';
    case 'regex':
      return 'a regular expression';
    case 'unary':
      return e.op === '!' ? undefined : e.op === 'typeof' ? 'a string' : 'a number';
    case 'binary':
      return ['+', '-', '*', '/', '%'].includes(e.op) ? (e.op === '+' ? 'a number or a string' : 'a number') : undefined;
    case 'call': {
      if (e.callee.kind !== 'member' || e.callee.property.kind !== 'literal') return undefined;
      const spec = methodSpec(String(e.callee.property.value));
      if (!spec || spec.returns === 'boolean') return undefined;
      return spec.name === 'match' ? 'the matches (an array or null)' : `a ${spec.returns}`;
    }
    case 'logical': {
      const l = nonBoolean(e.left);
      const r = nonBoolean(e.right);
      return l && r ? (l === r ? l : `${l} or ${r}`) : undefined;
    }
    case 'conditional': {
      const a = nonBoolean(e.consequent);
      const b = nonBoolean(e.alternate);
      return a && b ? (a === b ? a : `${a} or ${b}`) : undefined;
    }
    default:
      return undefined;
  }
}
