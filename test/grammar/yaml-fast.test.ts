/**
 * grammar/yaml-fast.ts builds YNodes for simple files without `yaml`: every tree it builds must be
 * the one the full `yaml` path builds (spans, values, styles, the value → file mapping of every
 * string), and every file it declines must load exactly as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../bench/lib/rules.js';
import { cstTooDeep, parseYamlCst } from '../../grammar/yaml-depth.js';
import { scanYaml } from '../../grammar/yaml-fast.js';
import { loadYaml, type YNode } from '../../grammar/yaml.js';

/** A tree as plain data; each string scalar's mapping is sampled on every (start, end) pair. */
function plain(n: YNode | undefined, depth = 0): unknown {
  if (!n || depth > 40) return n === undefined ? undefined : '…';
  if (n.kind === 'map') return { span: n.span, entries: n.entries.map((e) => ({ key: e.key, keySpan: e.keySpan, value: plain(e.value, depth + 1) })) };
  if (n.kind === 'seq') return { span: n.span, items: n.items.map((i) => plain(i, depth + 1)) };
  const out: Record<string, unknown> = { span: n.span, value: n.value, style: n.style, mapped: 'toFileSpan' in n };
  if (n.toFileSpan && typeof n.value === 'string') {
    const len = n.value.length;
    const samples: unknown[] = [];
    const step = Math.max(1, Math.floor(len / 12));
    for (let a = 0; a <= len; a += step) for (let b = a; b <= len; b += step) samples.push(n.toFileSpan({ start: a, end: b }));
    for (const [a, b] of [[-3, 2], [len + 2, len + 9], [1.5, 2.7], [Number.NaN, 1], [2, 1]]) samples.push(n.toFileSpan({ start: a, end: b }));
    out.samples = samples;
  }
  return out;
}

const both = (text: string) => ({ now: loadYaml(text, 'f.yml'), full: loadYaml(text, 'f.yml', parseYamlCst(text, false)) });

function expectSameAsFull(text: string): void {
  const { now, full } = both(text);
  expect(now.diagnostics).toEqual(full.diagnostics);
  expect(plain(now.root)).toEqual(plain(full.root));
  for (const max of [1, 2, 3, 4, 128]) expect(cstTooDeep(parseYamlCst(text), max)).toEqual(cstTooDeep(parseYamlCst(text, false), max));
}

// Pieces of YAML, simple and not: the generated files mix them freely.
const word = fc.constantFrom('read', 'write', 'a', 'b b', 'a:b', 'a#b', 'x-y', '$var', 'ключ', '名前', '😀k', 'user/$id', '*', 'true', 'false', 'True', 'null', '~', '1', '0x1F', '1.5', '-a', '<<', '?q', '');
const plainKey = word;
const key = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('read', 'write', 'create', 'user/$id', '"*"', "'*'", 'ключ', '😀k', 'a b', '"a: b"', "'q''s'") },
  plainKey,
  word.map((w) => `"${w}"`),
  word.map((w) => `'${w}'`),
  fc.constantFrom('"a\\"b"', '"\\u00e9t\\xe9"', "'it''s'", '"*"', "'*'", '"a b" ', 'a ', '"x"y', '[a]', '{a: 1}', '&k a', '*k', '!!str k', '? k'),
);
const scalar = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('user.isAuthenticated', '"user.id === $a"', "'é ''q'''", 'true', 'False', "data.x # c", '"a # b"  # c', 'a:b', '😀 == x') },
  fc.constantFrom(
    'user.isAuthenticated',
    'user.id === $a && $b.startsWith(\'p-\')',
    'x y  ',
    'a #b',
    'a # comment',
    'a: b',
    'ends:',
    'true',
    'True',
    'FALSE',
    'false',
    'null',
    'Null',
    '~',
    '12',
    '-1 < x',
    '.5',
    '+3',
    'é + ü',
    '😀 === "😀"',
    'a, b',
    '{a: 1}',
    '[1, 2]',
    '!tag x',
    '!!str 3',
    '&anc x',
    '*anc',
    '%x',
    '@x',
    '`x`',
    '|',
    '>-',
  ),
  fc.constantFrom('user.id', "a === 'b'", 'a "q" b', 'x', '', 'é😀', 'it\'s', "it''s", 'a\\nb', 'tab\\tx', '\\u00e9', '\\"', ' lead', 'trail ', 'a # b').chain((s) =>
    fc.constantFrom(`"${s}"`, `'${s.replaceAll("'", "''")}'`, `'${s}'`, `"${s}" # c`, `'${s}'#c`, `"${s}"x`),
  ),
);

interface Gen {
  readonly lines: string[];
}

