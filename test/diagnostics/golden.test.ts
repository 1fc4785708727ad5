/**
 * Golden diagnostics: every file in cases/ is compiled and its diagnostics, rendered by
 * format.ts, must equal NAME.expected beside it.
 *
 * Golden files are reviewed, never silently rewritten. A missing .expected file is written
 * from the current output (the test passes and logs that it created it, so a person reads it
 * before committing); an existing one is only compared. To change an expectation, edit or
 * delete the .expected file by hand. Cases whose output is known to be wrong live in
 * pending/, which this runner ignores. Cases named `env-*` compile with CASE_ENV as `env`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES, compile, type Diagnostic } from '../../index.js';
import { formatDiagnostics } from './format.js';

const CASES = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const SOURCE = /\.(ya?ml|json)$/;

const caseFiles = readdirSync(CASES)
  .filter((f) => SOURCE.test(f))
  .sort();

/** Load-time codes (00xx-04xx); 09xx are reasons attached to decisions, not compile() output. */
const IN_RANGE = CODES.filter((c) => c >= 'VLV0001' && c <= 'VLV0402');

/** Codes in range that compile() can not produce from a file, each with the reason. None today. */
const NOT_PRODUCIBLE = new Map<string, string>([]);

/** 1-based line and UTF-16 column of an offset, counting \r\n, \n and \r as line breaks. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Cases named `env-*` compile with substitution on (the `env` option), from these values only. */
const CASE_ENV = { TENANT: 'acme', EMPTY: '' };

const byPosition = (a: Diagnostic, b: Diagnostic): number => a.start.offset - b.start.offset || a.end.offset - b.end.offset;

describe('golden diagnostics', () => {
  it('has cases', () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of caseFiles) {
    it(file, () => {
      const source = readFileSync(join(CASES, file), 'utf8');
      const { diagnostics, module } = compile(source, file.startsWith('env-') ? { file, env: CASE_ENV } : { file });
      const actual = formatDiagnostics(source, diagnostics);
      const expectedPath = join(CASES, file.replace(SOURCE, '.expected'));

      // Invariants every case must hold, whatever its golden file says.
      if (file.includes('crlf')) expect(source, 'a CRLF case must keep its CRLF line ends').toContain('\r\n');
      expect(diagnostics.length, 'a case is a bad file: it must produce diagnostics').toBeGreaterThan(0);
      for (const d of diagnostics) {
        expect(d.file).toBe(file);
        expect(d.start.offset).toBeLessThanOrEqual(d.end.offset);
        expect(d.end.offset).toBeLessThanOrEqual(source.length);
        expect(d.message.trim()).not.toBe('');
        expect({ line: d.start.line, column: d.start.column }).toEqual(lineColumn(source, d.start.offset));
        expect({ line: d.end.line, column: d.end.column }).toEqual(lineColumn(source, d.end.offset));
      }
      expect([...diagnostics].sort(byPosition), 'diagnostics are sorted by position').toEqual(diagnostics);
      if (diagnostics.some((d) => d.severity === 'error')) expect(module).toBeUndefined();
      else expect(module).toBeDefined();

      if (!existsSync(expectedPath)) {
        writeFileSync(expectedPath, actual);
        console.log(`golden: created ${expectedPath}; review it before committing`);
        return;
      }
      expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }

  it('has no golden file without its case (a case moved to pending/ takes its .expected away)', () => {
    const orphans = readdirSync(CASES)
      .filter((f) => f.endsWith('.expected'))
      .filter((f) => !caseFiles.some((c) => c.replace(SOURCE, '.expected') === f));
    expect(orphans).toEqual([]);
  });

  it('covers every code from VLV0001 to VLV0402', () => {
    const seen = new Set<string>();
    for (const file of readdirSync(CASES).filter((f) => f.endsWith('.expected'))) {
      for (const m of readFileSync(join(CASES, file), 'utf8').matchAll(/^\S+ (?:error|warning|info) (VLV\d{4}) /gm)) seen.add(m[1]);
    }
    const missing = IN_RANGE.filter((c) => !seen.has(c) && !NOT_PRODUCIBLE.has(c));
    expect(missing).toEqual([]);
  });
});
