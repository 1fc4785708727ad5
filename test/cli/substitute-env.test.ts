/**
 * `--substitute-env` on every command that loads rules (check, compile, eval, test): `${NAME}` in a
 * path pattern comes from the process environment; without the flag it is VLV0109 with a hint
 * naming the flag. Through the real CLI (argv and environment), all runs in one child process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch, type Run } from './batch.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const REST = 'record:\n  "*": { read: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n';
const RULES = write('tenant.yml', `event:
  "*": { publish: false }
  "\${TENANT}/*": { publish: true }
${REST}`);
const UNSET = write('unset.yml', `event:
  "*": { publish: false }
  "\${NOT_SET_ANYWHERE}/*": { publish: true }
${REST}`);
const TESTS = write('tenant.test.yml', `permissions: tenant.yml
tests:
  - name: the tenant's events are open
    event: acme/news
    action: publish
    expect: allow
  - name: another tenant's are not
    event: globex/news
    action: publish
    expect: deny
`);
const request = (name: string): string => JSON.stringify({ event: name, action: 'publish', data: {} });

const RUNS = {
  checkOff: ['check', RULES],
  checkOn: ['check', '--substitute-env', RULES],
  checkUnset: ['check', '--substitute-env', UNSET],
  compileOn: ['compile', '--substitute-env', RULES],
  evalTenant: ['eval', '--substitute-env', '--permissions', RULES, '--request', request('acme/news')],
  evalOther: ['eval', '--substitute-env', '--permissions', RULES, '--request', request('globex/news')],
  testOn: ['test', '--substitute-env', TESTS],
  testOff: ['test', TESTS],
} as const;

let runs: Record<keyof typeof RUNS, Run>;

beforeAll(() => {
  runs = runBatch(RUNS, { TENANT: 'acme', NOT_SET_ANYWHERE: undefined });
}, 60_000);

describe('--substitute-env', () => {
  it('check: off, `${TENANT}` is an error at its line:column whose hint names the flag', () => {
    expect(runs.checkOff.code).toBe(1);
    expect(runs.checkOff.stdout).toContain(`${RULES}:3:4: error VLV0109:`);
    expect(runs.checkOff.stdout).toContain('--substitute-env');
  });

  it('check: on, the pattern is complete and the file is clean', () => {
    expect(runs.checkOn.stdout).toContain('0 errors');
    expect(runs.checkOn.code).toBe(0);
  });

  it('check: on, an unset variable is VLV0117 naming it', () => {
    expect(runs.checkUnset.code).toBe(1);
    expect(runs.checkUnset.stdout).toMatch(new RegExp(`${UNSET.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:4: error VLV0117: environment variable \`NOT_SET_ANYWHERE\` is not set`));
  });

  it('compile: the module holds the substituted pattern', () => {
    expect(runs.compileOn.code).toBe(0);
    expect(runs.compileOn.stdout).toContain('acme/');
    expect(runs.compileOn.stdout).not.toContain('${TENANT}');
  });

  it('eval: the tenant is allowed, another name is not', () => {
    expect(runs.evalTenant.code).toBe(0);
    expect(JSON.parse(runs.evalTenant.stdout)).toMatchObject({ allowed: true, pattern: 'acme/*' });
    expect(JSON.parse(runs.evalOther.stdout)).toMatchObject({ allowed: false, pattern: '*' });
  });

  it('test: the suite passes with the flag; without it the rules file is refused (exit 2)', () => {
    expect(runs.testOn.stdout).toContain('2 passed, 0 failed');
    expect(runs.testOn.code).toBe(0);
    expect(runs.testOff.code).toBe(2);
    expect(runs.testOff.stdout + runs.testOff.stderr).toContain('has 1 error');
  });
});
