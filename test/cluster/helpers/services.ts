/**
 * The real servers a cluster test needs, each started by the test in a temporary directory on a
 * random 127.0.0.1 port (never a system service) and stopped by killing its process group:
 * Debian's `redis-server`, and Postgres (initdb + postgres). When one is not installed the cluster
 * tests skip, saying so, unless VALVE_REQUIRE_CLUSTER=1 (`.ci/run` sets it), which makes a missing
 * server a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../../cli/commands/serve.js';

export const REQUIRE_CLUSTER = process.env.VALVE_REQUIRE_CLUSTER === '1';

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `name` on PATH, in /usr/local/bin, or in Debian's /usr/lib/postgresql/<version>/bin (newest first). */
export function findBinary(name: string): string | undefined {
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join('/usr/lib/postgresql', v, 'bin'))
    : [];
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin', ...debian];
  return dirs.map((d) => join(d, name)).find(executable);
}

/**
 * Why the cluster tests can not run here (they are skipped), or undefined when they can; with
 * VALVE_REQUIRE_CLUSTER=1 (CI) a missing server throws instead, so it fails the run.
 */
export function serversOrSkip(): string | undefined {
  const missing = missingServers();
  if (missing && REQUIRE_CLUSTER) throw new Error(`the cluster tests need real servers: ${missing}`);
  return missing;
}

/** Why the cluster tests can not run here, or undefined when they can. */
export function missingServers(): string | undefined {
  const missing = ['redis-server', 'initdb', 'postgres'].filter((b) => findBinary(b) === undefined);
  return missing.length === 0 ? undefined : `not installed: ${missing.join(', ')} (apt-get install redis-server postgresql)`;
}

export interface Service {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Kills the process group and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts `command` in its own process group; resolves once its output matches `ready`. */
function startProcess(command: string, args: readonly string[], ready: RegExp, options: { cwd: string; uid?: number; gid?: number }, what: string, timeoutMs = 30_000): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}) });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      kill(child);
      reject(e);
    };
    const seen = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

/** `first` (SIGTERM) to the whole group, SIGKILL if it is still there after a while; resolves on exit. */
export function kill(child: ChildProcess, first: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    const signal = (s: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // the group is gone already
      }
    };
    signal(first);
  });
}

function service(child: ChildProcess, port: number, url: string, dir: string, signal: NodeJS.Signals = 'SIGTERM'): Service {
  let stopping: Promise<void> | undefined;
  return {
    port,
    url,
    dir,
    stop: () =>
      (stopping ??= kill(child, signal).then(() => rmSync(dir, { recursive: true, force: true }))),
  };
}

/** `port`: a restart on the port of a Redis stopped before (fault tests). */
export async function startRedis(port?: number): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'valve-redis-'));
  port ??= await freePort();
  const child = await startProcess(findBinary('redis-server')!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], /Ready to accept connections/, { cwd: dir }, 'redis-server');
  return service(child, port, `redis://127.0.0.1:${port}`, dir);
}

/** Postgres refuses to run as root: as root, initdb and postgres run as the `postgres` user (or `nobody`). */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root and neither a `postgres` nor a `nobody` user exists to run Postgres as');
}

export async function startPostgres(): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'valve-postgres-'));
  const as = unprivileged();
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  const init = spawnSync(findBinary('initdb')!, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { cwd: dir, encoding: 'utf8', ...(as ?? {}) });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}):\n${init.stderr}`);
  const port = await freePort();
  const child = await startProcess(
    findBinary('postgres')!,
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'shared_buffers=16MB'],
    /database system is ready to accept connections/,
    { cwd: dir, ...(as ?? {}) },
    'postgres',
  );
  // SIGINT is Postgres's fast shutdown (SIGTERM would wait for every client to disconnect).
  return service(child, port, `postgres://postgres@127.0.0.1:${port}/postgres`, dir, 'SIGINT');
}
