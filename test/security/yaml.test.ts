/**
 * The rules file as an attack surface: YAML alias bombs ("billion laughs"), aliases that loop,
 * duplicate keys that would silently replace a rule, custom tags (js-yaml's `!!js/function`,
 * PyYAML's `!!python/object`), absurd nesting and binary junk. Each is refused with a diagnostic,
 * quickly, and such a file never reaches an engine.
 */
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { createEngine, RulesError } from '../../engine/create.js';

/** A valid file; its record "*" rule is `read: true` (replaced by the tests). */
const BASE = 'record:\n  "*":\n    read: true\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';
const permissionsFile = (rule: 'true' | 'false'): string => BASE.replace('read: true', `read: ${rule}`);

const codes = (text: string, file = 'permissions.yml'): string[] => [...new Set(compileProgram(text, { file }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];

const refusedByEngine = (text: string): void => {
  expect(() => createEngine({ rules: { text } })).toThrow(RulesError);
};

const LAUGHS = [
  'lol0: &a ["lol"]',
  ...Array.from({ length: 9 }, (_, i) => `lol${i + 1}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`),
];

describe('alias bombs', () => {
  it('a billion laughs is refused (VLV0003) without being expanded', () => {
    const text = `${LAUGHS.join('\n')}\n${permissionsFile('true')}`;
    const t = performance.now();
    expect(codes(text)).toEqual(['VLV0003']);
    expect(performance.now() - t).toBeLessThan(5000); // sanity: 9^9 nodes were never built
    refusedByEngine(text);
  });

  it('a bomb inside a rule set, and one hidden in a merge key, are refused', () => {
    const inRules = permissionsFile('true').replace('record:\n', `record:\n  "x/$id":\n    read: &r "user.id === $id"\n${LAUGHS.map((l) => `    # ${l}`).join('\n')}\n`);
    expect(codes(inRules)).toEqual([]); // comments are not aliases
    const merged = `base: &base {${Array.from({ length: 20 }, (_, i) => `k${i}: v`).join(', ')}}\nm1: &m1 [${Array(20).fill('*base').join(', ')}]\nm2: &m2 [${Array(20).fill('*m1').join(', ')}]\n${permissionsFile('true').replace('record:\n  "*":\n', 'record:\n  "*":\n    <<: *m2\n')}`;
    expect(codes(merged)).toContain('VLV0003');
  });

  it('an alias to an undefined anchor, and a self-referencing one, are diagnostics', () => {
    expect(codes(`${permissionsFile('true')}extra: *nothing\n`)).toContain('VLV0001');
    expect(codes(`a: &a [*a]\n${permissionsFile('true')}`).length).toBeGreaterThan(0);
  });

  it('a few aliases (reusing a rule) are fine', () => {
    const text = permissionsFile('true').replace('record:\n  "*":\n    read: true\n', 'record:\n  "*":\n    read: &owner "user.id === \'admin\'"\n    write: *owner\n    delete: *owner\n');
    expect(codes(text)).toEqual([]);
  });
});

describe('duplicate keys: a later key would silently replace a rule', () => {
  it.each([
    ['section', `${permissionsFile('true')}record:\n  "*":\n    read: true\n`],
    ['pattern', permissionsFile('true').replace('record:\n  "*":\n    read: true\n', 'record:\n  "*":\n    read: true\n  "*":\n    read: false\n')],
    ['action', permissionsFile('true').replace('    read: true\n', '    read: false\n    read: true\n')],
    ['quoted and plain spellings', permissionsFile('true').replace('    read: true\n', '    read: false\n    "read": true\n')],
  ])('twice the same %s: VLV0002', (_what, text) => {
    expect(codes(text)).toContain('VLV0002');
    refusedByEngine(text);
  });

  it('JSON files too', () => {
    const json = '{"record":{"*":{"read":true,"read":false}},"event":{"*":{"publish":true}},"rpc":{"*":{"request":true}},"presence":{"*":{"allow":true}}}';
    expect(codes(json, 'permissions.json')).toContain('VLV0002');
  });
});

describe('custom tags', () => {
  it.each([
    '!!js/function "function () { process.exit(1) }"',
    '!!js/regexp /x/',
    '!!js/undefined ""',
    '!!python/object/apply:os.system ["true"]',
    '!include other.yml',
    '!<tag:yaml.org,2002:js/function> "x"',
    '!!binary aGVsbG8=',
    '!!set {a, b}',
    '!!timestamp 2001-12-14',
  ])('`%s` as a rule is refused (VLV0004)', (tagged) => {
    const text = permissionsFile('true').replace('    read: true\n', `    read: ${tagged}\n`);
    expect(codes(text)).toContain('VLV0004');
    refusedByEngine(text);
  });

  it('a tag on a key, and a %TAG directive, are refused', () => {
    expect(codes(permissionsFile('true').replace('record:\n', '!!js/function record:\n'))).toContain('VLV0004');
    expect(codes(`%TAG !x! tag:evil.example,2024:\n---\n${permissionsFile('true').replace('    read: true\n', '    read: !x!run "x"\n')}`)).toContain('VLV0004');
  });

  it('core-schema tags are allowed', () => {
    expect(codes(permissionsFile('true').replace('    read: true\n', '    read: !!bool true\n    write: !!str "user.id === \'a\'"\n'))).toEqual([]);
  });
});

describe('absurd or broken files', () => {
  it.each([
    ['50,000 nested flow sequences', '['.repeat(50_000)],
    ['20,000 nested flow mappings', '{a: '.repeat(20_000)],
    ['20,000 nested block sequences', `${'- '.repeat(20_000)}x`],
    ['binary junk', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['a NUL byte', `record:\n  "*":\n    read: \u0000true\n`],
    ['an unclosed quote', 'record:\n  "*:\n    read: true\n'],
    ['two documents', `${permissionsFile('true')}---\n${permissionsFile('false')}`],
    ['an empty file', ''],
    ['a BOM only', '\ufeff'],
  ])('%s: diagnostics, no exception', (_what, text) => {
    const found = codes(text);
    expect(found.length).toBeGreaterThan(0);
    refusedByEngine(text);
  });
});

describe('deep nesting never reaches the recursive YAML composer (maxYamlDepth)', () => {
  // V8 can abort the whole process when yaml's composer runs out of stack (a regular expression
  // compiled there fails fatally): deeper and deeper files, one after the other, used to do it.
  it.each([
    ['flow sequences', (n: number) => '['.repeat(n)],
    ['flow mappings', (n: number) => '{a: '.repeat(n)],
    ['compact block sequences', (n: number) => `${'- '.repeat(n)}x`],
    ['complex keys', (n: number) => '? '.repeat(n)],
    ['indented mappings', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ])('%s: refused with VLV0702, file after file', (_what, make) => {
    for (const n of [65, 500, 1000, 1500, 2000, 3000, 5000]) {
      const text = make(n);
      if (text.length > 1024 * 1024) continue;
      expect(codes(text)).toEqual(['VLV0702']);
    }
  });

  it('a schema file is guarded the same way', () => {
    const { diagnostics } = compileProgram(BASE, { schema: { text: '['.repeat(3000), file: 'deep.schema.yml' } });
    expect(diagnostics.map((d) => `${d.file} ${d.code}`)).toContain('deep.schema.yml VLV0702');
  });

  it('the limit is an option; ordinary nesting is far below it', () => {
    expect(codes(BASE)).toEqual([]);
    expect(codes(`${BASE}x: [[[[1]]]]\n`)).toContain('VLV0102'); // an unknown section, not a nesting error
    const found = compileProgram(BASE, { limits: { maxYamlDepth: 1 } }).diagnostics;
    expect(found.map((d) => d.code)).toEqual(['VLV0702']);
    expect(found[0].message).toBe('mappings and lists nest more than 1 deep here (maxYamlDepth)');
  });
});
