/**
 * The package as a new user gets it: `npm pack` of this checkout, installed into a fresh project by
 * the README's own adoption steps (read from the README, so the README can not drift from what works),
 * then each long-running command of the README started, talked to and stopped.
 *
 * `npm pack` runs with `--ignore-scripts` here: its `prepare` script would rebuild dist/ while other
 * test files run the built CLI. dist/ and playground/dist/ must therefore be built, as for every CLI
 * test (`npm install` / `npm ci` build both).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeepstreamClient } from '@deepstream/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill } from '../cluster/helpers/services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** The fenced block that follows `<!-- NAME -->` in the README, one command per line (comments dropped). */
export function readmeBlock(readme: string, name: string): string[] {
  const at = readme.indexOf(`<!-- ${name} -->`);
  if (at < 0) throw new Error(`README has no <!-- ${name} --> block`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README's <!-- ${name} --> is not followed by a sh block`);
  return block[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ready = existsSync(join(ROOT, 'dist', 'cli', 'main.js')) && existsSync(join(ROOT, 'playground', 'dist', 'index.html'));

let work: string;
let app: string;
const children: ChildProcess[] = [];

/** Starts one README line in the project (own process group: npx does not pass signals on). */
function start(line: string): { child: ChildProcess; output: () => string; until: (re: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn('bash', ['-c', `${line} --port 0`], { cwd: app, detached: true, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const waiting = new Set<() => void>();
  const seen = (c: Buffer): void => {
    out += c.toString('utf8');
    for (const w of [...waiting]) w();
  };
  child.stdout!.on('data', seen);
  child.stderr!.on('data', seen);
  const until = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) {
          waiting.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`\`${line}\` never printed ${re}; output:\n${out}`));
      }, 60_000);
      child.once('exit', (code) => reject(new Error(`\`${line}\` exited with ${code}; output:\n${out}`)));
      waiting.add(check);
      check();
    });
  return { child, output: () => out, until };
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('the packed package in a fresh project, by the README', () => {
  beforeAll(async () => {
    if (!ready) throw new Error('dist/ or playground/dist/ is not built: run `npm run build && npm run playground:build` (npm install does both)');
    work = mkdtempSync(join(tmpdir(), 'valve-pack-'));
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
    // The README's steps, in a shell that stops at the first failing one.
    const steps = readmeBlock(readme, 'adoption-install');
    await run('bash', ['-ec', steps.join('\n')], { cwd: work, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false' } });
    app = join(work, 'my-app');
  }, 300_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => kill(c)));
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('installed the CLI, the examples and the stand-in from the tarball alone', () => {
    const installed = join(app, 'node_modules', 'valve-toolchain');
    for (const f of ['bin/valve.js', 'dist/cli/main.js', 'adapters/deepstream/plugin.cjs', 'examples/permissions.yml', 'playground/dist/index.html']) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    // Nothing of the source tree came along: the package runs from its build.
    expect(existsSync(join(installed, 'engine'))).toBe(false);
    expect(JSON.parse(readFileSync(join(app, 'node_modules', 'uWebSockets.js', 'package.json'), 'utf8')).version).toMatch(/stub/);
  });

  it('`valve check` and `valve test` report on the copied files', async () => {
    const check = await run('npx', ['valve', 'check', 'permissions.yml'], { cwd: app });
    expect(check.stdout).toMatch(/0 errors, 0 warnings in 1 file/);
    const test = await run('npx', ['valve', 'test', 'permissions.test.yml'], { cwd: app });
    expect(test.stdout).toMatch(/\d+ passed, 0 failed/);
  });

  it('`valve serve` enforces the rules for a real client', async () => {
    const line = readmeBlock(readme, 'adoption-run').find((l) => l.includes('valve serve'))!;
    const serve = start(line);
    const ws = (await serve.until(/connect clients to (ws:\/\/\S+)/))[1]!;
    const status = (await serve.until(/rules version: (http:\/\/\S+)/))[1]!;
    await serve.until(/press Ctrl-C/);
    const valve = JSON.parse((await fetchText(status)).body) as { version: string; file: string };
    expect(valve.file).toMatch(/permissions\.yml$/);
    expect(valve.version).toMatch(/^[0-9a-f]{16}$/);
    const client = new DeepstreamClient(ws, { maxReconnectAttempts: 0, offlineEnabled: false });
    try {
      await client.login({ username: 'alice' });
      // public/* is read-only for clients in the example rules.
      const denied = await Promise.resolve(client.record.setDataWithAck('public/readme', { text: 'x' })).then(() => 'written', (e: unknown) => String(e));
      expect(denied).toMatch(/denied/i);
      // …and readable by anyone: the read gets through to storage, which has no such record.
      const read = await client.record.snapshot('public/readme').then(() => 'read', (e: unknown) => String(e));
      expect(read).toMatch(/RECORD_NOT_FOUND/);
    } finally {
      client.close();
    }
  });

  it('`valve playground` serves the built page without vite or sources', async () => {
    const line = readmeBlock(readme, 'adoption-run').find((l) => l.includes('valve playground'))!;
    const pg = start(line);
    const url = (await pg.until(/(http:\/\/127\.0\.0\.1:\d+\/?)/))[1]!;
    const page = await fetchText(url);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script[^>]+type="module"/);
    expect(pg.output()).not.toMatch(/building the playground/);
  });
});
