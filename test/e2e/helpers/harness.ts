/**
 * Real deepstream servers for the end-to-end tests, on a free port of 127.0.0.1:
 * - `startValve`: through `valve serve`'s own code path (cli/commands/serve.ts), i.e. the plugin
 *   loaded by deepstream from `permission.path`;
 * - `startUpstream`: deepstream's built-in Valve (`permission.type: config`), for comparisons.
 * Every server logs into memory (helpers/memory-logger.cjs) so tests can read what was logged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { freePort, serveConfig, startServer, type DeepstreamServer } from '../../../cli/commands/serve.js';

export const MEMORY_LOGGER = fileURLToPath(new URL('./memory-logger.cjs', import.meta.url));
export const UPSTREAM_CORPUS = fileURLToPath(new URL('../../../../shared/corpus/upstream/', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

export interface LogEntry {
  readonly level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  readonly namespace: string;
  readonly event: string;
  readonly message: string;
}

interface MemoryLogger {
  readonly entries: LogEntry[];
  readonly listeners: Set<(e: LogEntry) => void>;
}

export type Users = Record<string, { password: string; serverData?: unknown; clientData?: unknown }>;

export interface TestServer {
  /** `127.0.0.1:PORT/deepstream` (what @deepstream/client takes). */
  readonly url: string;
  readonly server: DeepstreamServer;
  readonly logs: LogEntry[];
  /** Resolves with the first log entry (past or future) that matches; rejects after `timeoutMs`. */
  waitForLog(match: (e: LogEntry) => boolean, what: string, timeoutMs?: number): Promise<LogEntry>;
  stop(): Promise<void>;
}

/** A scratch folder, removed by `cleanup()`. */
export function scratchDir(): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'valve-e2e-'));
  return {
    dir,
    write: (name, text) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const loggerConfig = { logger: { path: MEMORY_LOGGER, options: { logLevel: process.env.VALVE_E2E_LOGS === '1' ? 0 : 1 } } };

function wrap(server: DeepstreamServer, url: string, stop: () => Promise<void>): TestServer {
  const logger = server.getServices().logger as MemoryLogger;
  return {
    url,
    server,
    logs: logger.entries,
    waitForLog(match, what, timeoutMs = 5000) {
      const found = logger.entries.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          logger.listeners.delete(listener);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a log entry: ${what}`));
        }, timeoutMs);
        const listener = (e: LogEntry): void => {
          if (!match(e)) return;
          clearTimeout(timer);
          logger.listeners.delete(listener);
          resolve(e);
        };
        logger.listeners.add(listener);
      });
    },
    stop,
  };
}

/** deepstream with the Valve plugin, started by `valve serve`'s code. */
export async function startValve(options: {
  permissions: string;
  users?: string;
  watch?: boolean;
  maxRuleIterations?: number;
  settleMs?: number;
  reload?: 'change' | 'rename';
  logLevel?: 'DEBUG' | 'INFO';
}): Promise<TestServer> {
  const running = await startServer({
    permissions: options.permissions,
    port: 0,
    host: '127.0.0.1',
    watch: options.watch ?? false,
    logLevel: options.logLevel ?? 'INFO',
    ...(options.users !== undefined ? { users: options.users } : {}),
    ...(options.maxRuleIterations !== undefined ? { maxRuleIterations: options.maxRuleIterations } : {}),
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    ...(options.reload !== undefined ? { reload: options.reload } : {}),
    deepstream: {
      ...(options.logLevel === 'DEBUG' ? { logger: { path: MEMORY_LOGGER, options: { logLevel: 0 } } } : loggerConfig),
      dependencyInitializationTimeout: 30_000,
    },
  });
  return wrap(running.server, `127.0.0.1:${running.port}/deepstream`, running.stop);
}

/** Starts any deepstream configuration and waits until it runs (or failed fatally). */
export async function startDeepstream(config: Record<string, unknown>): Promise<{ server: DeepstreamServer; stop(): Promise<void> }> {
  const { Deepstream } = (await import('@deepstream/server')) as unknown as { Deepstream: new (c: Record<string, unknown>) => DeepstreamServer };
  const server = new Deepstream(config);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= new Promise<void>((done) => {
      server.once('stopped', () => done());
      try {
        server.stop();
      } catch {
        done();
      }
    }));
  await new Promise<void>((resolve, reject) => {
    server.once('FATAL_EXCEPTION', () => reject(new Error('deepstream did not start')));
    server.once('started', () => resolve());
    server.start();
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { server, stop };
}

/** deepstream 7's own Valve with the same rules file, for side-by-side comparisons. */
export async function startUpstream(options: { permissions: string; users?: Users }): Promise<TestServer> {
  const { readFileSync } = await import('node:fs');
  const rules = parseYaml(readFileSync(options.permissions, 'utf8')) as unknown;
  const port = await freePort();
  const base = serveConfig({ permissions: options.permissions, host: '127.0.0.1', port, watch: false, logLevel: 1, ...(options.users ? { users: options.users } : {}) });
  const { server, stop } = await startDeepstream({
    ...base,
    ...loggerConfig,
    permission: { type: 'config', options: { permissions: rules, maxRuleIterations: 3, cacheEvacuationInterval: 60_000 } },
  });
  return wrap(server, `127.0.0.1:${port}/deepstream`, stop);
}

/** Puts a record straight into the server's cache (data "published by the server"). */
export function seedRecord(server: DeepstreamServer, name: string, data: unknown): Promise<void> {
  const cache = server.getServices().cache as { set(n: string, v: number, d: unknown, cb: (e: unknown) => void, meta?: unknown): void };
  return new Promise((resolve, reject) => cache.set(name, 1, data, (e) => (e ? reject(new Error(String(e))) : resolve())));
}

/** Where the servers of one test file are stopped: in afterAll/afterEach, whatever happened. */
export class ServerPool {
  private readonly servers = new Set<TestServer>();

  add(server: TestServer): TestServer {
    this.servers.add(server);
    return server;
  }

  async stopAll(): Promise<void> {
    const all = [...this.servers];
    this.servers.clear();
    await Promise.allSettled(all.map((s) => s.stop()));
  }
}
