/**
 * `valve eval`: the decision as JSON; with --explain the pattern, rule, `$variables` and every
 * sub-expression's value (short-circuited ones marked); invalid input exits 2 with line:col.
 * In-process (runEval with a buffer); main.test.ts runs it through the real CLI too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval, type EvalOptions } from '../../cli/commands/eval.js';
import { bufferOutput } from '../../cli/formats/output.js';
import type { ExplainStep } from '../../tooling/explain.js';
import { parseRequest } from '../../tooling/test-file.js';
import { expectGolden, rel, ROOT, stable } from './golden.js';

const RULES = rel('test/cli/fixtures/rules.yml');
const EXAMPLE = rel('examples/permissions.yml');

async function valveEval(options: Omit<EvalOptions, 'permissions'> & { permissions?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferOutput(ROOT);
  const code = await runEval({ permissions: RULES, ...options }, io);
  return { code, stdout: stable(io.stdout), stderr: stable(io.stderr) };
}

describe('valve eval', () => {
  it('prints the decision as JSON (allowed first); exit 0 for allow and for deny', async () => {
    const allow = await valveEval({ request: '{"record":"profile/alice","action":"write","user":{"id":"alice"},"data":{"owner":"alice"}}' });
    expect(allow.code).toBe(0);
    expect(JSON.parse(allow.stdout)).toEqual({
      allowed: true,
      section: 'record',
      action: 'write',
      name: 'profile/alice',
      pattern: 'profile/$owner',
      location: 'test/cli/fixtures/rules.yml:8:12',
      variables: { $owner: 'alice' },
      reason: { code: 'VLV0906', message: 'the rule yielded true' },
      rounds: 1,
    });
    expect(allow.stdout.startsWith('{\n  "allowed": true,')).toBe(true);

    const deny = await valveEval({ request: '{"event":"news","action":"publish","data":{}}' });
    expect(deny.code).toBe(0);
    expect(JSON.parse(deny.stdout)).toMatchObject({ allowed: false, pattern: '*', reason: { message: 'the rule yielded false' } });
  });

  it('reads @files, and records for oldData and _()', async () => {
    const r = await valveEval({ request: `@${rel('test/cli/fixtures/request.json')}`, records: `@${rel('test/cli/fixtures/records.json')}` });
    expect(r.code).toBe(0);
    // bob may not take over alice's profile: the stored owner is alice
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: false, pattern: 'profile/$owner', variables: { $owner: 'alice' } });
    const noRecord = await valveEval({ request: `@${rel('test/cli/fixtures/request.json')}` });
    expect(JSON.parse(noRecord.stdout)).toMatchObject({ allowed: false });
  });

  it('a request\'s oldData is also the stored record _() reads; --records giving it another value exits 2 at its line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'valve-eval-'));
    try {
      const rules = join(dir, 'rules.yml');
      writeFileSync(rules, ['record:', '  "doc/$id":', '    read: "_(name) !== null && _(name).x === 1"', '  "*":', '    read: false', ...['event', 'rpc', 'presence'].map((s) => `${s}:\n  "*":\n    ${s === 'rpc' ? 'request' : s === 'presence' ? 'allow' : 'publish'}: false`)].join('\n') + '\n');
      const request = '{"record":"doc/1","action":"read","oldData":{"x":1}}';
      const own = await valveEval({ permissions: rules, request });
      expect(own.code).toBe(0);
      expect(JSON.parse(own.stdout)).toMatchObject({ allowed: true, pattern: 'doc/$id' });
      const same = await valveEval({ permissions: rules, request, records: '{"other": 1, "doc/1": {"x": 1}}' });
      expect(JSON.parse(same.stdout)).toMatchObject({ allowed: true });
      const fromRecords = await valveEval({ permissions: rules, request: '{"record":"doc/1","action":"read"}', records: '{"doc/1": {"x": 1}}' });
      expect(JSON.parse(fromRecords.stdout)).toMatchObject({ allowed: true });
      const twice = await valveEval({ permissions: rules, request, records: '{\n  "doc/1": {"x": 2}\n}' });
      expect(twice.code).toBe(2);
      expect(twice.stdout).toBe('');
      expect(twice.stderr).toContain('--records:2:3');
      expect(twice.stderr).toContain("`doc/1` differs from the request's `oldData`");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the library’s CheckRequest shape too (type + name)', async () => {
    const r = await valveEval({ request: '{"type":"presence","user":{"id":"alice"}}' });
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: true, section: 'presence', action: 'allow' });
    const n = await valveEval({ request: '{"type":"record","name":"misc/1","action":"read"}' });
    expect(JSON.parse(n.stdout)).toMatchObject({ allowed: false, name: 'misc/1', pattern: '*' });
  });

  it('--explain: pattern, rule, $variables, reason and the evaluation tree with short-circuited parts marked (golden)', async () => {
    const r = await valveEval({
      permissions: EXAMPLE,
      request: '{"record":"chat/dev","action":"delete","user":{"id":"erin"}}',
      records: '{"chat/dev":{"members":["erin"],"moderators":["erin"]},"user/erin":{"teamId":"ops"},"team/ops":{"admins":["carol"]}}',
      explain: true,
    });
    expect(r.code).toBe(0);
    expectGolden('eval-explain.txt', r.stdout);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('deny record delete "chat/dev"');
    expect(lines[1]).toBe('  pattern   "chat/$roomId" delete at examples/permissions.yml:97:13');
    expect(lines).toContain('  $roomId   "dev"');
    expect(lines).toContain('            oldData.moderators.includes(user.id)  = true');
    expect(lines).toContain("      $roomId !== 'general'  not evaluated (short-circuited)");
  });

  it('--explain on a constant rule and on a request no pattern matches', async () => {
    const constant = await valveEval({ request: '{"record":"profile/x","action":"read"}', explain: true });
    expect(constant.stdout).toBe('allow record read "profile/x"\n  pattern   "profile/$owner" read at test/cli/fixtures/rules.yml:7:11\n  rule      true\n  $owner    "x"\n  reason    the rule yielded true\n');
    const none = await valveEval({ request: '{"record":"x","action":"create"}', explain: true });
    expect(none.stdout).toBe('deny record create "x"\n  no rule: no `record` pattern defines `create` for `x`\n');
  });

  it('--explain --format json: the decision, the rule, the variables and every step', async () => {
    const r = await valveEval({ request: '{"record":"profile/alice","action":"write","user":{"id":"bob"},"data":{"owner":"bob"}}', explain: true, format: 'json' });
    const out = JSON.parse(r.stdout) as { decision: { allowed: boolean }; rule: { pattern: string; text: string; location: string }; variables: Record<string, string>; steps: ExplainStep[] };
    expect(out.decision.allowed).toBe(false);
    expect(out.rule).toEqual({ section: 'record', pattern: 'profile/$owner', action: 'write', location: 'test/cli/fixtures/rules.yml:8:12', text: 'user.id === $owner && (oldData === null || data.owner === oldData.owner)' });
    expect(out.variables).toEqual({ $owner: 'alice' });
    expect(out.steps.map((s) => [s.text, s.status, s.value ?? null])).toEqual([
      ['user.id === $owner && (oldData === null || data.owner === oldData.owner)', 'value', 'false'],
      ['user.id === $owner', 'value', 'false'],
      ['user.id', 'value', '"bob"'],
      ['user', 'value', '{"id":"bob","isAuthenticated":true,"data":null}'],
      ['$owner', 'value', '"alice"'],
      ['(oldData === null || data.owner === oldData.owner)', 'skipped', null],
      ['oldData === null', 'skipped', null],
      ['oldData', 'skipped', null],
      ['null', 'skipped', null],
      ['data.owner === oldData.owner', 'skipped', null],
      ['data.owner', 'skipped', null],
      ['data', 'skipped', null],
      ['oldData.owner', 'skipped', null],
      ['oldData', 'skipped', null],
    ]);
    expect(out.steps[0].start).toMatchObject({ line: 8, column: 13 });
  });

  it('an evaluation error denies and shows where it failed', async () => {
    const r = await valveEval({ request: '{"record":"profile/alice","action":"delete","user":{"id":"a","data":{}}}', explain: true });
    expect(r.stdout).toContain("user.data.role === 'admin'  = false");
    const e = await valveEval({ request: '{"record":"profile/alice","action":"write","user":{"id":"alice"},"patch":{"path":"a.__proto__","value":1}}' });
    expect(JSON.parse(e.stdout)).toMatchObject({ allowed: false, error: 'invalid patch path `a.__proto__`' });
  });

  it('invalid input: exit 2 with line:col of the problem in the request or records', async () => {
    const two = await valveEval({ request: '{"record":"a","event":"b","action":"read"}' });
    expect(two.code).toBe(2);
    expect(two.stderr.split('\n')[0]).toBe('--request:1:15: error: a request gives both `record` and `event`; it requests exactly one of `record`, `event`, `rpc`, `presence`');
    const json = await valveEval({ request: '{"record": "a", "action": ' });
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^--request:1:\d+: error: the file is not valid YAML/);
    const records = await valveEval({ request: '{"record":"a","action":"read"}', records: '[1]' });
    expect(records.code).toBe(2);
    expect(records.stderr.split('\n')[0]).toBe('--records:1:1: error: records must be an object mapping record names to their data, not a list');
    const rules = await valveEval({ permissions: rel('test/cli/fixtures/broken.yml'), request: '{"record":"a","action":"read"}' });
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain('test/cli/fixtures/broken.yml:3:12: error VLV0301');
    await expect(valveEval({ request: '@nope.json' })).rejects.toThrow(/cannot read nope\.json: no such file/);
  });

  it('parseRequest: name goes with type; type must be a section', () => {
    const msg = (t: string): string[] => parseRequest(t, 'r').errors.map((e) => `${e.start.line}:${e.start.column} ${e.message}`);
    expect(msg('{"record":"a","name":"b","action":"read"}')).toEqual(['1:15 `name` goes with `type`; with `record`, `event`, `rpc`, `presence` the name is that key\'s value']);
    expect(msg('{"type":"records","name":"b","action":"read"}')).toEqual(['1:9 `type` must be one of `record`, `event`, `rpc`, `presence`']);
    expect(msg('{"type":"record","action":"read"}')).toEqual(['1:1 a request of type `record` needs a `name`']);
  });
});