/** A mapping at `indent`: entries with scalar or nested values, comments and blank lines between. */
const mapping = (depth: number): fc.Arbitrary<(indent: number, gen: Gen) => void> =>
  fc
    .array(
      fc.tuple(
        key,
        depth > 0 ? fc.oneof({ weight: 3, arbitrary: scalar.map((s) => ({ s })) }, { weight: 1, arbitrary: mapping(depth - 1).map((m) => ({ m })) }) : scalar.map((s) => ({ s })),
        fc.constantFrom('', '', '', ' # trailing', '  #x'),
        fc.constantFrom('', '', '', '', '', '', '\n', '\n   \n', '\n# c', '\n  # c', '\n    # c', '\n      # c', '\n # c'),
        fc.constantFrom(2, 2, 4, 1, 3),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((entries) => (indent, gen) => {
      for (const [k, v, comment, after, step] of entries) {
        const pad = ' '.repeat(indent);
        if ('s' in v) gen.lines.push(`${pad}${k}: ${v.s}${comment}`);
        else {
          gen.lines.push(`${pad}${k}:${comment}`);
          v.m(indent + step, gen);
        }
        if (after) gen.lines.push(...after.slice(1).split('\n'));
      }
    });

const file = fc
  .tuple(mapping(3), fc.constantFrom('\n', '\n', '\n', '\n', '\n', '\r\n'), fc.constantFrom('', '', '', '', '', '', '\ufeff', '---\n', '# head\n\n', '%YAML 1.2\n---\n'), fc.constantFrom('\n', '\n', '\n', '', '\n\n', '\n...\n', '\n---\nb: 1\n'))
  .map(([m, eol, head, tail]) => {
    const gen: Gen = { lines: [] };
    m(0, gen);
    return head + gen.lines.join(eol) + tail;
  });

/** Only what the fast path is meant to take: it must take all of it. */
const simpleWord = fc.constantFrom('read', 'write', 'user/$id', 'chat/*', 'ключ', '😀', 'a b', 'true');
const simpleScalar = fc.constantFrom('user.isAuthenticated', "data.x === 'é'", '"user.id === $a"', "'a ''q'' b'", "'x'", 'true', 'False', '"a # b" # c', 'x # y');
const simpleFile = fc
  .array(fc.tuple(simpleWord, fc.uniqueArray(fc.tuple(simpleWord, simpleScalar), { minLength: 1, maxLength: 4, selector: ([k]) => k })), { minLength: 1, maxLength: 4 })
  .map((sections) => {
    const seen = new Set<string>();
    const lines: string[] = ['# permissions'];
    for (const [name, rules] of sections) {
      if (seen.has(name)) continue;
      seen.add(name);
      lines.push(`"${name}":`, '  # rules');
      for (const [k, v] of rules) lines.push(`  ${k}: ${v}`, '');
    }
    return `${lines.join('\n')}\n`;
  });

describe('yaml fast path', () => {
  it('builds the same tree and diagnostics as yaml on generated YAML (or leaves the file to yaml)', () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(file, (text) => {
        runs++;
        if (scanYaml(text)) fast++;
        expectSameAsFull(text);
      }),
      { numRuns: 2500 },
    );
    // the generator must reach the fast path often enough for the comparison to mean something
    expect(fast).toBeGreaterThan(runs / 20);
  });

  it('ends a mapping a comment joined where yaml does: at the first character of the line that closes it', () => {
    // fast-check found it (seed 667539630): yaml counts the closing line's indentation into the mapping.
    expectSameAsFull('"read":\n   read:\n    read:\n      read: user.isAuthenticated\n      # c\n   a : user.isAuthenticated\n');
    expectSameAsFull('a:\n  b:\n    c: true\n    # c\n\n  d: true\n');
  });

  it('takes every simple file, and builds yaml’s tree for it', () => {
    fc.assert(
      fc.property(simpleFile, (text) => {
        expect(scanYaml(text)).toBeDefined();
        expectSameAsFull(text);
      }),
      { numRuns: 500 },
    );
  });

  it('loads the benchmark’s 1,000-rule file without yaml, with the same tree', () => {
    const text = compileFile(1000);
    expect('fast' in parseYamlCst(text)).toBe(true);
    expectSameAsFull(text);
  });

  it('leaves files with any YAML feature it does not replay to yaml', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: [1]\n', 'a:\n  - b\n', '\ufeffa: b\n', 'a: b\r\n', 'a: "\\n"\n', 'a: 1\n', 'a:\nb: c\n', 'a: b\na: c\n', '---\na: b\n', 'a: !!str b\n', 'a: |\n  b\n', 'a: b\n  c\n']) {
      expect(scanYaml(text), JSON.stringify(text)).toBeUndefined();
      expectSameAsFull(text);
    }
  });
});
