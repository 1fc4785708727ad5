/**
 * `valve check --format text|json|sarif|github`: golden output for each format, the SARIF log
 * validated against the SARIF 2.1.0 JSON schema, and the exit code of each case. The command
 * runs in-process (runCheck with a buffer); main.test.ts covers the same through the real CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runCheck, type CheckCommandOptions } from '../../cli/commands/check.js';
import { escapeData, escapeProperty, formatGithub } from '../../cli/formats/github.js';
import { bufferOutput } from '../../cli/formats/output.js';
import { relativePath, relativeUri } from '../../cli/formats/paths.js';
import { sarifLog } from '../../cli/formats/sarif.js';
import { compileProgram } from '../../compiler/index.js';
import { CODES, MESSAGES } from '../../grammar/messages.js';
import { expectGolden, FIXTURES, rel, ROOT, stable } from './golden.js';

const BAD = rel('test/cli/golden/check/bad.yml');
const WARN = rel('test/cli/golden/check/warn.yml');
const GOOD = rel('test/cli/fixtures/rules.yml');

function check(files: string[], options: Partial<CheckCommandOptions> = {}): { code: number; stdout: string; stderr: string } {
  const io = bufferOutput(ROOT);
  const code = runCheck(files, { format: 'text', ...options }, io);
  return { code, stdout: stable(io.stdout), stderr: io.stderr };
}

/** The SARIF 2.1.0 schema (draft-04), vendored from npm (see fixtures/README.md). */
const validateSarif = (() => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8')) as object;
  // The schema's `language` pattern has a stray `]`, invalid as a unicode RegExp: compile without the u flag.
  // CommonJS modules whose `default` is the export itself: take it either way.
  const Ajv = (AjvDraft04 as unknown as { default?: typeof AjvDraft04.default }).default ?? (AjvDraft04 as unknown as typeof AjvDraft04.default);
  const addFormats = (ajvFormats as unknown as { default?: typeof ajvFormats.default }).default ?? (ajvFormats as unknown as typeof ajvFormats.default);
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
})();

describe('valve check output formats (golden)', () => {
  it('text: FILE:LINE:COL: severity CODE: message, excerpt, caret, hint, summary; exit 1 on errors', () => {
    const r = check([BAD, WARN]);
    expect(r.code).toBe(1);
    expectGolden('check.txt', r.stdout);
  });

  it('json: an array of diagnostics with positions; exit 1', () => {
    const r = check([BAD, WARN], { format: 'json' });
    expect(r.code).toBe(1);
    expectGolden('check.json', r.stdout);
    const list = JSON.parse(r.stdout) as { file: string; code: string; severity: string; startLine: number }[];
    expect(list).toHaveLength(8);
    expect(list[0]).toMatchObject({ file: 'test/cli/golden/check/bad.yml', code: 'VLV0301', severity: 'error', startLine: 4, startColumn: 12, endLine: 4, endColumn: 15, hint: 'did you mean `user`?' });
  });

  it('sarif: a SARIF 2.1.0 log that validates against the schema; exit 1', () => {
    const r = check([BAD, WARN], { format: 'sarif' });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; shortDescription: { text: string } }[] } };
        results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[];
      }[];
    };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'valve', informationUri: expect.stringMatching(/^https:\/\//) });
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    // rules: the whole catalogue, each with its one-line summary
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(CODES);
    expect(run.tool.driver.rules.every((x) => x.shortDescription.text === MESSAGES[x.id as keyof typeof MESSAGES].summary)).toBe(true);
    expect(run.results).toHaveLength(8);
    const first = run.results[0];
    expect(first).toMatchObject({ ruleId: 'VLV0301', level: 'error', message: { text: expect.stringContaining('`usr` is not available') } });
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe('VLV0301');
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe('test/cli/golden/check/bad.yml');
    expect(first.locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 12, endLine: 4, endColumn: 15 });
    expect(run.results.map((x) => x.level)).toEqual(['error', 'warning', 'warning', 'error', 'error', 'error', 'error', 'warning']);
    // Golden output without what changes on its own: the package version, and the catalogue (checked above).
    const pinned = structuredClone(log) as unknown as { runs: { tool: { driver: Record<string, unknown> } }[] };
    pinned.runs[0].tool.driver.version = 'x.y.z';
    pinned.runs[0].tool.driver.rules = ['one rule per code of the diagnostic catalogue'];
    for (const result of (pinned.runs[0] as unknown as { results: { ruleIndex?: number }[] }).results) delete result.ruleIndex;
    expect(run.results.every((x) => run.tool.driver.rules[x.ruleIndex].id === x.ruleId)).toBe(true);
    expectGolden('check.sarif.json', `${JSON.stringify(pinned, null, 2)}\n`);
  });

  it('sarif: a clean run is a valid log with no results; exit 0', () => {
    const r = check([GOOD], { format: 'sarif' });
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });

  it('sarif: the schema rejects a log that breaks it (the validator is live)', () => {
    const { diagnostics } = compileProgram('record: 1\n', { file: 'x.yml' });
    const log = sarifLog(diagnostics, { cwd: ROOT }) as { runs: { results: { level: string }[] }[] };
    expect(validateSarif(log)).toBe(true);
    log.runs[0].results[0].level = 'fatal';
    expect(validateSarif(log)).toBe(false);
  });

  it('github: ::error/::warning workflow commands with file, line, col, endLine, endColumn and title; exit 1', () => {
    const r = check([BAD, WARN], { format: 'github' });
    expect(r.code).toBe(1);
    expectGolden('check.github.txt', r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::error file=test/cli/golden/check/bad.yml,line=4,col=12,endLine=4,endColumn=15,title=VLV0301::`usr` is not available in a rule; available here: user, oldData, now, name, action, _()%0Ahint: did you mean `user`?',
    );
    expect(lines[1]).toMatch(/^::warning file=test\/cli\/golden\/check\/bad\.yml,line=5,col=21,endLine=5,endColumn=23,title=VLV0402::/);
    expect(lines.at(-1)).toBe('5 errors, 3 warnings in 2 files');
  });
});

