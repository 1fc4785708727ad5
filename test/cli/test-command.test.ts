/**
 * `valve test`: the `*.test.yml` format (every problem with line:col), passing, failing and
 * invalid files with their exit codes, the `N passed, N failed` last line, coverage, the
 * threshold, and examples/permissions.test.yml at full rule coverage. In-process (runTest with a
 * buffer); main.test.ts runs a few of these through the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { runTest, type TestOptions } from '../../cli/commands/test.js';
import { bufferOutput } from '../../cli/formats/output.js';
import type { CoverageReport } from '../../tooling/coverage.js';
import { compile, type RulesModule } from '../../index.js';
import { parseTestFile, runTests, type TestSuite } from '../../tooling/test-file.js';
import { expectGolden, rel, ROOT, stable } from './golden.js';

const fixture = (name: string): string => rel('test/cli/fixtures', name);

async function valveTest(files: string[], options: Partial<TestOptions> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferOutput(ROOT);
  const code = await runTest(files, { format: 'text', ...options }, io);
  return { code, stdout: stable(io.stdout), stderr: stable(io.stderr) };
}

/** Problems of a test file text as `line:col message`. */
const problems = (text: string): string[] => parseTestFile(text, 't.test.yml').errors.map((e) => `${e.start.line}:${e.start.column} ${e.message}`);

const suite = (text: string): TestSuite => {
  const r = parseTestFile(text, 't.test.yml');
  expect(r.errors).toEqual([]);
  return r.suite as TestSuite;
};

const lastLine = (s: string): string => s.trimEnd().split('\n').at(-1) ?? '';

