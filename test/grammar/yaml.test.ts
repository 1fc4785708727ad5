import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, parse, parseDocument, Scalar } from 'yaml';
import { loadYaml, type YNode, type YScalar } from '../../grammar/yaml.js';

const CORPUS = '/work/shared/corpus/upstream';

/** Follow map keys / seq indexes down from the root. */
function at(root: YNode | undefined, ...path: Array<string | number>): YNode {
  let n = root;
  for (const step of path) {
    if (n?.kind === 'map') n = n.entries.find((e) => e.key === step)?.value;
    else if (n?.kind === 'seq' && typeof step === 'number') n = n.items[step];
    else n = undefined;
  }
  if (!n) throw new Error(`nothing at ${path.join('.')}`);
  return n;
}

function scalarAt(text: string, ...path: Array<string | number>): YScalar {
  const { root, diagnostics } = loadYaml(text, 'p.yml');
  expect(diagnostics).toEqual([]);
  const n = at(root, ...path);
  if (n.kind !== 'scalar') throw new Error('not a scalar');
  return n;
}

/** The source text underlined for value[i .. j). */
const underline = (text: string, s: YScalar, i: number, j = i + 1): string => {
  const f = s.toFileSpan!({ start: i, end: j });
  return text.slice(f.start, f.end);
};

const codes = (text: string): string[] => loadYaml(text, 'p.yml').diagnostics.map((d) => d.code);

/**
 * A scalar's expected mapping, as segments: a plain string is copied verbatim from the source;
 * a pair [source, produced] means `source` produced the characters `produced`.
 */
type Part = string | [source: string, produced: string];
interface Case {
  name: string;
  yaml: string;
  style: YScalar['style'];
  parts: Part[];
}

const CASES: Case[] = [
  { name: 'plain, one line', style: 'plain', yaml: "r: user.id === 'B'\n", parts: ["user.id === 'B'"] },
  { name: 'plain, folded lines', style: 'plain', yaml: 'r: a &&\n  b\n\n  c   \n  d\n', parts: ['a &&', ['\n', ' '], 'b', ['\n', '\n'], 'c', ['\n', ' '], 'd'] },
  { name: 'plain, CRLF line breaks', style: 'plain', yaml: 'r: a\r\n  b\r\n', parts: ['a', ['\r\n', ' '], 'b'] },
  { name: 'plain, trailing comment', style: 'plain', yaml: 'r: a == b # why\n', parts: ['a == b'] },
  { name: 'single-quoted', style: 'single', yaml: "r: 'it''s \"x\"'\n", parts: ['it', ["''", "'"], 's "x"'] },
  { name: 'single-quoted, folded', style: 'single', yaml: "r: 'a''\n   b  \n\n\n   c'\n", parts: ['a', ["''", "'"], ['\n', ' '], 'b', ['\n', '\n'], ['\n', '\n'], 'c'] },
  {
    name: 'double-quoted escapes',
    style: 'double',
    yaml: 'r: "a\\"b\\\\c\\nd\\te\\u00e9\\x41\\/\\U0001F600 z"\n',
    parts: ['a', ['\\"', '"'], 'b', ['\\\\', '\\'], 'c', ['\\n', '\n'], 'd', ['\\t', '\t'], 'e', ['\\u00e9', 'é'], ['\\x41', 'A'], ['\\/', '/'], ['\\U0001F600', '😀'], ' z'],
  },
  { name: 'double-quoted, escaped line break', style: 'double', yaml: 'r: "ab\\\n     cd"\n', parts: ['ab', 'cd'] },
  { name: 'double-quoted, folded', style: 'double', yaml: 'r: "a  \n   b\n\n   c\t\n  d"\n', parts: ['a', ['\n', ' '], 'b', ['\n', '\n'], 'c', ['\n', ' '], 'd'] },
  { name: 'double-quoted, literal tab kept', style: 'double', yaml: 'r: "a\tb"\n', parts: ['a\tb'] },
  { name: 'literal |', style: 'literal', yaml: 'r: |\n  a ==\n    b\n\n  c\n\nx: 1\n', parts: ['a ==', ['\n', '\n'], '  b', ['\n', '\n'], ['\n', '\n'], 'c', ['\n', '\n']] },
  { name: 'literal |-', style: 'literal', yaml: 'r: |-\n  a\n  b\n\n', parts: ['a', ['\n', '\n'], 'b'] },
  { name: 'literal |+', style: 'literal', yaml: 'r: |+\n  a\n\n\nx: 1\n', parts: ['a', ['\n', '\n'], ['\n', '\n'], ['\n', '\n']] },
  { name: 'literal |2 with leading spaces', style: 'literal', yaml: 'r: |2\n     a\n    b\n', parts: ['   a', ['\n', '\n'], '  b', ['\n', '\n']] },
  { name: 'literal at end of file without newline', style: 'literal', yaml: 'r: |\n  a', parts: ['a', ['', '\n']] },
  { name: 'folded >', style: 'folded', yaml: 'r: >\n  a &&\n  b\n\n  c\n', parts: ['a &&', ['\n', ' '], 'b', ['\n', '\n'], 'c', ['\n', '\n']] },
  { name: 'folded >2- with more-indented lines', style: 'folded', yaml: 'r: >2-\n    x\n  a\n\n    y\n  b\n\n', parts: ['  x', ['\n', '\n'], 'a', ['\n', '\n'], ['\n', '\n'], '  y', ['\n', '\n'], 'b'] },
  { name: 'folded >+', style: 'folded', yaml: 'r: >+\n  a\n  b\n\n', parts: ['a', ['\n', ' '], 'b', ['\n', '\n'], ['\n', '\n']] },
  { name: 'folded, CRLF', style: 'folded', yaml: 'r: >-\r\n  a\r\n  b\r\n', parts: ['a', ['\r\n', ' '], 'b'] },
  { name: 'JSON string', style: 'double', yaml: '{\n\t"r": "a\\u0041\\"\\/"\n}\n', parts: ['a', ['\\u0041', 'A'], ['\\"', '"'], ['\\/', '/']] },
];

