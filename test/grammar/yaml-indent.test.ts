/** A key indented to fit no mapping: reported at the key, and the rest of the file still read (issue 17). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadYaml, type YMap, type YNode } from '../../grammar/yaml.js';
import { repairIndentation } from '../../grammar/yaml-indent.js';

const entry = (n: YNode | undefined, key: string): { key: string; keySpan: { start: number; end: number }; value: YNode } | undefined =>
  n?.kind === 'map' ? (n as YMap).entries.find((e) => e.key === key) : undefined;

const OVER = ['record:', '  "users/$uid":', '    read: true', '      write: user.id === $uid', '    delete: false', 'event:', '  "*":', '    publish: true', ''];

describe('indentation mistakes', () => {
  for (const eol of ['\n', '\r\n']) {
    it(`reads an over-indented key as its siblings' neighbour, spans in the file as written (${JSON.stringify(eol)})`, () => {
      const text = OVER.join(eol);
      const { root, diagnostics } = loadYaml(text, 'p.yml');
      expect(diagnostics.map((d) => [d.code, d.start.line, d.start.column])).toEqual([['VLV0190', 4, 7]]);
      const users = entry(root, 'record')?.value;
      const keys = entry(users, 'users/$uid');
      expect(keys?.value.kind).toBe('map');
      const write = entry(keys?.value, 'write')!;
      expect(text.slice(write.keySpan.start, write.keySpan.end)).toBe('write');
      expect(text.slice(write.value.span.start, write.value.span.end)).toBe('user.id === $uid');
      expect(entry(keys?.value, 'delete')).toBeDefined();
      expect(entry(entry(entry(root, 'event')?.value, '*')?.value, 'publish')).toBeDefined();
    });
  }

  it('points an under-indented key at itself, not at the next line', () => {
    const text = 'record:\n  "*":\n    read: true\n   write: false\n    delete: false\n';
    const { diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'VLV0190', start: { line: 4, column: 4 }, end: { line: 4, column: 9 } });
    expect(diagnostics[0].hint).toContain('by 4 spaces');
  });

  it('leaves valid files alone', () => {
    const dir = join(import.meta.dirname, '..', '..', 'examples');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml'))) expect(repairIndentation(readFileSync(join(dir, f), 'utf8')), f).toBeUndefined();
    // a key with nothing after it, then a sibling: a null value, valid YAML
    expect(repairIndentation('a:\n  b:\n  c: 1\n')).toBeUndefined();
    // a plain rule continued on a deeper line
    expect(repairIndentation('a:\n  b: x ===\n    y\n')).toBeUndefined();
  });

  it('leaves what it does not read to yaml (lists, multi-line flow)', () => {
    expect(repairIndentation('a:\n  - b: 1\n      c: 2\n')).toBeUndefined();
    expect(repairIndentation('a: [1,\n  2]\n  b: 1\n')).toBeUndefined();
    expect(loadYaml('a:\n  - b: 1\n      c: 2\n', 'p.yml').diagnostics.every((d) => d.code === 'VLV0001')).toBe(true);
  });
});
