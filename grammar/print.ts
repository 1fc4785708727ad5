/** AST → rule text with the fewest parentheses that keep its meaning (round-trip tests, explain). */
import { syntaxOf, UNARY_PRECEDENCE } from './operators.js';
import { arrayText, type Expr } from './ast.js';
import { quote } from './strings.js';

const CONDITIONAL = 1;
const UNARY = UNARY_PRECEDENCE;
const POSTFIX = 16;
const PRIMARY = 17;

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'conditional':
      return CONDITIONAL;
    case 'binary':
      return syntaxOf(e.op).precedence;
    case 'logical':
      return syntaxOf(e.op).precedence;
    case 'unary':
      return UNARY;
    case 'member':
    case 'call':
    case 'chain':
      return POSTFIX;
    default:
      return PRIMARY;
  }
}

/** `??` may not be mixed with `&&`/`||` without parentheses, whatever the precedence says. */
const mixesNullish = (parent: Expr, child: Expr): boolean =>
  parent.kind === 'logical' && child.kind === 'logical' && (parent.op === '??') !== (child.op === '??');

function wrap(e: Expr, min: number, parent?: Expr): string {
  const text = print(e);
  return precedence(e) < min || (parent !== undefined && mixesNullish(parent, e)) ? `(${text})` : text;
}

/** A key as written: a plain name bare (keywords are fine as keys), anything else quoted. */
const propertyName = (key: Expr): string => {
  const name = key.kind === 'literal' ? String(key.value) : '';
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quote(name);
};

const escapeTemplate = (s: string): string => s.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${').replace(/\r/g, '\\r');

export function print(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      if (typeof e.value === 'string') return quote(e.value);
      return String(e.value);
    case 'regex':
      return `/${e.pattern}/${e.flags}`;
    case 'template':
      return `\`${e.quasis.map((q, i) => escapeTemplate(q) + (i < e.exprs.length ? `\${${print(e.exprs[i])}}` : '')).join('')}\``;
    case 'array':
      return arrayText(e.elements, (x) => wrap(x, CONDITIONAL));
    case 'object':
      return `{${e.properties.map((p) => `${p.computed ? `[${wrap(p.key, CONDITIONAL)}]` : propertyName(p.key)}: ${wrap(p.value, CONDITIONAL)}`).join(', ')}}`;
    case 'identifier':
      return e.name;
    case 'member': {
      const obj = (e.object.kind === 'literal' && typeof e.object.value === 'number') || e.object.kind === 'chain' ? `(${print(e.object)})` : wrap(e.object, POSTFIX);
      const dot = e.optional ? '?.' : '.';
      if (!e.computed && e.property.kind === 'literal') return `${obj}${dot}${String(e.property.value)}`;
      return `${obj}${e.optional ? '?.' : ''}[${print(e.property)}]`;
    }
    case 'call':
      return `${e.callee.kind === 'chain' ? `(${print(e.callee)})` : wrap(e.callee, POSTFIX)}(${e.args.map((a) => wrap(a, CONDITIONAL)).join(', ')})`;
    case 'chain':
      // A chain read further (`(a?.b).c`) keeps its parentheses: they end the short-circuit.
      return print(e.expression);
    case 'unary': {
      const operand = wrap(e.operand, UNARY);
      if (e.op === 'typeof' || e.op === 'void') return `${e.op} ${operand}`;
      // `- -x` and `+ +x` must not fuse into `--x` / `++x`.
      return operand.startsWith(e.op) ? `${e.op} ${operand}` : `${e.op}${operand}`;
    }
    case 'binary':
    case 'logical': {
      const p = precedence(e);
      // `**` groups to the right, and its base can not be a unary expression (`(-2) ** 2`).
      if (e.kind === 'binary' && syntaxOf(e.op).rightAssociative) return `${wrap(e.left, UNARY + 1, e)} ${e.op} ${wrap(e.right, p, e)}`;
      return `${wrap(e.left, p, e)} ${e.op} ${wrap(e.right, p + 1, e)}`;
    }
    case 'conditional':
      return `${wrap(e.test, CONDITIONAL + 1)} ? ${wrap(e.consequent, CONDITIONAL)} : ${wrap(e.alternate, CONDITIONAL)}`;
    case 'error':
      return '<error>';
  }
}
