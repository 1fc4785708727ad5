/**
 * The CLI never prints a stack trace for bad input: `valve check` and `valve test` run on mutated
 * rules and test files (truncated, flipped bytes, binary, deeply nested, huge, odd unicode) give
 * diagnostics and exit 1 or 2 — in-process through runCheck / runTest with a captured Output (as
 * cli/main.ts calls them), plus a few real spawns of the CLI.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../cli/commands/check.js';
import { runTest } from '../../cli/commands/test.js';
import { bufferOutput } from '../../cli/formats/output.js';
import { UsageError } from '../../cli/io.js';
import { compileProgram } from '../../compiler/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'valve-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULES = readFileSync(join(FIXTURES, 'rules.yml'));
const TESTS = readFileSync(join(FIXTURES, 'pass.test.yml'));
const RUNS = Number(process.env.FUZZ_RUNS) >= 10_000 ? Math.ceil(Number(process.env.FUZZ_RUNS) / 100) : 80;

/** A stack frame as Node prints it (`    at fn (file:1:2)`), or an internal error from the CLI. */
const STACK = /^\s+at\s.*(\(.*:\d+:\d+\)|:\d+:\d+)$|internal error|node:internal/m;

interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** As cli/main.ts: a UsageError is a one-line message and exit 2; anything else thrown fails the test. */
async function inProcess(run: (io: ReturnType<typeof bufferOutput>) => number | Promise<number>): Promise<Outcome> {
  const io = bufferOutput(dir);
  try {
    const code = await run(io);
    return { code, output: io.stdout + io.stderr };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, output: `valve: ${e.message}\n` };
    throw e;
  }
}

// ── mutations ──────────────────────────────────────────────────────────────────────────────

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'nest'; at: number; depth: number; open: string }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'text'; at: number; text: string }
  | { kind: 'dropLine'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 10, max: 20_000 }), open: fc.constantFrom('[', '{', '- ', '(', '{a: ', '"\\u') }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 2, max: 400 }) }),
  fc.record({
    kind: fc.constant('text' as const),
    at: fc.nat(),
    text: fc.constantFrom('&a', '*a', '<<: *a', '!!js/function x', '\t', '\r', '\u2028', '\ufeff', '\u0000', ': :', '---\n', '...', '"', "'", '`', '${', '#', '%TAG ! x\n', '? ', '|\n', '>-\n', 'permissions: /etc/passwd\n', 'permissions: .\n', 'permissions: ../\n', 'expect: maybe\n', 'action: __proto__\n', 'record: constructor\n', '__proto__: {}\n'),
  }),
  fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat() }),
);

/**
 * `maxNest` caps `nest` mutations: test files are read by grammar/yaml.ts alone, which does not
 * bound nesting yet (see the known hole below), and a deep one can abort this very process.
 */
function mutate(source: Buffer, ms: readonly Mutation[], maxNest = Infinity): Buffer {
  let b = source;
  for (const m of ms) {
    if (m.kind === 'dropLine') {
      const lines = b.toString('latin1').split('\n');
      lines.splice(m.line % Math.max(1, lines.length), 1);
      b = Buffer.from(lines.join('\n'), 'latin1');
      continue;
    }
    const at = m.at % (b.length + 1);
    if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'flip') b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at + 1)]);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.kind === 'nest') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.open.repeat(Math.min(m.depth, maxNest))), b.subarray(at)]);
    else if (m.kind === 'repeat') b = Buffer.concat([b.subarray(0, at), Buffer.from(b.subarray(at, at + m.length).toString('latin1').repeat(m.times), 'latin1'), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]);
  }
  return b;
}
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

let counter = 0;
const write = (name: string, content: Buffer | string): string => {
  const p = join(dir, `${counter++}-${name}`);
  writeFileSync(p, content);
  return p;
};

/** Bad input: exit 1 or 2 with a diagnostic; good input (a mutation may keep a file valid): exit 0. Never a stack trace. */
function expectClean(o: Outcome, valid: boolean | undefined): void {
  expect(o.output).not.toMatch(STACK);
  expect([0, 1, 2]).toContain(o.code);
  if (valid === true) return;
  if (o.code === 0) {
    expect(valid, `exit 0 for a file with errors:\n${o.output}`).not.toBe(false);
    return;
  }
  expect(o.output).toMatch(/VLV\d{4}|valve: |error|FAIL|problem/);
}

describe('valve check on mutated rules files', () => {
  it(`gives diagnostics and exit 1 or 2, never a stack trace (${RUNS} files)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, fc.constantFrom('permissions.yml', 'permissions.json'), async (ms, name) => {
        const content = mutate(RULES, ms);
        const file = write(name, content);
        const o = await inProcess((io) => runCheck([file], { format: 'text' }, io));
        const hasErrors = compileProgram(content.toString('utf8'), { file }).diagnostics.some((d) => d.severity === 'error');
        expectClean(o, !hasErrors);
        if (hasErrors) expect(o.code).toBeGreaterThanOrEqual(1);
        const json = await inProcess((io) => runCheck([file], { format: 'json' }, io));
        expect(json.code).toBe(o.code);
        expect(() => JSON.parse(json.output) as unknown).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['truncated mid-rule', RULES.subarray(0, RULES.indexOf('user.id') + 5)],
    ['binary', Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 2654435761) % 256))],
    ['deeply nested', Buffer.from('['.repeat(100_000))],
    ['a deeply nested rule', Buffer.from(RULES.toString().replace('read: true', `read: "${'('.repeat(10_000)}true"`))],
    ['huge (2 MB)', Buffer.concat([RULES, Buffer.from(`# ${'x'.repeat(2 * 1024 * 1024)}\n`)])],
    ['a huge rule', Buffer.from(RULES.toString().replace('read: true', `read: "${'a.'.repeat(100_000)}b"`))],
    ['only a BOM and NULs', Buffer.from('\ufeff\u0000\u0000')],
    ['UTF-16', Buffer.from(`\ufeff${RULES.toString()}`, 'utf16le')],
    ['a directory', undefined],
    ['a missing file', null],
  ] as const)('%s: a diagnostic and exit 1 or 2', async (_what, content) => {
    const file = content === undefined ? dir : content === null ? join(dir, 'missing.yml') : write('case.yml', content);
    const o = await inProcess((io) => runCheck([file], { format: 'text' }, io));
    expect(o.output).not.toMatch(STACK);
    expect([1, 2]).toContain(o.code);
    expect(o.output).toMatch(/VLV\d{4}|valve: /);
  });
});

