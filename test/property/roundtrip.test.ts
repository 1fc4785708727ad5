/**
 * Printer / parser properties: print(ast) parses back to the same AST, and the parser never
 * throws, whatever the text, with every reported span inside the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../grammar/ast.js';
import type { Reporter } from '../../grammar/diagnostic.js';
import { parseExpression } from '../../grammar/expression.js';
import { print } from '../../grammar/print.js';
import type { Span } from '../../grammar/span.js';
import { exprArb, KEYWORD_NAMES, nodes, stripSpans } from './arbitraries.js';

const RUNS = Math.max(2000, Number(process.env.PROPERTY_RUNS) || 0);

interface Reported {
  readonly code: string;
  readonly where: Span;
}

function parse(text: string): { expr: Expr; diagnostics: Reported[] } {
  const diagnostics: Reported[] = [];
  const report: Reporter = (code, where) => {
    diagnostics.push({ code, where });
  };
  const expr = parseExpression(text, report);
  return { expr, diagnostics };
}

const within = (s: Span, text: string): boolean =>
  Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length;

/** The invariants of any parse, valid or not: no throw, an AST, diagnostics inside the text. */
function checkAnyParse(text: string): ReturnType<typeof parse> {
  let result: ReturnType<typeof parse>;
  try {
    result = parse(text);
  } catch (e) {
    throw new Error(`parseExpression threw on ${JSON.stringify(text)}: ${e instanceof Error ? e.stack : String(e)}`);
  }
  const { expr, diagnostics } = result;
  expect(typeof expr).toBe('object');
  expect(typeof expr.kind).toBe('string');
  for (const d of diagnostics) {
    if (!within(d.where, text)) throw new Error(`${d.code} span ${JSON.stringify(d.where)} outside ${JSON.stringify(text)} (length ${text.length})`);
  }
  // An `error` node is never compiled, so it must come with a diagnostic.
  if (nodes(expr).some((n) => n.kind === 'error') && diagnostics.length === 0) {
    throw new Error(`error node without a diagnostic for ${JSON.stringify(text)}`);
  }
  return result;
}

/** Stricter: every AST node's span (error nodes included) is a well-formed range inside the text. */
function checkNodeSpans(text: string): void {
  const { expr } = checkAnyParse(text);
  for (const n of nodes(expr)) {
    if (!within(n.span, text)) throw new Error(`${n.kind} node span ${JSON.stringify(n.span)} is not a range inside ${JSON.stringify(text)} (length ${text.length})`);
  }
}

describe('printer round trip', () => {
  it('print(ast) parses back without diagnostics to the same AST (ignoring spans)', () => {
    fc.assert(
      fc.property(exprArb({ vars: ['$id', '$x1'], maxDepth: 4 }), (ast) => {
        const text = print(ast);
        const { expr, diagnostics } = parse(text);
        expect(diagnostics, text).toEqual([]);
        expect(stripSpans(expr), text).toStrictEqual(stripSpans(ast));
        // and printing is stable
        expect(print(expr)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('keyword property names (`data.in`, `data.typeof`) survive printing next to `/`', () => {
    const small = exprArb({ maxDepth: 2 });
    const div = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '/', left, right, span: { start: 0, end: 0 } });
    fc.assert(
      fc.property(small, fc.constantFrom(...KEYWORD_NAMES), small, small, (object, name, a, b) => {
        const member: Expr = { kind: 'member', object, property: { kind: 'literal', value: name, span: { start: 0, end: 0 } }, computed: false, span: { start: 0, end: 0 } };
        const ast = div(div(member, a), b);
        const text = print(ast);
        const { expr, diagnostics } = parse(text);
        expect(diagnostics, text).toEqual([]);
        expect(stripSpans(expr), text).toStrictEqual(stripSpans(ast));
      }),
      { numRuns: RUNS },
    );
  });

  it('every node span of a printed AST covers text that parses back to that node', () => {
    fc.assert(
      fc.property(exprArb({ vars: ['$id'], maxDepth: 3 }), (ast) => {
        const text = print(ast);
        const { expr, diagnostics } = parse(text);
        fc.pre(diagnostics.length === 0);
        const all = nodes(expr);
        const propertyNames = new Set(all.flatMap((n) => (n.kind === 'member' && !n.computed ? [n.property] : [])));
        for (const n of all) {
          expect(within(n.span, text), `${n.kind} ${JSON.stringify(n.span)} in ${text}`).toBe(true);
          if (propertyNames.has(n)) continue; // `.name` is a literal only after a dot
          const slice = text.slice(n.span.start, n.span.end);
          const again = parse(slice);
          expect(again.diagnostics, `span of ${n.kind} in ${JSON.stringify(text)} is ${JSON.stringify(slice)}`).toEqual([]);
          // A link inside a chain (`a?.b` of `a?.b.c`), and the chain's outermost link, parse alone
          // as a chain of their own: where a chain ends depends on what follows it.
          const alone = again.expr.kind === 'chain' && n.kind !== 'chain' ? again.expr.expression : again.expr;
          expect(stripSpans(alone), `span of ${n.kind} in ${JSON.stringify(text)} is ${JSON.stringify(slice)}`).toStrictEqual(stripSpans(n));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'()[]{}`\'"$/\\.,;:?!&|=<>+-*%~ \nab01_'.split('')), maxLength: 40 }),
);

const FRAGMENTS = [
  'data', 'oldData', 'user', 'name', 'now', 'action', '$id', '_', 'x', 'new', 'this', 'typeof', 'in', 'delete', 'void', 'function', 'return',
  'true', 'false', 'null', 'undefined', 'constructor', '__proto__',
  '.', '?.', '?.[', '?.(', '?.5', '(', ')', '[', ']', '{', '}', ',', ';', ':', '?', "'", '"', '`', '${', '/', '//', '/*', '*/', '\\', '\\u0061',
  '&&', '||', '??', '!', '!!', '-', '--', '+', '++', '*', '**', '%', '=', '==', '===', '!=', '!==', '<', '<=', '>', '>=', '=>', '...',
  '&', '|', '^', '~', '<<', '>>>', '#', '@',
  '0', '1', '42', '1.5', '.5', '1e3', '0x1F', '1_000', '08', '1.2.3', '5n',
  "'a'", '"b"', "'\\''", '`t`', '`${', 'ab${x}', '/a+/', '/[/]/g', '/(?=a)/', '/a/y',
  'match', 'startsWith', 'length', 'toUpperCase', '_(', "'user/'", 'é', '😀', '\ud800', '\n', '\r', '\u2028', '\t', ' ',
];

const soup = fc.array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom('', '', ' ')), { maxLength: 25 }).map((xs) => xs.map(([f, s]) => f + s).join(''));

describe('parser robustness', () => {
  it('parseExpression never throws on arbitrary strings, and its diagnostics lie within the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        checkAnyParse(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseExpression never throws on token soups of rule fragments, and its diagnostics lie within the text', () => {
    fc.assert(
      fc.property(soup, (text) => {
        checkAnyParse(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseExpression never throws on printed rules with one fragment spliced in', () => {
    fc.assert(
      fc.property(exprArb({ maxDepth: 3 }), fc.constantFrom(...FRAGMENTS), fc.nat(), (ast, fragment, at) => {
        const text = print(ast);
        const i = at % (text.length + 1);
        checkAnyParse(text.slice(0, i) + fragment + text.slice(i));
      }),
      { numRuns: RUNS },
    );
  });

  it('every AST node span, error nodes included, is a well-formed range inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, soup), (text) => checkNodeSpans(text)),
      { numRuns: RUNS },
    );
  });
});
