/**
 * Optional chaining `?.` beyond decisions (those are in test/spec and test/conformance): the
 * explain trace and coverage of a short-circuited chain, the shape of the generated code (no
 * property access outside r.get/r.getp, each `?.` object evaluated once), and the lexing of
 * `?.` before a digit.
 */
import { describe, expect, it } from 'vitest';
import { compileProgram, explain, parseExpression, print, type CheckRequest } from '../../index.js';
import { CoverageCollector } from '../../tooling/coverage.js';

const SECTIONS = 'record:\n  "*": { read: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n';
const withRule = (rule: string): string => `event:\n  "*":\n    publish: ${JSON.stringify(rule)}\n${SECTIONS}`;
const publish = (data: unknown): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data });

function program(rule: string) {
  const text = withRule(rule);
  const result = compileProgram(text, { file: 'r.yml' });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { text, program: result.program!, factory: result.factorySource! };
}

/** Each explain step as `text = value`, `text not evaluated` or `text error`. */
async function steps(rule: string, data: unknown): Promise<string[]> {
  const { text, program: p } = program(rule);
  const ex = await explain(p, text, publish(data));
  return ex.steps.map((s) => `${'  '.repeat(s.depth)}${s.text} ${s.status === 'value' ? `= ${s.value}` : s.status === 'skipped' ? 'not evaluated' : 'error'}`);
}

describe('explain: a short-circuited chain', () => {
  it('gives the chain the value undefined and shows the links it skipped as not evaluated', async () => {
    expect(await steps('data?.a.b === undefined', null)).toEqual([
      'data?.a.b === undefined = true',
      '  data?.a.b = undefined',
      '    data?.a not evaluated',
      '      data = null',
      '  undefined = undefined',
    ]);
  });

  it('shows every link with its value when nothing short-circuits', async () => {
    expect(await steps('data?.a.b === undefined', { a: { b: 1 } })).toEqual([
      'data?.a.b === undefined = false',
      '  data?.a.b = 1',
      '    data?.a = {"b":1}',
      '      data = {"a":{"b":1}}',
      '  undefined = undefined',
    ]);
  });

  it('skips the arguments of a method call after `?.`, and the key of a skipped computed link', async () => {
    expect(await steps("data.s?.startsWith('x') === undefined", {})).toEqual([
      "data.s?.startsWith('x') === undefined = true",
      "  data.s?.startsWith('x') = undefined",
      '    data.s = undefined',
      '      data = {}',
      "    'x' not evaluated",
      '  undefined = undefined',
    ]);
    expect(await steps('data?.[data.k] === undefined', null)).toEqual([
      'data?.[data.k] === undefined = true',
      '  data?.[data.k] = undefined',
      '    data = null',
      '    data.k not evaluated',
      '      data not evaluated',
      '  undefined = undefined',
    ]);
  });

  it('shows the error of a link read after the chain ended at parentheses', async () => {
    const got = await steps('(data?.a).b === 1', null);
    expect(got[0]).toBe('(data?.a).b === 1 error');
    expect(got).toContain('    (data?.a) = undefined');
  });
});

describe('coverage: links no test reached', () => {
  it('marks the skipped part of a chain never evaluated, and a `?.` method call as a condition', async () => {
    const { text, program: p } = program("data?.tags?.includes('x') === true || data?.s?.startsWith('y')");
    const collector = new CoverageCollector(p, text);
    for (const data of [null, { tags: null }]) {
      const ex = await explain(p, text, publish(data));
      collector.add(ex.decision, ex);
    }
    const [rule] = collector.report().rules.filter((r) => r.section === 'event');
    const gap = (t: string) => rule.expressions.find((e) => e.text === t);
    expect(gap('data?.tags')).toMatchObject({ evaluated: 1, values: ['null'] });
    expect(gap("data?.tags?.includes('x')")).toMatchObject({ evaluated: 2, values: ['undefined'] });
    expect(gap("'x'")).toMatchObject({ evaluated: 0, gap: 'never evaluated' });
    expect(gap("data?.s?.startsWith('y')")).toMatchObject({ condition: true, gap: 'only false' });
    expect(gap('data?.s')).toMatchObject({ evaluated: 1, values: ['undefined'] });
  });
});

describe('generated code for `?.`', () => {
  /** The rule function's source, with the JSON strings of user text taken out. */
  const ruleCode = (rule: string): string => {
    const line = program(rule).factory.split('\n').find((l) => l.trimStart().startsWith('rule: '))!;
    return line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  };

  it('tests each `?.` object with `== null`, evaluates it once, and reads properties only through r.get/r.getp', () => {
    const code = ruleCode("data.x?.a.b?.[data.k]?.trim() === 'v' && user.data?.role === 'admin' && _('cfg')?.open === true");
    expect(code).toContain('(t0 = r.getp(c.data, "")) == null');
    expect(code).toContain('c.user.data == null');
    expect(code).toContain('(t3 = r.ref(c, "")) == null');
    // every `.name` is a context field, a stdlib function or a method of the stdlib
    const dotted = [...code.matchAll(/([\w$]+)\.([\w$]+)/g)].map((m) => `${m[1]}.${m[2]}`);
    expect(dotted.filter((d) => !/^(?:c\.(?:data|user|vars)|user\.data|r\.(?:getp|get|ref|m)|m\.trim)$/.test(d))).toEqual([]);
    // `==` only ever compares with null
    expect([...code.matchAll(/(?<![=!])==(?!=)\s*(\S+)/g)].map((m) => m[1])).toEqual(['null', 'null', 'null', 'null', 'null']);
    expect(code).not.toMatch(/\?\./);
  });

  it('needs no temporaries when the objects are context reads', () => {
    expect(ruleCode('data?.owner === user.id')).toBe('      rule: (c) => ((c.data == null ? (void 0) : r.getp(c.data, "")) === c.user.id),');
  });
});

describe('lexing `?.`', () => {
  it('reads `?.` before a decimal digit as `?` and a number, as JavaScript does', () => {
    const report = (): void => {
      throw new Error('no diagnostic expected');
    };
    expect(print(parseExpression('data.f?.5:1', report))).toBe('data.f ? 0.5 : 1');
    expect(print(parseExpression('data.f?.[5]', report))).toBe('data.f?.[5]');
    expect(parseExpression('data?.a', report).kind).toBe('chain');
  });
});

describe('explain: an object literal', () => {
  it('shows its value as JSON, every property listed', async () => {
    expect((await steps('({ a: data.x, [data.k]: 2 }).b === 2', { x: 1, k: 'b' })).slice(0, 3)).toEqual([
      '({ a: data.x, [data.k]: 2 }).b === 2 = true',
      '  ({ a: data.x, [data.k]: 2 }).b = 2',
      '    ({ a: data.x, [data.k]: 2 }) = {"a":1,"b":2}',
    ]);
  });
});
