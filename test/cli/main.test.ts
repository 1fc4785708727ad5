/**
 * The real CLI (cli/main.ts from source): help texts with examples, the wiring and exit codes of
 * check/test/eval/compile, and `valve compile -o OUT.mjs` loaded with createEngine deciding like
 * compile(). All invocations run in ONE child process (test/cli/harness.ts imports main.ts once
 * per argument list), since each CLI start costs about two seconds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, createEngine, type CompiledModuleExports, type Decision, type RulesModule } from '../../index.js';
import { parseTestFile, recordLoader, testRequest, type TestSuite } from '../../tooling/test-file.js';
import { runBatch, type Run } from './batch.js';
import { ROOT } from './golden.js';

const out = join(mkdtempSync(join(tmpdir(), 'valve-main-')), 'permissions.rules.mjs');

const RUNS = {
  help: ['--help'],
  helpCheck: ['check', '--help'],
  helpCompile: ['compile', '--help'],
  helpExplain: ['explain', '--help'],
  helpTest: ['help', 'test'],
  helpEval: ['eval', '--help'],
  checkSarif: ['check', '--format', 'sarif', 'test/cli/golden/check/bad.yml'],
  checkGithub: ['check', '--format', 'github', 'test/cli/golden/check/warn.yml'],
  checkBadFormat: ['check', '--format', 'xml', 'test/cli/golden/check/warn.yml'],
  checkMissing: ['check', 'test/cli/fixtures/nope.yml'],
  testExample: ['test', 'examples/permissions.test.yml', '--coverage', '--coverage-threshold', '100'],
  testFail: ['test', 'test/cli/fixtures/fail.test.yml'],
  testInvalid: ['test', 'test/cli/fixtures/invalid.test.yml'],
  testMissing: ['test', 'test/cli/fixtures/nope.test.yml'],
  testBadThreshold: ['test', '--coverage-threshold', 'lots', 'test/cli/fixtures/pass.test.yml'],
  evalJson: ['eval', '--permissions', 'test/cli/fixtures/rules.yml', '--request', '{"record":"profile/alice","action":"read"}'],
  evalExplain: ['eval', '--permissions', 'test/cli/fixtures/rules.yml', '--request', '@test/cli/fixtures/request.json', '--records', '@test/cli/fixtures/records.json', '--explain'],
  evalNoRequest: ['eval', '--permissions', 'test/cli/fixtures/rules.yml'],
  evalBadRequest: ['eval', '--permissions', 'test/cli/fixtures/rules.yml', '--request', '{"action":"read"}'],
  compile: ['compile', 'examples/permissions.yml', '-o', out],
} as const;

let runs: Record<keyof typeof RUNS, Run>;

beforeAll(() => {
  runs = runBatch(RUNS);
}, 60_000);

const noStack = (s: string): void => expect(s).not.toMatch(/\n\s+at /);

describe('valve --help', () => {
  it('lists every command and examples', () => {
    const r = runs.help;
    expect(r.code).toBe(0);
    for (const c of ['check', 'compile', 'explain', 'test', 'eval']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Examples:');
    for (const c of ['check', 'test', 'eval', 'compile', 'explain']) expect(r.stdout).toMatch(new RegExp(`^  \\$ valve ${c} `, 'm'));
  });

  it.each([
    ['helpCheck', 'check', ['--format <format>', 'sarif', 'github', '--max-warnings', '--deny-warnings']],
    ['helpCompile', 'compile', ['-o, --out <file>']],
    ['helpExplain', 'explain', ['[code]']],
    ['helpTest', 'test', ['--coverage', '--coverage-threshold <pct>', '--format <format>']],
    ['helpEval', 'eval', ['--permissions <file>', '--request <json>', '--records <json>', '--explain']],
  ] as const)('%s: options and examples of `valve %s`', (key, command, options) => {
    const r = runs[key];
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: valve ${command} `));
    for (const o of options) expect(r.stdout).toContain(o);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(new RegExp(`^  \\$ valve ${command}( |$)`, 'm'));
  });
});

describe('exit codes through the real CLI', () => {
  it('check: sarif and github formats; a bad format or a missing file is a usage error (2, one line)', () => {
    expect(runs.checkSarif.code).toBe(1);
    expect(JSON.parse(runs.checkSarif.stdout)).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'valve' } } }] });
    expect(runs.checkGithub.code).toBe(0);
    expect(runs.checkGithub.stdout).toMatch(/^::warning file=test\/cli\/golden\/check\/warn\.yml,line=4,col=20,endLine=4,endColumn=22,title=VLV0402::/);
    expect(runs.checkBadFormat.code).toBe(2);
    expect(runs.checkBadFormat.stderr).toContain("argument 'xml' is invalid. Allowed choices are text, json, sarif, github.");
    expect(runs.checkMissing.code).toBe(2);
    expect(runs.checkMissing.stderr).toBe('valve: cannot read test/cli/fixtures/nope.yml: no such file\n');
  });

  it('test: 0 with full coverage of the example, 1 on a failure, 2 on an invalid or missing file or a bad option', () => {
    expect(runs.testExample.stderr).toBe('');
    expect(runs.testExample.code).toBe(0);
    expect(runs.testExample.stdout).toContain('meets the threshold of 100%');
    expect(runs.testExample.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(runs.testFail.code).toBe(1);
    expect(runs.testFail.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 3 failed');
    expect(runs.testInvalid.code).toBe(2);
    expect(runs.testInvalid.stderr).toMatch(/^test\/cli\/fixtures\/invalid\.test\.yml:2:1: error: /);
    expect(runs.testMissing.code).toBe(2);
    expect(runs.testMissing.stderr).toBe('valve: cannot read test/cli/fixtures/nope.test.yml: no such file\n');
    expect(runs.testBadThreshold.code).toBe(2);
    expect(runs.testBadThreshold.stderr).toContain('expected a percentage from 0 to 100');
    for (const r of Object.values(runs)) noStack(r.stderr);
  });

  it('eval: the decision as JSON, --explain as text; a missing option or a bad request is exit 2', () => {
    expect(runs.evalJson.code).toBe(0);
    expect(JSON.parse(runs.evalJson.stdout)).toMatchObject({ allowed: true, pattern: 'profile/$owner' });
    expect(runs.evalExplain.code).toBe(0);
    expect(runs.evalExplain.stdout).toMatch(/^deny record write "profile\/alice"\n {2}pattern {3}"profile\/\$owner" write at test\/cli\/fixtures\/rules\.yml:8:12\n/);
    expect(runs.evalExplain.stdout).toContain('data.owner === oldData.owner  not evaluated (short-circuited)');
    expect(runs.evalNoRequest.code).toBe(2);
    expect(runs.evalNoRequest.stderr).toContain("required option '--request <json>' not specified");
    expect(runs.evalBadRequest.code).toBe(2);
    expect(runs.evalBadRequest.stderr.split('\n')[0]).toBe('--request:1:1: error: a request needs one of `record`, `event`, `rpc`, `presence`, giving the name it requests');
  });
});

describe('valve compile -o OUT.mjs', () => {
  it('writes a module that createEngine loads (no eval) and that decides like compile()', async () => {
    expect(runs.compile.code).toBe(0);
    expect(runs.compile.stderr).toMatch(/^wrote .*permissions\.rules\.mjs: \d+ patterns, \d+ rules, from examples\/permissions\.yml\n$/);
    const rules = (await import(pathToFileURL(out).href)) as CompiledModuleExports;
    const text = readFileSync(join(ROOT, 'examples/permissions.yml'), 'utf8');
    const reference = compile(text, { file: 'examples/permissions.yml' }).module as RulesModule;
    expect(reference).toBeDefined();
    // Every request of the example test file, against both.
    const { suite } = parseTestFile(readFileSync(join(ROOT, 'examples/permissions.test.yml'), 'utf8'), 'examples/permissions.test.yml');
    const { tests, records } = suite as TestSuite;
    const engine = createEngine({ rules, loadRecord: recordLoader(records) });
    expect(tests.length).toBeGreaterThan(100);
    const pick = (d: Decision) => ({ allowed: d.allowed, section: d.section, action: d.action, pattern: d.pattern, variables: d.variables, reason: d.reason, error: d.error, rounds: d.rounds, at: d.location?.replace(/^.*:(\d+:\d+)$/, '$1') });
    for (const t of tests) {
      const request = testRequest(t, records);
      const fromFile = await engine.check(request);
      const fromText = await reference.check(request, { loadRecord: recordLoader(records) });
      expect(pick(fromFile), t.name).toEqual(pick(fromText));
      expect(fromFile.allowed ? 'allow' : 'deny', t.name).toBe(t.expect);
    }
  });
});