describe('valve test on mutated test files and rules files', () => {
  it(`gives diagnostics and exit 1 or 2, never a stack trace (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, fc.boolean(), async (ms, mutateRules) => {
        const sub = mkdtempSync(join(dir, 'case-'));
        writeFileSync(join(sub, 'rules.yml'), mutateRules ? mutate(RULES, ms) : RULES);
        const testFile = join(sub, 'suite.test.yml');
        writeFileSync(testFile, mutateRules ? TESTS : mutate(TESTS, ms, 50));
        const o = await inProcess((io) => runTest([testFile], { format: 'text' }, io));
        expectClean(o, undefined);
        const json = await inProcess((io) => runTest([testFile], { format: 'json', coverage: true }, io));
        expect(json.output).not.toMatch(STACK);
        expect(json.code).toBe(o.code);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['a truncated test file', TESTS.subarray(0, Math.floor(TESTS.length / 2)), RULES],
    ['a binary test file', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131) % 256)), RULES],
    ['a test file nested 50 deep', Buffer.from(`permissions: rules.yml\ntests: ${'['.repeat(50)}`), RULES],
    ['a huge test file', Buffer.concat([TESTS, Buffer.from(`# ${'x'.repeat(3 * 1024 * 1024)}\n`)]), Buffer.from('record: {')],
    ['a binary rules file', TESTS, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131) % 256))],
    ['rules nested too deeply', TESTS, Buffer.from(RULES.toString().replace('read: true', `read: "${'!'.repeat(3000)}true"`))],
    ['a test request with hostile names', Buffer.from(`permissions: rules.yml\ntests:\n  - name: x\n    record: "__proto__/constructor"\n    action: write\n    data: { __proto__: { isAdmin: true } }\n    patch: { path: __proto__.isAdmin, value: true }\n    expect: allow\n`), RULES],
  ] as const)('%s: exit 1 or 2 with a message', async (_what, tests, rules) => {
    const sub = mkdtempSync(join(dir, 'fixed-'));
    writeFileSync(join(sub, 'rules.yml'), rules);
    const testFile = join(sub, 'suite.test.yml');
    writeFileSync(testFile, tests);
    const o = await inProcess((io) => runTest([testFile], { format: 'text' }, io));
    expect(o.output).not.toMatch(STACK);
    expect([1, 2]).toContain(o.code);
    expect(o.output.trim().length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('the real CLI', () => {
  const exec = promisify(execFile);
  const valve = async (...args: string[]): Promise<Outcome> => {
    try {
      const r = await exec(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'cli', 'main.ts'), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, output: r.stdout + r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  };

  /** Deeper and deeper YAML, file after file: V8 used to abort the process in the YAML composer (exit 134). */
  const deepFiles = (): string[] => [500, 750, 1000, 1250, 1500, 1750, 2000, 2500, 3000].map((n) => write(`deep${n}.yml`, '['.repeat(n)));

  it('check and test on binary, nested, huge and truncated files: exit 1 or 2, no stack trace', async () => {
    const binary = write('binary.yml', Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 2654435761) % 256)));
    const nested = write('nested.yml', '['.repeat(100_000));
    const huge = write('huge.yml', Buffer.concat([RULES, Buffer.from(`# ${'x'.repeat(2 * 1024 * 1024)}\n`)]));
    const deepRule = write('deep-rule.yml', RULES.toString().replace('read: true', `read: "${'('.repeat(100)}"`));
    copyFileSync(join(FIXTURES, 'rules.yml'), join(dir, 'rules.yml'));
    const truncatedTests = write('truncated.test.yml', TESTS.subarray(0, 200));
    const [check, test] = await Promise.all([valve('check', binary, nested, huge, deepRule, ...deepFiles()), valve('test', truncatedTests)]);
    for (const o of [check, test]) {
      expect(o.output).not.toMatch(STACK);
      expect([1, 2]).toContain(o.code);
    }
    expect(check.output).toMatch(/VLV0001|VLV0111/);
    expect(check.output).toMatch(/VLV0701/);
    expect(check.output).toMatch(/VLV0704/);
    expect(check.output).toMatch(/VLV0702/);
  });

  // Test files are read by grammar/yaml.ts (loadYaml), which refuses nesting beyond
  // YAML_DEPTH_SAFETY_NET before yaml's recursive composer sees it (that composer could abort the
  // process: "RegExpCompiler Allocation failed", exit 134).
  it('valve test on ever deeper YAML test files exits 1 or 2, never aborts', async () => {
    const o = await valve('test', ...deepFiles());
    expect(o.output).not.toMatch(STACK);
    expect([1, 2]).toContain(o.code);
  });
});
