/**
 * Golden diagnostics of the type checker, the schema loader and the lints. NAME.yml is compiled
 * with NAME.schema.yml when that file exists; the result must equal NAME.expected. As in
 * test/diagnostics, a missing .expected file is written for review, an existing one only compared.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES, compile } from '../../index.js';
import { formatDiagnostic } from '../diagnostics/format.js';

const CASES = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const cases = readdirSync(CASES)
  .filter((f) => f.endsWith('.yml') && !f.endsWith('.schema.yml'))
  .sort();

describe('type, schema and lint diagnostics', () => {
  for (const file of cases) {
    it(file, () => {
      const source = readFileSync(join(CASES, file), 'utf8');
      const schemaFile = file.replace(/\.yml$/, '.schema.yml');
      const schemaText = existsSync(join(CASES, schemaFile)) ? readFileSync(join(CASES, schemaFile), 'utf8') : undefined;
      const { diagnostics } = compile(source, { file, ...(schemaText !== undefined ? { schema: { text: schemaText, file: schemaFile } } : {}) });
      const actual =
        diagnostics.map((d) => (d.file === schemaFile ? `in ${schemaFile}: ` : '') + formatDiagnostic(d.file === schemaFile ? schemaText! : source, d)).join('\n') + (diagnostics.length ? '\n' : '');
      const expectedPath = join(CASES, file.replace(/\.yml$/, '.expected'));
      if (!existsSync(expectedPath)) {
        writeFileSync(expectedPath, actual);
        console.log(`golden: created ${expectedPath}; review it before committing`);
        return;
      }
      expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }

  it('covers every type, schema and lint code', () => {
    const seen = new Set<string>();
    for (const f of readdirSync(CASES).filter((x) => x.endsWith('.expected'))) {
      for (const m of readFileSync(join(CASES, f), 'utf8').matchAll(/^(?:in \S+: )?\S+ (?:error|warning|info) (VLV\d{4}) /gm)) seen.add(m[1]);
    }
    const wanted = CODES.filter((c) => (c >= 'VLV0403' && c <= 'VLV0699') || c === 'VLV0401');
    expect(wanted.filter((c) => !seen.has(c))).toEqual([]);
  });
});