describe('test file format', () => {
  it('reads permissions, records, users, now and tests into requests', () => {
    const s = suite(`permissions: rules.yml
now: 2024-06-01T12:00:00Z
users:
  alice: { data: { role: admin } }
records:
  profile/alice: { owner: alice, tags: [a, b] }
tests:
  - name: one
    user: alice
    record: profile/alice
    action: write
    data: { owner: alice }
    expect: allow
  - user: { id: bob, isAuthenticated: true }
    record: profile/alice
    action: write
    patch: { path: "tags[0]", value: x }
    now: 5
    expect: deny
  - presence:
    expect: allow
  - event: news
    action: publish
    data: [1, "two", null, true]
    messageAction: EMIT
    expect: deny
  - record: profile/bob
    action: read
    oldData: null
    expect: deny
`);
    expect(s.permissions).toBe('rules.yml');
    expect(s.permissionsAt.start).toMatchObject({ line: 1, column: 14 });
    expect([...s.records]).toEqual([['profile/alice', { owner: 'alice', tags: ['a', 'b'] }]]);
    expect(s.tests.map((t) => [t.name, t.start.line, t.start.column, t.expect])).toEqual([
      ['one', 8, 5, 'allow'],
      ['test 2', 14, 5, 'deny'],
      ['test 3', 20, 5, 'allow'],
      ['test 4', 22, 5, 'deny'],
      ['test 5', 27, 5, 'deny'],
    ]);
    const now = Date.UTC(2024, 5, 1, 12);
    expect(s.tests[0].request).toEqual({ type: 'record', action: 'write', name: 'profile/alice', user: { id: 'alice', data: { role: 'admin' } }, data: { owner: 'alice' }, now });
    expect(s.tests[1].request).toEqual({ type: 'record', action: 'write', name: 'profile/alice', user: { id: 'bob', isAuthenticated: true }, patch: { path: 'tags[0]', value: 'x' }, now: 5 });
    expect(s.tests[2].request).toEqual({ type: 'presence', action: 'allow', name: undefined, now });
    expect(s.tests[3].request).toEqual({ type: 'event', action: 'publish', name: 'news', data: [1, 'two', null, true], messageAction: 'EMIT', now });
    expect(s.tests[4].request).toEqual({ type: 'record', action: 'read', name: 'profile/bob', oldData: null, now });
  });

  it('reports unknown keys (with a suggestion), a missing expect and two targets with line:col', () => {
    expect(
      problems(`permissions: p.yml
colour: blue
tests:
  - record: a
    event: b
    action: read
    expect: allow
  - record: a
    action: read
  - record: a
    action: read
    exepct: deny
    expect: deny
`),
    ).toEqual([
      '2:1 unknown key `colour` in a test file; the keys are `permissions`, `schema`, `records`, `users`, `now`, `tests`',
      '5:5 a test gives both `record` and `event`; it requests exactly one of `record`, `event`, `rpc`, `presence`',
      '8:5 a test needs `expect: allow` or `expect: deny`',
      '12:5 unknown key `exepct` in a test; did you mean `expect`?',
    ]);
  });

  it('checks targets, actions, data, patch, oldData, user, now and expect', () => {
    expect(
      problems(`permissions: p.yml
tests:
  - action: read
    expect: allow
  - record: a
    expect: allow
  - record: a
    action: raed
    expect: allow
  - record: a
    action: read
    data: { x: 1 }
    oldData: { x: 1 }
    expect: allow
  - record: a
    action: write
    data: {}
    patch: { path: x, value: 1 }
    expect: allow
  - event: e
    action: publish
    patch: { path: x }
    oldData: 1
    expect: allow
  - user: { name: bob }
    rpc: [r]
    action: request
    now: yesterday
    expect: perhaps
`),
    ).toEqual([
      '3:5 a test needs one of `record`, `event`, `rpc`, `presence`, giving the name it requests',
      '5:5 a test on `record` needs an `action`: one of `create`, `read`, `write`, `delete`, `listen`, `notify`',
      '8:13 `raed` is not an action of `record`; its actions are `create`, `read`, `write`, `delete`, `listen`, `notify` (did you mean `read`?)',
      '12:5 `data` is not used by `record` `read`: only record write, event publish and subscribe and rpc request carry data',
      '18:5 give either `data` (the whole new record) or `patch` (one path), not both',
      '22:5 `patch` is only for record `write`',
      '22:12 `patch` needs a `value`',
      '23:5 `oldData` is not used by `event` `publish`: only record read, write and delete have a stored record',
      '25:11 `user` needs an `id` (omit `user` for an unauthenticated connection)',
      '25:13 unknown key `name` in `user`; the keys are `id`, `data`, `isAuthenticated`',
      '26:10 `rpc` must be the rpc name, not a list',
      '28:10 `now` must be milliseconds since the epoch or an ISO date such as 2024-06-01T12:00:00Z, not the string `yesterday`',
      '29:13 `expect` must be `allow` or `deny`, not the string `perhaps`',
    ]);
  });

  it("a record test's `oldData` and the `records` entry of its name are one stored record: a difference is an error at the `oldData`", () => {
    const text = (old: string): string => `permissions: p.yml
records:
  doc/a: { x: 1, tags: [a, b] }
tests:
  - record: doc/a
    action: read
    oldData: ${old}
    expect: allow
  - record: doc/b
    action: read
    oldData: { x: 2 }
    expect: allow
`;
    const why = 'both are the one stored record that `oldData` and `_()` read: give it in one place, or equal in both';
    expect(problems(text('{ x: 2, tags: [a, b] }'))).toEqual([`7:14 \`oldData\` differs from \`doc/a\` in \`records\` (line 3); ${why}`]);
    expect(problems(text('null'))).toEqual([`7:14 \`oldData\` differs from \`doc/a\` in \`records\` (line 3); ${why}`]);
    expect(problems(text('{ x: 1, tags: [b, a] }'))).toHaveLength(1);
    // Equal data (in any key order) is the same record, given twice.
    expect(problems(text('{ tags: [a, b], x: 1 }'))).toEqual([]);
  });

  it('reports the file shape: not a mapping, no permissions, no or empty tests, bad YAML, duplicate keys', () => {
    expect(problems('- a\n')).toEqual(['1:1 a test file must be a mapping with `permissions`, `tests`, not a list']);
    expect(problems('records: {}\n')).toEqual(['1:1 a test file needs `permissions:`, the rules file to test (relative to the test file)', '1:1 a test file needs `tests:`, a list of tests']);
    expect(problems('permissions: p.yml\ntests: []\n')).toEqual(['2:8 `tests` is empty']);
    expect(problems('permissions: p.yml\ntests: [\n')[0]).toMatch(/^\d+:\d+ the file is not valid YAML: /);
    expect(problems('permissions: p.yml\npermissions: q.yml\ntests: []\n')).toEqual(['2:1 `permissions` is defined twice in the same mapping']);
    expect(problems('')).toEqual(['1:1 the file is empty']);
  });
});

