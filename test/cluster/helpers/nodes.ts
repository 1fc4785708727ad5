/**
 * Cluster nodes for the tests, each its own process and process group on a free 127.0.0.1 port:
 * `valve serve` from the build (bin/valve.js, so run `npx tsc -p tsconfig.build.json` first, as
 * for every CLI test), or deepstream's own `deepstream start -c config.yml` with the README's
 * config.yml (fixtures/config.yml) and our plugin in its `permission` block.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RulesStatus } from '../../../adapters/deepstream/index.js';
import { freePort } from '../../../cli/commands/serve.js';
import { kill, type Service } from './services.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILT_CLI = join(ROOT, 'bin', 'valve.js');
export const built = (): boolean => existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
export const CONFIG_YML = join(ROOT, 'test', 'cluster', 'fixtures', 'config.yml');
const DEEPSTREAM_CLI = join(ROOT, 'node_modules', '@deepstream', 'server', 'dist', 'bin', 'deepstream.js');
const VALVE_PLUGIN = join(ROOT, 'adapters', 'deepstream', 'plugin.cjs');

export interface DeepstreamNode {
  readonly name: string;
  /** ws://127.0.0.1:PORT/deepstream */
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL to its process group: a crash, no clean leave (fault tests). */
  crash(): Promise<void>;
}

export interface Node extends DeepstreamNode {
  /** http://127.0.0.1:PORT/valve */
  readonly statusUrl: string;
  status(): Promise<RulesStatus>;
}

/**
 * Resolves with what `ready` makes of the output so far once it makes something (`output` reads
 * all of it, then and later); rejects on exit or timeout.
 */
function started<T>(child: ChildProcess, name: string, ready: (out: string, output: () => string, stop: () => Promise<void>, crash: () => Promise<void>) => T | undefined, timeoutMs: number): Promise<T> {
  let out = '';
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= kill(child));
  const crash = (): Promise<void> => (stopping ??= kill(child, 'SIGKILL'));
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`node ${name}: ${why}; output:\n${out}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const seen = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const node = ready(out, () => out, stop, crash);
      if (node !== undefined) {
        clearTimeout(timer);
        resolve(node);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => fail(`exited with ${code}`));
  });
}

/** Starts `valve serve --port 0 --name NAME …args`; resolves once it prints where to connect. */
export function startNode(name: string, args: readonly string[], timeoutMs = 60_000): Promise<Node> {
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--port', '0', '--name', name, ...args], { cwd: ROOT, detached: true, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return started(
    child,
    name,
    (out, output, stop, crash) => {
      const ws = /connect clients to (ws:\/\/\S+)/.exec(out)?.[1];
      const http = /rules version: (http:\/\/\S+)/.exec(out)?.[1];
      if (!ws || !http || !out.includes('press Ctrl-C')) return undefined;
      return { name, url: ws, statusUrl: http, output, status: () => getJson(http) as Promise<RulesStatus>, stop, crash };
    },
    timeoutMs,
  );
}

/** `deepstream start -c fixtures/config.yml`, the README's cluster node, filled in from the environment. */
export async function startDeepstream(name: string, o: { permissions: string; redis: Service; postgres: Service }, timeoutMs = 90_000): Promise<DeepstreamNode> {
  const port = await freePort();
  const env = { NODE_NAME: name, NODE_PORT: String(port), VALVE_PLUGIN, PERMISSIONS: o.permissions, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(o.redis.port), POSTGRES_URL: o.postgres.url };
  const child = spawn(process.execPath, [DEEPSTREAM_CLI, 'start', '-c', CONFIG_YML], { cwd: ROOT, detached: true, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return started(child, name, (out, output, stop, crash) => (out.includes('Deepstream started') ? { name, url: `ws://127.0.0.1:${port}/deepstream`, output, stop, crash } : undefined), timeoutMs);
}

/** GET a JSON document (deepstream's HTTP server answers with JSON and a trailing blank line). */
export function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url}: ${res.statusCode} ${body.trim()}`));
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    }).on('error', reject);
  });
}

/** Polls every node's GET /valve until `done` holds for all of them; the milliseconds it took. */
export async function untilEveryNode(nodes: readonly Node[], done: (s: RulesStatus) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const statuses = await Promise.all(nodes.map((n) => n.status()));
    if (statuses.every(done)) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`not every node reached ${what} within ${timeoutMs} ms: ${JSON.stringify(statuses)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `valve status …args` from the build: its exit code and output. */
export function valveStatus(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUILT_CLI, 'status', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Rules where only `publisher` may publish events (the rollout and decision-log tests change it). */
export const publisherRules = (publisher: string): string => `record:
  "*": { read: true }
event:
  "*": { subscribe: true, publish: "user.id === '${publisher}'" }
rpc:
  "*": { request: true }
presence:
  "*": { allow: true }
`;
