/**
 * grammar/fast-parse.ts against Chevrotain + cst-to-ast: whenever the fast path accepts a rule's
 * tokens, the slow path builds the very same AST (spans, key order, `undefined` and NaN values
 * included) and reports nothing. Checked on printed ASTs (valid rules, mostly accepted) and on
 * token soups (mostly invalid: the fast path must give up on each of them or agree).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../grammar/ast.js';
import { parseWithChevrotain } from '../../grammar/expression.js';
import { fastParse } from '../../grammar/fast-parse.js';
import { ruleLexer } from '../../grammar/lexer.js';
import { print } from '../../grammar/print.js';
import { exprArb } from './arbitraries.js';

const RUNS = Math.max(2000, Number(process.env.PROPERTY_RUNS) || 0);

/** Exact text of a value: key order, own `undefined` keys, NaN, -0 and Infinity all show. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${canon(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The fast path's AST (undefined: it gave up) next to the slow path's AST and reports. */
function both(text: string): { fast?: Expr; slow: Expr; reports: string[] } {
  const lexed = ruleLexer.tokenize(text);
  const fast = lexed.errors.length === 0 ? fastParse(lexed.tokens) : undefined;
  const reports: string[] = [];
  const slow = parseWithChevrotain(text, (code, where) => void reports.push(`${code}@${where.start}-${where.end}`), lexed);
  return { fast, slow, reports };
}

function agrees(text: string): boolean {
  const { fast, slow, reports } = both(text);
  if (fast === undefined) return false;
  if (reports.length > 0) throw new Error(`fast path accepted ${JSON.stringify(text)}, Chevrotain reports ${reports.join(' ')}`);
  expect(canon(fast), text).toBe(canon(slow));
  return true;
}

/** Pieces of rule text, most of the subset and some just outside it, joined at random. */
const PIECES = [
  'a', 'b', '$a', 'user', 'data', 'NaN', 'Infinity', 'undefined', 'null', 'true', 'false', 'this', 'new', 'in', 'instanceof', 'typeof', 'void', 'delete', 'let', 'function',
  '0', '1', '2.5', '.5', '1e3', '0x1f', '1_000', '017', '08', '1n', "'s'", '"t"', "'\\n'", "'\\x'", "'\\u{41}'", '`q`', '`${', '}`', '/a+/i', '/x/',
  '.', '?.', '[', ']', '(', ')', '{', '}', ',', ';', '?', ':', '=>', '=', '+=', '++', '--', '...',
  '+', '-', '*', '/', '%', '**', '!', '~', '<', '<=', '>', '>=', '==', '!=', '===', '!==', '&&', '||', '??', '&', '|', '^', '<<', '>>', '>>>',
];
const soup = fc.array(fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom('', ' ', '  ', '\n', ' /* c */ ')), { minLength: 1, maxLength: 14 }).map((parts) => parts.map(([p, gap]) => p + gap).join(''));

/** Operand, operator, operand …: mostly valid, so mixtures (`a ?? b || c`, `-a ** b`, `a ? b`) come up often. */
const OPERANDS = ['a', '$a', '1', 'NaN', "'s'", '/x/g', '(a)', '(a || b)', '(a ?? b)', '[a, 1]', 'a.b', 'a[b]', 'a(b, c)', '-a', '!a', '~1', 'typeof a', 'void a', 'undefined', 'a?.b'];
const OPERATORS = ['+', '-', '*', '/', '%', '**', '??', '||', '&&', '===', '!=', 'in', 'instanceof', '<', '>=', '|', '^', '&', '<<', '>>>', '?', ':', ','];
const chain = fc
  .tuple(fc.constantFrom(...OPERANDS), fc.array(fc.tuple(fc.constantFrom(...OPERATORS), fc.constantFrom(...OPERANDS)), { maxLength: 5 }))
  .map(([first, rest]) => first + rest.map(([op, x]) => ` ${op} ${x}`).join(''));

describe('fast path == Chevrotain + cst-to-ast', () => {
  it('on printed rules (spans, key order and values identical; no reports)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(exprArb({ vars: ['$a', '$b'], maxDepth: 5 }), fc.constantFrom('', ' ', '  '), (e, pad) => {
        if (agrees(pad + print(e) + pad)) accepted++;
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: a good share of valid rules takes the fast path.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('on token soups (gives up, or agrees)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(soup, (text) => {
        if (agrees(text)) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('on operator chains (gives up, or agrees)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(chain, (text) => {
        if (agrees(text)) accepted++;
      }),
      { numRuns: RUNS * 2 },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('takes every shape of the benchmark file and the everyday forms', () => {
    for (const text of [
      'user.isAuthenticated',
      "user.id === $a && $b.startsWith('p1-')",
      "user.data !== null && user.data.role === 'admin' && $a !== 'x2'",
      "data.owner === user.id && typeof data.title === 'string' && data.title.length <= 104",
      "['LOW', 'NORMAL', 'HIGH'].includes(data.priority) && (data.tags ?? []).length < 5",
      'oldData === null || oldData.owner === user.id || $b.match(/^[a-z]+-3$/) !== null',
      "_('team/' + $a).members.includes(user.id) && now - data.at < 1000",
      "(data.n ?? 0) * 2 + 1 < 100 && name.endsWith('/1') === false",
      'a ? b : c ? d : e',
      "'k' in data && !(-data.n > ~1) && void 0 === undefined",
      ' ( ( a ) ) ',
      'a /* why */ && b // because',
    ]) expect(agrees(text), text).toBe(true);
  });

  it('leaves to Chevrotain whatever it must report or read otherwise', () => {
    for (const text of [
      'a ?? b || c', 'a && b ?? c', '-a ** b', 'a ** b', 'a?.b', '[1,,2]', '[1,]', "'\\x'", '017', 'a instanceof b', 'this', 'a = 1',
      'a, b', 'data.new', '`t`', '{a: 1}', '()', 'a++', 'new A()', 'let', 'a.', '(a', 'a b', '1n',
    ]) expect(both(text).fast, text).toBeUndefined();
  });
});