describe('toFileSpan maps every value character to its source', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const s = scalarAt(c.yaml, 'r');
      const expected: Array<[string, string]> = [];
      for (const p of c.parts) {
        if (typeof p === 'string') for (const ch of p) expected.push([ch, ch]);
        else for (let k = 0; k < p[1].length; k++) expected.push([p[1][k], p[0]]);
      }
      expect(s.style).toBe(c.style);
      expect(s.value).toBe(expected.map(([v]) => v).join(''));
      const value = s.value as string;
      const got: Array<[string, string]> = [];
      for (let i = 0; i < value.length; i++) got.push([value[i], underline(c.yaml, s, i)]);
      expect(got).toEqual(expected);
    });
  }

  it('maps ranges and empty slices', () => {
    const text = 'r: "ab\\tc"\ne: ""\nb: |\n  x\n';
    const s = scalarAt(text, 'r');
    expect(underline(text, s, 0, 4)).toBe('ab\\tc');
    expect(underline(text, s, 1, 3)).toBe('b\\t');
    expect(s.toFileSpan!({ start: 0, end: 0 })).toEqual({ start: 4, end: 4 });
    expect(s.toFileSpan!({ start: 4, end: 4 })).toEqual({ start: 9, end: 9 });
    const e = scalarAt(text, 'e');
    expect(e.toFileSpan!({ start: 0, end: 0 })).toEqual({ start: text.indexOf('""') + 1, end: text.indexOf('""') + 1 });
    const b = scalarAt(text, 'b');
    expect(text.slice(b.span.start, b.span.end)).toBe('|\n  x\n');
    expect(b.toFileSpan!({ start: 0, end: 0 }).start).toBe(text.indexOf('x'));
  });

  it('falls back to the whole scalar when the value did not come from its text', () => {
    // a !!str of a non-string is fine; check the fallback through a custom tag's coerced value
    const text = 'r: !!binary aGk=\n';
    const { root } = loadYaml(text, 'p.yml');
    const s = at(root, 'r') as YScalar;
    expect(s.value).toBe('aGk=');
    expect(underline(text, s, 1)).toBe('G');
  });
});