describe('valve check exit codes', () => {
  it('0 for a clean file in every format', () => {
    for (const format of ['text', 'json', 'sarif', 'github'] as const) expect(check([GOOD], { format }).code, format).toBe(0);
    expect(check([GOOD]).stdout).toBe('0 errors, 0 warnings in 1 file\n');
    expect(check([GOOD], { format: 'github' }).stdout).toBe('0 errors, 0 warnings in 1 file\n');
    expect(check([GOOD], { format: 'json' }).stdout).toBe('[]\n');
  });

  it('warnings: 0, unless --deny-warnings or more than --max-warnings', () => {
    expect(check([WARN]).code).toBe(0);
    expect(check([WARN], { format: 'sarif' }).code).toBe(0);
    expect(check([WARN], { denyWarnings: true }).code).toBe(1);
    expect(check([WARN], { format: 'github', denyWarnings: true }).code).toBe(1);
    expect(check([WARN], { maxWarnings: 1 }).code).toBe(0);
    expect(check([WARN], { maxWarnings: 0 }).code).toBe(1);
  });

  it('2 for a file that is not YAML, in every format (the diagnostic is still reported)', () => {
    const notYaml = rel('test/cli/fixtures/bad-yaml.test.yml');
    for (const format of ['text', 'json', 'sarif', 'github'] as const) {
      const r = check([notYaml], { format });
      expect(r.code, format).toBe(2);
      expect(r.stdout, format).toContain('VLV0001');
    }
  });

  it('a missing file is a usage error (exit 2 through main, see main.test.ts)', () => {
    expect(() => check([rel('test/cli/fixtures/nope.yml')])).toThrow(/cannot read .*nope\.yml: no such file/);
  });
});

describe('format helpers', () => {
  it('escape workflow command data and properties as GitHub’s toolkit does', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const [d] = compileProgram('record: 1\n', { file: 'dir, with: odd%/p.yml' }).diagnostics;
    expect(formatGithub(d, ROOT)).toMatch(/^::error file=dir%2C with%3A odd%25\/p\.yml,line=1,col=\d+,endLine=\d+,endColumn=\d+,title=VLV0\d+::/);
  });

  it('relative paths and URIs use forward slashes and percent-encoding', () => {
    expect(relativePath(join(ROOT, 'a', 'b.yml'), ROOT)).toBe('a/b.yml');
    expect(relativePath('a/b.yml', ROOT)).toBe('a/b.yml');
    expect(relativeUri(join(ROOT, 'my rules', 'p#1.yml'), ROOT)).toBe('my%20rules/p%231.yml');
  });

  it('an info diagnostic is a SARIF note and a GitHub notice', () => {
    const d = { code: 'VLV0902' as const, severity: 'info' as const, message: 'm', file: 'f.yml', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
    expect(formatGithub(d, ROOT)).toBe('::notice file=f.yml,line=1,col=1,endLine=1,endColumn=1,title=VLV0902::m');
    const log = sarifLog([d], { cwd: ROOT }) as { runs: { results: { level: string; locations: { physicalLocation: { region: Record<string, number> } }[] }[] }[] };
    expect(log.runs[0].results[0].level).toBe('note');
    // an empty span still marks one character
    expect(log.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 });
    expect(validateSarif(log)).toBe(true);
  });
});