describe("a test's `oldData` is the stored record", () => {
  const RULES = `record:
  "*":
    read: "_(name) !== null && _(name).x === 1"
    write: "_(name) !== null && _(name).x === oldData.x && data.x > oldData.x"
    delete: "_(name) === null && oldData === null"
  "other/*":
    read: "_('doc/a') === null"
event:
  "*": { publish: true }
rpc:
  "*": { request: true }
presence:
  "*": { allow: true }
`;

  it('`_(name)` reads it too, as in a server; `oldData: null` is a missing record; other names read `records`', async () => {
    const s = suite(`permissions: p.yml
records:
  doc/b: { x: 1 }
tests:
  - { name: read, record: doc/a, action: read, oldData: { x: 1 }, expect: allow }
  - { name: write, record: doc/a, action: write, data: { x: 2 }, oldData: { x: 1 }, expect: allow }
  - { name: delete of a missing record, record: doc/a, action: delete, oldData: null, expect: allow }
  - { name: the same record in records, record: doc/b, action: read, oldData: { x: 1 }, expect: allow }
  - { name: only its own test, record: other/a, action: read, expect: allow }
`);
    const { module } = compile(RULES, { file: 'p.yml' });
    const results = await runTests(s, module as RulesModule, RULES, { explainAll: true });
    expect(results.map((r) => `${r.test.name}: ${r.actual}`)).toEqual(['read: allow', 'write: allow', 'delete of a missing record: allow', 'the same record in records: allow', 'only its own test: allow']);
  });
});