describe('tree', () => {
  it('keeps spans, key strings, styles and null values', () => {
    const text = 'record:\n  "*":\n    read:\n    write: true\n    1: 2.5\n  list: [a, \'b\']\n';
    const { root, diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(root?.kind).toBe('map');
    const star = at(root, 'record', '*');
    expect(star.kind).toBe('map');
    if (star.kind !== 'map') return;
    expect(star.entries.map((e) => e.key)).toEqual(['read', 'write', '1']);
    expect(text.slice(star.entries[0].keySpan.start, star.entries[0].keySpan.end)).toBe('read');
    const read = star.entries[0].value as YScalar;
    expect(read.value).toBe(null);
    expect(read.span.start).toBe(text.indexOf('read:') + 5);
    expect(read.span.end).toBe(read.span.start);
    expect((star.entries[1].value as YScalar).value).toBe(true);
    expect((star.entries[2].value as YScalar).value).toBe(2.5);
    const list = at(root, 'record', 'list');
    expect(list.kind).toBe('seq');
    if (list.kind === 'seq') expect(list.items.map((i) => (i as YScalar).style)).toEqual(['plain', 'single']);
  });

  it('resolves ordinary aliases to the anchored node', () => {
    const text = 'record:\n  a: &r\n    read: "user.id == 1"\n  b: *r\n  c: *r\n';
    const { root, diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(at(root, 'record', 'b')).toBe(at(root, 'record', 'a'));
    const s = at(root, 'record', 'c', 'read') as YScalar;
    expect(underline(text, s, 0, 4)).toBe('user');
  });

  it('loads the upstream JSON and YAML files without diagnostics', () => {
    for (const f of ['permissions-complex.json', 'permissions-default.yml']) {
      const text = readFileSync(`${CORPUS}/${f}`, 'utf8');
      const { root, diagnostics } = loadYaml(text, f);
      expect(diagnostics).toEqual([]);
      expect(root?.kind).toBe('map');
    }
    const json = readFileSync(`${CORPUS}/permissions-complex.json`, 'utf8');
    const s = at(loadYaml(json, 'c.json').root, 'presence', '*', 'allow') as YScalar;
    expect(s.value).toBe("user.id === 'B'");
    expect(underline(json, s, 8, 11)).toBe('===');
  });
});

describe('errors', () => {
  it('reports a duplicate key at the second key', () => {
    const text = 'record:\n  "*":\n    read: true\n    read: false\n';
    const [d, ...rest] = loadYaml(text, 'p.yml').diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'VLV0002', file: 'p.yml', start: { line: 4, column: 5 }, end: { line: 4, column: 9 } });
    expect(d.message).toContain('`read`');
  });

  it('rejects billion laughs quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const t0 = performance.now();
    const { root, diagnostics } = loadYaml(levels.join('\n'), 'p.yml');
    expect(performance.now() - t0).toBeLessThan(500);
    expect(root).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['VLV0003']);
  });

  it('rejects an alias inside its own anchor and an alias without an anchor', () => {
    expect(codes('a: &x [*x]\n')).toEqual(['VLV0003']);
    const [d] = loadYaml('a: *nope\n', 'p.yml').diagnostics;
    expect(d).toMatchObject({ code: 'VLV0001', start: { line: 1, column: 4 } });
  });

  it('rejects custom tags but allows core ones', () => {
    const text = 'a: !foo x\nb: !!binary aGk=\nc: ! y\nd: !!set {x}\ne: !!str 12\nf: !!int "3"\ng: !!map {}\n';
    const ds = loadYaml(text, 'p.yml').diagnostics;
    expect(ds.map((d) => [d.code, d.start.line, d.start.column, d.end.column])).toEqual([
      ['VLV0004', 1, 4, 8],
      ['VLV0004', 2, 4, 12],
      ['VLV0004', 3, 4, 5],
      ['VLV0004', 4, 4, 9],
    ]);
    expect(ds[1].message).toContain('!!binary');
  });

  it('reports syntax errors with positions', () => {
    const ds = loadYaml('a: b: c\nd: "open\n', 'p.yml').diagnostics;
    expect(ds.length).toBeGreaterThanOrEqual(2);
    expect(ds.every((d) => d.code === 'VLV0001')).toBe(true);
    expect(ds[0]).toMatchObject({ start: { line: 1, column: 4 } });
    expect(ds[0].message).not.toContain('\n');
    expect(ds.some((d) => d.start.line === 2 || d.start.line === 3)).toBe(true);
    const [tab] = loadYaml('a:\n\tb: 1\n', 'p.yml').diagnostics;
    expect(tab).toMatchObject({ code: 'VLV0001', start: { line: 2, column: 1 } });
  });

  it('reports an empty file at offset 0', () => {
    for (const text of ['', '# just a comment\n\n', '---\n', '   \n']) {
      const ds = loadYaml(text, 'p.yml').diagnostics;
      expect(ds.map((d) => [d.code, d.start.offset])).toEqual([['VLV0005', 0]]);
    }
  });

  it('reports more than one document at the second one', () => {
    const [d, ...rest] = loadYaml('a: 1\n---\nb: 2\n---\nc: 3\n', 'p.yml').diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'VLV0006', start: { line: 2, column: 1 }, end: { line: 2, column: 4 } });
    expect(d.message).toContain('3 documents');
  });

  it('never throws', { timeout: 30_000 }, () => {
    for (const text of ['['.repeat(50000), '{a: '.repeat(20000), '- '.repeat(20000) + 'x', '"\\', "'", '|', '>9\n x', '? [a]\n: b\n', '&a *a']) {
      expect(() => loadYaml(text, 'p.yml')).not.toThrow();
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...' \t\n\r:-?[]{},#&*!|>\'"%@`\\abx1'.split('')), maxLength: 40 }), (text) => {
        const r = loadYaml(text, 'p.yml');
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: every style maps rule characters back to their source', () => {
  const RULE_CHARS = [...'abcxyzXYZ019 _\'"\\${}/.()&|=!<>?:#,[]-'];
  const ruleString = fc.string({ unit: fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...RULE_CHARS) }, { weight: 1, arbitrary: fc.constantFrom('\t', 'é') }), maxLength: 60 });
  const TYPES = [Scalar.PLAIN, Scalar.QUOTE_SINGLE, Scalar.QUOTE_DOUBLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED, 'JSON'] as const;
  const NUM_RUNS = Number(process.env.VALVE_YAML_RUNS ?? 3000);

  /** True if `src` is the source of `ch`: itself, a `''` quote, or an escape decoding to it. */
  const produces = (src: string, ch: string): boolean =>
    src === ch || (src === "''" && ch === "'") || (src.startsWith('\\') && parse(`"${src}"`) === ch) || (/^\s$/.test(ch) && /^\r?\n$/.test(src));

  it('round-trips and maps each character', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(ruleString, fc.constantFrom(...TYPES), fc.constantFrom(12, 20, 40, 80), fc.constantFrom(2, 4), (rule, type, lineWidth, indent) => {
        const data = { record: { '*': { read: rule } } };
        let text: string;
        if (type === 'JSON') text = JSON.stringify(data, null, indent === 2 ? '\t' : '    ');
        else {
          const doc = new Document(data);
          (doc.getIn(['record', '*', 'read'], true) as Scalar).type = type;
          text = doc.toString({ lineWidth, minContentWidth: 0, indent });
        }
        // yaml's stringify has quirks at tiny widths (a wrong block indentation indicator, an
        // extra first line, an escaped closing quote): skip samples yaml itself can not read back
        const ref = parseDocument(text);
        fc.pre(ref.errors.length === 0 && (ref.toJS() as { record: Record<string, { read: unknown }> }).record['*'].read === rule);
        const { root, diagnostics } = loadYaml(text, 'p.yml');
        expect(diagnostics).toEqual([]);
        const s = at(root, 'record', '*', 'read') as YScalar;
        expect(s.value).toBe(rule);
        const value = s.value as string;
        for (let i = 0; i < value.length; i++) {
          const f = s.toFileSpan!({ start: i, end: i + 1 });
          expect(f.start).toBeGreaterThanOrEqual(s.span.start);
          expect(f.end).toBeLessThanOrEqual(s.span.end);
          const src = text.slice(f.start, f.end);
          if (!produces(src, value[i])) throw new Error(`char ${i} ${JSON.stringify(value[i])} maps to ${JSON.stringify(src)} in ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
