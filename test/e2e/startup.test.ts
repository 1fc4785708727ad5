/**
 * Start-up: with a broken rules file the server refuses to start and every diagnostic is printed
 * (formatted like `valve check`); `valve serve` run as a real process starts, serves clients with
 * file authentication (serverData → user.data) and stops cleanly on SIGINT.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '../../compiler/index.js';
import { formatText, summary } from '../../cli/report.js';
import { freePort, PLUGIN_REGISTRY, serveConfig, type DeepstreamServer } from '../../cli/commands/serve.js';
import { TestClient } from './helpers/client.js';
import { MEMORY_LOGGER, scratchDir, type LogEntry } from './helpers/harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Four errors: an unknown section, a misspelt name, `new`, an empty rule.
const BROKEN = `record:
  "*":
    read: true
    write: "datta.owner === user.id"
event:
  "*": { publish: "new Date() > 0", subscribe: "" }
rpc:
  "*": { provide: true, request: true }
presense:
  "*": { allow: true }
`;

const GOOD = `record:
  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
event:
  "*": { subscribe: true, listen: true, publish: "user.data !== null && user.data.role === 'admin'" }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: user.isAuthenticated }
`;

// Deepstream's substituteEnv: the tenant's events are open, everyone else's are not.
const GOOD_TENANT = GOOD.replace('event:\n', 'event:\n  "${TENANT}/*": { publish: true }\n');

const scratch = scratchDir();
const children: ChildProcess[] = [];
const clients: TestClient[] = [];
afterAll(() => {
  for (const c of clients) c.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  scratch.cleanup();
});

/** Every error and warning of a file, as `valve check` prints them. */
function expectedReport(text: string, file: string): string[] {
  const { diagnostics } = compileProgram(text, { file });
  expect(diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(4);
  return diagnostics.map((d) => formatText(d, text, { color: false }));
}

interface Run {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** `valve serve …` as a real process (from the TypeScript sources, through tsx). */
function valveServe(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (text, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = typeof text === 'string' ? (out.includes(text) ? text : null) : out.match(text)?.[0];
          if (m) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`valve serve did not print ${String(text)} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => setImmediate(() => {
          if (waiters.has(check)) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`valve serve exited before printing ${String(text)}; output:\n${out}`));
          }
        }));
        check();
      }),
  };
}

describe('start-up with a broken rules file', () => {
  it('deepstream with the plugin does not start; every diagnostic and a fatal line are logged', async () => {
    // As in a deepstream installation: nothing registered, so the loader imports the plugin itself.
    delete (globalThis as Record<symbol, unknown>)[PLUGIN_REGISTRY];
    const file = scratch.write('broken.yml', BROKEN);
    const { Deepstream } = (await import('@deepstream/server')) as unknown as { Deepstream: new (c: Record<string, unknown>) => DeepstreamServer };
    const config = {
      ...serveConfig({ permissions: file, host: '127.0.0.1', port: await freePort(), watch: true, logLevel: 1 }),
      logger: { path: MEMORY_LOGGER, options: { logLevel: 1 } },
    };
    const server = new Deepstream(config);
    let started = false;
    server.once('started', () => (started = true));
    const fatal = new Promise<void>((resolve) => server.once('FATAL_EXCEPTION', () => resolve()));
    server.start();
    await fatal;
    const logs = (server.getServices().logger as { entries: LogEntry[] }).entries;
    try {
      expect(started).toBe(false);
      expect(server.isRunning()).toBe(false);
      const rulesLogged = logs.filter((e) => e.event === 'PERMISSION_RULES').map((e) => e.message);
      expect(rulesLogged).toEqual(expectedReport(BROKEN, file));
      const fatalLines = logs.filter((e) => e.level === 'FATAL').map((e) => e.message);
      expect(fatalLines).toEqual([expect.stringMatching(/^\d+ errors, \d+ warnings?(, \d+ notes?)? in 1 file: .*broken\.yml can not be used; the server will not start$/)]);
    } finally {
      await new Promise<void>((resolve) => {
        server.once('stopped', () => resolve());
        server.stop();
      });
    }
  });

  it('`valve serve` prints every diagnostic and exits with status 1', async () => {
    const file = scratch.write('broken-cli.yml', BROKEN);
    const run = valveServe(['--permissions', file, '--port', String(await freePort())]);
    const code = await run.exited;
    const out = run.output();
    expect(code).toBe(1);
    for (const block of expectedReport(BROKEN, file)) expect(out).toContain(block);
    expect(out).toContain(summary(compileProgram(BROKEN, { file }).diagnostics, 1));
    expect(out).toContain('the server will not start');
    expect(out).not.toContain('connect clients to');
  });
});

describe('valve serve', () => {
  it('serves clients with file authentication and stops on SIGINT', async () => {
    const rules = scratch.write('good.yml', GOOD);
    const users = scratch.write('users.yml', 'root: { password: pw, serverData: { role: admin } }\nmia: { password: pw, serverData: { role: member } }\n');
    const port = await freePort();
    const run = valveServe(['--permissions', rules, '--users', users, '--port', String(port), '--log-level', 'WARN']);
    const url = await run.waitFor(/ws:\/\/127\.0\.0\.1:\d+\/deepstream/);
    expect(url).toBe(`ws://127.0.0.1:${port}/deepstream`);

    const root = await new TestClient('root', url).login('root', 'pw');
    const mia = await new TestClient('mia', url).login('mia', 'pw');
    clients.push(root, mia);
    await expect(new TestClient('intruder', url).login('mia', 'wrong')).rejects.toBeDefined();
    mia.subscribeEvent('news');
    await mia.roundTrip();
    root.ds.event.emit('news', 'from root');
    await mia.until(() => mia.received('news').length === 1, 'the admin news');
    mia.ds.event.emit('news', 'from mia');
    await mia.expectError('EVENT', 'MESSAGE_DENIED');

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('valve serve: stopping');
  });

  it('--substitute-env fills ${NAME} in patterns from the server\'s environment; without it the file is refused', async () => {
    const rules = scratch.write('tenant.yml', GOOD_TENANT);
    const refused = valveServe(['--permissions', rules, '--port', String(await freePort())], { TENANT: 'acme' });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('VLV0109');
    expect(refused.output()).toContain('--substitute-env');

    const run = valveServe(['--permissions', rules, '--port', String(await freePort()), '--log-level', 'WARN', '--substitute-env'], { TENANT: 'acme' });
    const url = await run.waitFor(/ws:\/\/127\.0\.0\.1:\d+\/deepstream/);
    const client = await new TestClient('anna', url).login('anna');
    clients.push(client);
    client.ds.event.emit('acme/news', 'hello');
    await client.roundTrip();
    expect(client.errors).toEqual([]);
    client.ds.event.emit('globex/news', 'hello');
    await client.expectError('EVENT', 'MESSAGE_DENIED');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});