describe('valve test', () => {
  it('passing file: no output but the last line `N passed, N failed`; exit 0', async () => {
    const r = await valveTest([fixture('pass.test.yml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('7 passed, 0 failed\n');
  });

  it('failing file: one line per failing test with request, expected, actual and the deciding rule; exit 1', async () => {
    const r = await valveTest([fixture('fail.test.yml')]);
    expect(r.code).toBe(1);
    expectGolden('test-fail.txt', r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'FAIL test/cli/fixtures/fail.test.yml:12:5 "bob edits alice\'s profile (wrong on purpose)": record write "profile/alice" as "bob" data {"owner":"alice","bio":"hacked"}: expected allow, got deny from record "profile/$owner" write at test/cli/fixtures/rules.yml:8:12',
    );
    expect(lines[1]).toMatch(/patch __proto__\.bio = "hi": expected allow, got deny from record "profile\/\$owner" write at test\/cli\/fixtures\/rules\.yml:8:12 \(invalid patch path `__proto__\.bio`\)$/);
    expect(lines[2]).toMatch(/: expected allow, got deny from event "\*" publish at test\/cli\/fixtures\/rules\.yml:12:14$/);
    expect(lines[3]).toBe('1 passed, 3 failed');
  });

  it('several files add up; failing tests of each are listed', async () => {
    const r = await valveTest([fixture('pass.test.yml'), fixture('fail.test.yml')]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^FAIL /gm)).toHaveLength(3);
    expect(lastLine(r.stdout)).toBe('8 passed, 3 failed');
  });

  it('invalid test file: every problem as FILE:LINE:COL with the source line; exit 2, no test run', async () => {
    const r = await valveTest([fixture('invalid.test.yml'), fixture('pass.test.yml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectGolden('test-invalid.txt', r.stderr);
    expect(r.stderr).toMatch(/^test\/cli\/fixtures\/invalid\.test\.yml:2:1: error: unknown key `colour`/);
    expect(lastLine(r.stderr)).toBe('valve: 9 problems in test files; no test was run');
  });

  it('bad YAML, a missing permissions file and a rules file with errors: exit 2 with the place', async () => {
    const yaml = await valveTest([fixture('bad-yaml.test.yml')]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/^test\/cli\/fixtures\/bad-yaml\.test\.yml:\d+:\d+: error: the file is not valid YAML: /);

    const missing = await valveTest([fixture('missing-permissions.test.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('test/cli/fixtures/missing-permissions.test.yml:1:14: error: cannot read test/cli/fixtures/no-such-rules.yml: no such file');

    const broken = await valveTest([fixture('broken-rules.test.yml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('test/cli/fixtures/broken.yml:3:12: error VLV0301: `usr` is not available');
    expect(broken.stderr).toContain('test/cli/fixtures/broken-rules.test.yml:1:14: error: the rules file test/cli/fixtures/broken.yml has 1 error');

    await expect(valveTest([fixture('nope.test.yml')])).rejects.toThrow(/cannot read .*nope\.test\.yml: no such file/);
  });

  it('`schema:` type-checks the rules first: a clean schema runs the tests, a contradicting one stops with exit 2', async () => {
    const ok = await valveTest([fixture('schema.test.yml')]);
    expect(lastLine(ok.stdout)).toMatch(/^\d+ passed, 0 failed$/);
    expect(ok.code).toBe(0);
    const wrong = await valveTest([fixture('wrong-schema.test.yml')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/rules\.yml:\d+:\d+: error VLV0501: `(data|oldData)` has no property `owner`/);
  });

  it('json: every test with request, expected, actual, rule; explanation steps for failures', async () => {
    const io = bufferOutput(ROOT);
    const code = await runTest([fixture('fail.test.yml')], { format: 'json' }, io);
    expect(code).toBe(1);
    expect(io.stderr).toBe('1 passed, 3 failed\n');
    const out = JSON.parse(io.stdout) as {
      files: { file: string; tests: { name: string; passed: boolean; expected: string; actual: string; rule: string | null; steps?: { text: string; status: string }[] }[] }[];
      passed: number;
      failed: number;
    };
    expect([out.passed, out.failed]).toEqual([1, 3]);
    const [ok, bob] = out.files[0].tests;
    expect(ok).toMatchObject({ passed: true, expected: 'allow', actual: 'allow', rule: expect.stringMatching(/rules\.yml:8:12$/) });
    expect(ok.steps).toBeUndefined();
    expect(bob).toMatchObject({ passed: false, expected: 'allow', actual: 'deny' });
    expect(bob.steps?.[0]).toMatchObject({ text: 'user.id === $owner && (oldData === null || data.owner === oldData.owner)', status: 'value' });
    expect(bob.steps?.find((s) => s.text === '(oldData === null || data.owner === oldData.owner)')?.status).toBe('skipped');
  });

  it('json: an invalid file gives its errors as JSON; exit 2', async () => {
    const io = bufferOutput(ROOT);
    expect(await runTest([fixture('missing-permissions.test.yml')], { format: 'json' }, io)).toBe(2);
    const out = JSON.parse(io.stdout) as { errors: { file: string; startLine: number; startColumn: number; message: string }[] };
    expect(out.errors).toEqual([expect.objectContaining({ startLine: 1, startColumn: 14, message: expect.stringMatching(/^cannot read .*no-such-rules\.yml: no such file$/) })]);
  });
});

describe('valve test --coverage', () => {
  it('lists every rule with its outcomes, unexercised rules and sub-expression gaps (golden)', async () => {
    const r = await valveTest([fixture('pass.test.yml')], { coverage: true });
    expect(r.code).toBe(0);
    expectGolden('test-coverage.txt', r.stdout);
    expect(r.stdout).toMatch(/^ {2}record "\*" write +test\/cli\/fixtures\/rules\.yml:5:12 +NOT EXERCISED$/m);
    expect(r.stdout).toMatch(/^ {2}record "profile\/\$owner" delete .* allow x1, deny x0 {2}<- never denied$/m);
    expect(r.stdout).toMatch(/^ {6}8:36 +only false +oldData === null {2}values: false$/m);
    expect(lastLine(r.stdout)).toBe('7 passed, 0 failed');
  });

  it('json coverage: per rule allow/deny counts, per sub-expression evaluations and values', async () => {
    const io = bufferOutput(ROOT);
    await runTest([fixture('pass.test.yml')], { format: 'json', coverage: true }, io);
    const [report] = (JSON.parse(io.stdout) as { coverage: CoverageReport[] }).coverage;
    expect(report.totals).toMatchObject({ rules: 9, exercised: 5, complete: 3 });
    const write = report.rules.find((r) => r.pattern === 'profile/$owner' && r.action === 'write');
    expect(write).toMatchObject({ tests: 2, allow: 1, deny: 1, exercised: true, complete: true });
    const owner = write?.expressions.find((e) => e.text === 'data.owner === oldData.owner');
    expect(owner).toMatchObject({ condition: true, evaluated: 1, sawTrue: true, sawFalse: false, values: ['true'], gap: 'only true' });
    const id = write?.expressions.find((e) => e.text === 'user.id');
    expect(id).toMatchObject({ condition: false, evaluated: 2, values: ['"alice"', '"bob"'] });
    expect(id?.gap).toBeUndefined();
    expect(report.rules.find((r) => r.pattern === '*' && r.action === 'write')).toMatchObject({ constant: false, exercised: false, complete: false, tests: 0 });
  });

  it('--coverage-threshold: exit 1 below the share of rules seen allowing and denying, 0 at or above it', async () => {
    const below = await valveTest([fixture('pass.test.yml')], { coverageThreshold: 50 });
    expect(below.code).toBe(1);
    expect(below.stdout).toContain('coverage 33.3% of rules allowing and denying is below the threshold of 50%\n7 passed, 0 failed\n');
    const above = await valveTest([fixture('pass.test.yml')], { coverageThreshold: 33 });
    expect(above.code).toBe(0);
    expect(above.stdout).toContain('coverage 33.3% of rules allowing and denying meets the threshold of 33%');
  });

  it('examples/permissions.test.yml passes with every rule exercised, both ways where it can go both ways', async () => {
    const r = await valveTest([rel('examples/permissions.test.yml')], { coverage: true, coverageThreshold: 100 });
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}rules exercised: +(\d+)\/\1 \(100\.0%\)$/m);
    expect(r.stdout).toMatch(/^ {2}rules allowing and denying: +(\d+)\/\1 \(100\.0%\)/m);
    // Every rule both ways; of the sub-expressions only a few `?? []` fallbacks for lists that
    // always have editors in the fixtures stay unevaluated.
    const [, seen, all] = /^ {2}sub-expressions evaluated: +(\d+)\/(\d+) /m.exec(r.stdout) ?? [];
    expect(Number(seen) / Number(all)).toBeGreaterThanOrEqual(0.99);
    expect(r.stdout).not.toContain('NOT EXERCISED');
    expect(r.stdout).not.toMatch(/never (allowed|denied)/);
    expect(lastLine(r.stdout)).toMatch(/^\d+ passed, 0 failed$/);
  });
});
