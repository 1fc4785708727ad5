/**
 * `valve fmt` (grammar/format.ts) on generated files: each rule written messily (redundant
 * parentheses, extra white space and line breaks, in a random YAML scalar style). Formatting must
 * give rules with the same ASTs in their canonical text, be idempotent, and the formatted file
 * must decide every generated request exactly as the original.
 */
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { walk, type Expr } from '../../grammar/ast.js';
import { parseExpression } from '../../grammar/expression.js';
import { ruleLexer } from '../../grammar/lexer.js';
import { print } from '../../grammar/print.js';
import { formatFile } from '../../grammar/format.js';
import type { CheckOptions } from '../../engine/check.js';
import { jsonValueArb, stripSpans } from './arbitraries.js';
import { ACCEPTABLE_SKIPS, loaderFor, renderFile, scenarioArb, summary } from './rule-files.js';

const RUNS = Math.max(200, Math.floor((Number(process.env.PROPERTY_RUNS) || 2000) / 4));

/** A random source fed by a fixed list of numbers, so fast-check can shrink the choices. */
const chooser = (choices: readonly number[]): ((n: number) => number) => {
  let i = 0;
  return (n) => choices[i++ % choices.length] % n;
};

/** Whether parentheses around `e` keep the meaning: not a link's object or callee (`(a?.b).c` reads `.c` of undefined), not a hole. */
function wrappable(e: Expr, parent: Expr | undefined): boolean {
  if (e.kind === 'literal' && e.hole === true) return false;
  if (!parent) return true;
  if (parent.kind === 'member') return parent.computed && parent.property === e;
  if (parent.kind === 'call') return parent.args.includes(e);
  if (parent.kind === 'object') return parent.properties.some((p) => p.value === e || (p.computed && p.key === e));
  return parent.kind !== 'chain';
}

/** The printed rule with some sub-expressions parenthesised again and white space added between tokens. */
function messy(rule: Expr, pick: (n: number) => number): string {
  const text = print(rule);
  const inserts: { at: number; text: string; order: number }[] = [];
  walk(parseExpression(text, () => {}), (e, parent) => {
    if (wrappable(e, parent) && pick(4) === 0) {
      const size = e.span.end - e.span.start;
      inserts.push({ at: e.span.start, text: '(', order: -size }, { at: e.span.end, text: ')', order: size });
    }
  });
  // At one offset: closing before opening, outer `(` before inner, inner `)` before outer.
  inserts.sort((a, b) => a.at - b.at || (a.text === b.text ? a.order - b.order : a.text === ')' ? -1 : 1));
  let wrapped = '';
  let from = 0;
  for (const ins of inserts) {
    wrapped += text.slice(from, ins.at) + ins.text;
    from = ins.at;
  }
  wrapped += text.slice(from);
  const SPACE = ['', '', ' ', '  ', '\n  ', '\t'];
  const tokens = ruleLexer.tokenize(wrapped).tokens;
  let out = '';
  let at = 0;
  for (const t of tokens) {
    out += wrapped.slice(at, t.startOffset) + (at > 0 ? SPACE[pick(SPACE.length)] : '');
    at = t.startOffset;
  }
  return out + wrapped.slice(at);
}

const UNWRITABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

/**
 * The rule in one of YAML's scalar styles, whichever can hold it (double quotes can hold anything).
 * `breaks`: the rule's own text has line breaks (in a template), which a folded scalar would join.
 */
function scalar(text: string, pick: (n: number) => number, breaks: boolean): string {
  const style = pick(4);
  if (style === 0 && !/[\n\t]/.test(text) && !UNWRITABLE.test(text)) {
    // parse() with logLevel 'silent' drops errors (a plain scalar starting with a backtick reads
    // back fine): check the document's errors and warnings instead.
    const doc = parseDocument(`k: ${text}`);
    if (doc.errors.length === 0 && doc.warnings.length === 0 && (doc.toJS() as { k?: unknown } | null)?.k === text) return text;
  }
  if (style === 1 && !/[\n\r]/.test(text) && !UNWRITABLE.test(text)) return `'${text.replace(/'/g, "''")}'`;
  if (style === 2 && !/\r/.test(text) && !UNWRITABLE.test(text) && !/^\s/.test(text)) return `${breaks || pick(2) === 0 ? '|' : '>-'}\n      ${text.split('\n').join('\n      ')}`;
  return JSON.stringify(text);
}

// Generous: the runs are counted, and a loaded machine must not fail them by the clock.
describe('valve fmt on generated rule files', { timeout: 600_000 }, () => {
  it('same rule ASTs, canonical text, idempotent, and the same decision for every generated request', async () => {
    let compared = 0;
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(jsonValueArb({ maxDepth: 3 }), 4), fc.array(fc.nat(), { minLength: 16, maxLength: 64 }), async ({ file, requests, records, async }, choices) => {
        const pick = chooser(choices);
        const original = compile(renderFile(file), { file: 'p.yml' });
        const errors = original.diagnostics.filter((d) => d.severity === 'error');
        fc.pre(original.module !== undefined && errors.every((d) => ACCEPTABLE_SKIPS.has(d.code)) && errors.length === 0);
        const source = renderFile(file, (rule) => scalar(messy(rule, pick), pick, print(rule).includes('\n')));
        const before = compile(source, { file: 'p.yml' });
        expect(before.diagnostics.filter((d) => d.severity === 'error'), source).toEqual([]);

        const formatted = formatFile(source, 'p.yml');
        expect(formatted.diagnostics.filter((d) => d.severity === 'error'), source).toEqual([]);
        if (formatted.changed) changed++;
        const again = formatFile(formatted.text, 'p.yml');
        expect(again.text, `not idempotent:\n${formatted.text}`).toBe(formatted.text);
        expect(again.changed).toBe(false);

        const after = compile(formatted.text, { file: 'p.yml' });
        expect(after.diagnostics.filter((d) => d.severity === 'error'), formatted.text).toEqual([]);
        const rules = after.module!.program.rules.filter((r) => r.section === file.target.section);
        rules.forEach((r, i) => {
          const rule = file.patterns[i].rule;
          if (typeof rule === 'boolean' || r.body.kind !== 'expression') return;
          expect(stripSpans(r.body.expr), formatted.text).toStrictEqual(stripSpans(rule));
          // Canonical: the printed text, or (in a block scalar) the printed chain one operand a line.
          const body = r.body.text.replace(/\n$/, '').replace(/\n(?=(&&|\|\||\?\?) )/g, ' ');
          expect(body, formatted.text).toBe(print(rule));
        });

        const options: CheckOptions = { loadRecord: loaderFor(records, async) };
        for (const request of requests) {
          const a = await before.module!.check(request, options);
          const b = await after.module!.check(request, options);
          expect(summary(b), `${source}\n---\n${formatted.text}\nrequest ${JSON.stringify(request)}`).toEqual(summary(a));
          compared++;
        }
      }),
      { numRuns: RUNS, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    expect(compared).toBeGreaterThan(RUNS);
    // The messy rules do change: a generator that wrote canonical text would prove nothing.
    expect(changed).toBeGreaterThan(RUNS / 2);
  });
});
