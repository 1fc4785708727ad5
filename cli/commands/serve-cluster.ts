/**
 * `valve serve --redis URL --storage URL --name NAME`: the deepstream configuration blocks that
 * make the node part of a cluster. They are the blocks a deepstream user writes in config.yml
 * (README, "Run a cluster"), pointing at deepstream's own connectors, which are resolved here so
 * that a missing one is a usage error naming the package instead of deepstream's "Error loading
 * module, exiting".
 */
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { errorText } from '../../grammar/index.js';
import { UsageError } from '../io.js';
import { shownUrl } from '../../adapters/deepstream/index.js';
import { prepareStorage } from './serve-storage.js';

export interface ClusterOptions {
  readonly redis?: string;
  readonly storage?: string;
  readonly name?: string;
}

/** deepstream config blocks (merged over serveConfig's single-node defaults). */
export type ClusterConfig = Readonly<Record<string, unknown>>;

/** Where a `valve serve` node says which rules it enforces (GET, on its HTTP port). */
export const STATUS_PATH = '/valve';

/** The Postgres schema (namespace) records are stored in, as storage-postgres's example config has it. */
export const POSTGRES_SCHEMA = 'ds';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where a connector package is, from this installation; a usage error when it is not installed. */
function connector(pkg: string, flag: string): string {
  try {
    return createRequire(import.meta.url).resolve(pkg);
  } catch {
    throw new UsageError(`${flag} needs the deepstream connector ${pkg}; install it with \`npm install ${pkg}\``);
  }
}

function url(text: string, flag: string, protocols: readonly string[], example: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`invalid ${flag} URL \`${text}\`; give ${example}`);
  }
  if (!protocols.includes(u.protocol) || u.hostname === '') throw new UsageError(`invalid ${flag} URL \`${text}\`; give ${example}`);
  return u;
}

/**
 * ioredis options for both Redis connectors. They are given as host/port/password/db rather than
 * the connectors' own `url` option, which drops the database number and TLS.
 */
export function redisOptions(text: string): Record<string, unknown> {
  const u = url(text, '--redis', ['redis:', 'rediss:'], 'redis://HOST:PORT or redis://HOST:PORT/DB');
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,4}$/.test(db)) throw new UsageError(`invalid --redis URL \`${text}\`: the path must be a database number`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** storage-postgres options: `pg`'s connection string, and the schema the tables go in. */
export function postgresOptions(text: string): Record<string, unknown> {
  url(text, '--storage', ['postgres:', 'postgresql:'], 'postgres://USER@HOST:PORT/DATABASE');
  return { connectionString: text, schema: POSTGRES_SCHEMA };
}

/** The server name: `--name`, else one unique to this host and process in a cluster (nodes must differ). */
export function serverName(o: ClusterOptions): string | undefined {
  if (o.name !== undefined) {
    if (!NAME.test(o.name)) throw new UsageError(`invalid --name \`${o.name}\`; use letters, digits, '.', '_' and '-' (at most 64)`);
    return o.name;
  }
  // The Redis bus drops messages that say they come from this node's own name: two nodes with
  // one name would never hear each other.
  return o.redis !== undefined ? `valve-${hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40)}-${process.pid}` : undefined;
}

/** How long a connection to Redis or Postgres may take before `valve serve` gives up on it. */
const REACH_TIMEOUT_MS = 5000;

function reach(what: string, flag: string, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new UsageError(`cannot reach ${what} at ${host.includes(':') ? `[${host}]` : host}:${port} (${flag}): ${why}`));
    };
    socket.setTimeout(REACH_TIMEOUT_MS, () => fail(`no answer within ${REACH_TIMEOUT_MS} ms`));
    socket.once('error', (e) => fail(errorText(e)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

/**
 * Checks that Redis and Postgres accept connections before deepstream starts: otherwise the Redis
 * connectors retry until ioredis rejects a command nobody catches (a crash with a stack trace),
 * and storage-postgres retries until deepstream's start-up times out. Then prepares the database,
 * so that nodes started together do not collide in it (serve-storage.ts).
 */
export async function reachable(o: ClusterOptions): Promise<void> {
  if (o.redis !== undefined) {
    const r = redisOptions(o.redis);
    await reach('Redis', '--redis', String(r.host), Number(r.port));
  }
  if (o.storage !== undefined) {
    const u = url(o.storage, '--storage', ['postgres:', 'postgresql:'], 'postgres://USER@HOST:PORT/DATABASE');
    await reach('Postgres', '--storage', u.hostname.replace(/^\[(.*)\]$/, '$1'), u.port === '' ? 5432 : Number(u.port));
    await prepareStorage(connector('@deepstream/storage-postgres', '--storage'), o.storage, POSTGRES_SCHEMA);
  }
}

/** The clusterNode, cache and storage blocks for the options given (none: in-memory, one node). */
export function clusterConfig(o: ClusterOptions): ClusterConfig {
  const out: Record<string, unknown> = {};
  if (o.redis !== undefined) {
    // Separate objects: both connectors write into the options they are given.
    out.clusterNode = { path: connector('@deepstream/clusternode-redis', '--redis'), options: redisOptions(o.redis) };
    out.cache = { path: connector('@deepstream/cache-redis', '--redis'), options: redisOptions(o.redis) };
  }
  if (o.storage !== undefined) out.storage = { path: connector('@deepstream/storage-postgres', '--storage'), options: postgresOptions(o.storage) };
  return out;
}

/** A URL as printed: its password replaced, so start-up output can go into logs (the adapter's own rule). */
export const redacted = shownUrl;
