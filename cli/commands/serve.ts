/**
 * `valve serve`: a local deepstream server whose permissions are decided by Valve rules, through
 * the same plugin a deepstream installation uses (adapters/deepstream/plugin.cjs). Records live in
 * memory; the rules file is watched and reloaded; Ctrl-C stops the server.
 *
 * Only deepstream's `ws-binary` endpoint is started (uWebSockets.js is not used: the HTTP and
 * uws endpoints are left out). Authentication is open (the login `username` becomes `user.id`)
 * unless a users file is given, which switches to deepstream's file authentication.
 *
 * As a cluster node (`--redis`, `--storage`, `--name`) it uses deepstream's own connectors:
 * @deepstream/clusternode-redis (message bus) and @deepstream/cache-redis (record cache) on one
 * Redis, @deepstream/storage-postgres for records. GET /valve on the node's HTTP port tells which
 * rules version it enforces (adapters/deepstream/version.ts).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as plugin from '../../adapters/deepstream/index.js';
import type { DecisionLogOptions, ReloadMode, RulesStatus } from '../../adapters/deepstream/index.js';
import { readSource, UsageError, useColor } from '../io.js';
import { errorText } from '../../grammar/index.js';
import { EXIT, untilSignalled, type ExitCode } from '../exit.js';
import { findPackage } from '../package.js';
import { clusterConfig, reachable, redacted, serverName, STATUS_PATH, type ClusterConfig } from './serve-cluster.js';

export { STATUS_PATH };

export interface ServeOptions {
  /** Rules file (default: examples/permissions.yml). */
  readonly permissions?: string;
  /** Default 6020; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** A deepstream users file (YAML or JSON): `name: { password, serverData?, clientData? }`. */
  readonly users?: string;
  /** Reload the rules when the file changes (default true). */
  readonly watch?: boolean;
  /** How long a changed file must stay unchanged before it is loaded (the plugin's `settleMs`; default 1000 ms, 0 with `reload: 'rename'`). */
  readonly settleMs?: number;
  /** `'change'` (default): reload on any change; `'rename'`: only when a new file is renamed over the rules file. */
  readonly reload?: ReloadMode;
  /** deepstream log level: DEBUG, INFO, WARN, ERROR or OFF (default INFO). */
  readonly logLevel?: string;
  readonly maxRuleIterations?: number;
  /** With an http(s) URL as `permissions`: milliseconds between two polls (the plugin's `pollMs`). */
  readonly pollMs?: number;
  /** `--decision-log stdout|logger|FILE`: the plugin's `decisionLog.to`. */
  readonly decisionLog?: string;
  /** `--decision-log-allows RATE`: the share of allows logged (0 to 1). */
  readonly decisionLogAllows?: number;
  /** `--decision-log-payload`: include the request's data. */
  readonly decisionLogPayload?: boolean;
  /** `--substitute-env`: the plugin's `substituteEnv` (`${NAME}` in path patterns from the server's environment, at every load). */
  readonly substituteEnv?: boolean;
  /** `--redis redis://HOST:PORT[/DB]`: join a cluster over Redis (message bus and record cache). */
  readonly redis?: string;
  /** `--storage postgres://USER@HOST:PORT/DB`: store records in Postgres. */
  readonly storage?: string;
  /** `--name`: deepstream's `serverName` (default `valve-serve`, or a unique name with `--redis`). */
  readonly name?: string;
  /** Extra deepstream configuration merged over the defaults here (tests use it for a logger). */
  readonly deepstream?: Readonly<Record<string, unknown>>;
}

export interface RunningServer {
  /** What clients connect to, e.g. `ws://127.0.0.1:6020/deepstream`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The absolute path of the rules file in use. */
  readonly permissions: string;
  /** deepstream's `serverName` of this node. */
  readonly name: string;
  /** GET this for the rules version in force (`http://HOST:PORT/valve`). */
  readonly statusUrl: string;
  /** The deepstream instance (its services, for tests and embedding). */
  readonly server: DeepstreamServer;
  /** Stops the server; resolves once it has stopped. Safe to call twice. */
  stop(): Promise<void>;
}

/** The part of deepstream's server class used here. */
export interface DeepstreamServer {
  start(): void;
  stop(): void;
  isRunning(): boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  getServices(): Record<string, unknown>;
}

/** The server could not start (the reasons were logged by deepstream and the plugin). */
export class ServeError extends Error {}

export const DEFAULT_PORT = 6020;
export const DEFAULT_HOST = '127.0.0.1';
const LOG_LEVELS: Readonly<Record<string, number>> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, OFF: 100 };
const FATAL_EXCEPTION = 'FATAL_EXCEPTION';

/** A file of this package, when it exists. */
function packageFile(relativePath: string): string | undefined {
  const root = findPackage()?.root;
  const path = root === undefined ? undefined : join(root, relativePath);
  return path !== undefined && existsSync(path) ? path : undefined;
}

/** Where adapters/deepstream/plugin.cjs looks for a Valve plugin module the process already loaded. */
export const PLUGIN_REGISTRY = Symbol.for('valve-toolchain.deepstream-plugin');

/** Lets the plugin loader use this process's copy of the plugin instead of importing a second one. */
export function registerPlugin(): void {
  (globalThis as Record<symbol, unknown>)[PLUGIN_REGISTRY] ??= plugin;
}

/** The file deepstream's `permission.path` points at. */
export function pluginLoaderPath(): string {
  const loader = packageFile(join('adapters', 'deepstream', 'plugin.cjs'));
  if (!loader) throw new UsageError('the Valve deepstream plugin (adapters/deepstream/plugin.cjs) is missing from this installation');
  return loader;
}

function rulesPath(given: string | undefined): string {
  // A URL is the plugin's to fetch (and to refuse, with its reason, when it can not).
  if (given !== undefined && plugin.isRulesUrl(given)) return given;
  if (given !== undefined) {
    const p = isAbsolute(given) ? given : resolve(given);
    if (!existsSync(p)) throw new UsageError(`cannot read ${given}: no such file`);
    return p;
  }
  const local = resolve('examples', 'permissions.yml');
  const found = existsSync(local) ? local : packageFile(join('examples', 'permissions.yml'));
  if (!found) throw new UsageError('no rules file given and examples/permissions.yml was not found; use --permissions FILE');
  return found;
}

type Users = Record<string, { password: string; serverData?: unknown; clientData?: unknown }>;

/** Reads a deepstream users file; every user needs a password. */
export function readUsers(file: string): Users {
  const text = readSource(file);
  let users: unknown;
  try {
    users = parseYaml(text);
  } catch (e) {
    throw new UsageError(`${file} is not YAML or JSON: ${errorText(e).split('\n')[0]}`);
  }
  if (users === null || typeof users !== 'object' || Array.isArray(users) || Object.keys(users).length === 0) {
    throw new UsageError(`${file} must map user names to { password, serverData?, clientData? }`);
  }
  for (const [name, entry] of Object.entries(users)) {
    if (entry === null || typeof entry !== 'object' || typeof (entry as { password?: unknown }).password !== 'string') {
      throw new UsageError(`${file}: user \`${name}\` needs a \`password\` string`);
    }
  }
  return users as Users;
}

/** A port nobody listens on now (for port 0). */
export function freePort(host = DEFAULT_HOST): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolveCheck) => {
    const probe = createServer();
    probe.once('error', () => resolveCheck(true));
    probe.listen(port, host, () => probe.close(() => resolveCheck(false)));
  });
}

/** `--decision-log*` as the plugin's `decisionLog` option (a relative file from the working directory). */
function decisionLogOptions(o: ServeOptions): DecisionLogOptions | undefined {
  if (o.decisionLog === undefined) {
    if (o.decisionLogAllows !== undefined || o.decisionLogPayload === true) throw new UsageError('--decision-log-allows and --decision-log-payload need --decision-log');
    return undefined;
  }
  if (o.decisionLogAllows !== undefined && !(o.decisionLogAllows >= 0 && o.decisionLogAllows <= 1)) throw new UsageError(`invalid --decision-log-allows ${o.decisionLogAllows}; give the share of allows to log, from 0 to 1`);
  const to = o.decisionLog === 'stdout' || o.decisionLog === 'logger' ? o.decisionLog : resolve(o.decisionLog);
  return { to, ...(o.decisionLogAllows !== undefined ? { allows: o.decisionLogAllows } : {}), ...(o.decisionLogPayload === true ? { payload: true } : {}) };
}

/** deepstream's configuration for `valve serve`. */
export function serveConfig(o: { permissions: string; host: string; port: number; users?: Users; watch: boolean; logLevel: number; maxRuleIterations?: number; settleMs?: number; reload?: ReloadMode; substituteEnv?: boolean; pollMs?: number; decisionLog?: DecisionLogOptions; name?: string; cluster?: ClusterConfig }): Record<string, unknown> {
  return {
    serverName: o.name ?? 'valve-serve',
    showLogo: false,
    logLevel: o.logLevel,
    exitOnFatalError: false,
    // Loading the plugin from TypeScript sources (a checkout) takes a moment on the first start.
    dependencyInitializationTimeout: 30_000,
    logger: { type: 'default', options: { colors: useColor(process.stdout), logLevel: o.logLevel } },
    httpServer: { type: 'default', options: { host: o.host, port: o.port } },
    connectionEndpoints: [{ type: 'ws-binary', options: { urlPath: '/deepstream' } }],
    auth: o.users ? [{ type: 'file', options: { users: o.users } }] : [{ type: 'none', options: {} }],
    permission: {
      path: pluginLoaderPath(),
      options: {
        permissions: o.permissions,
        watch: o.watch,
        ...(o.maxRuleIterations !== undefined ? { maxRuleIterations: o.maxRuleIterations } : {}),
        ...(o.settleMs !== undefined ? { settleMs: o.settleMs } : {}),
        ...(o.reload !== undefined ? { reload: o.reload } : {}),
        ...(o.substituteEnv === true ? { substituteEnv: true } : {}),
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.decisionLog !== undefined ? { decisionLog: o.decisionLog } : {}),
      },
    },
    cache: { type: 'default', options: {} },
    storage: { type: 'default', options: {} },
    ...o.cluster,
    monitoring: { type: 'none', options: {} },
    telemetry: { type: 'deepstreamIO', options: { enabled: false } },
  };
}

function merge(base: Record<string, unknown>, extra: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (!extra) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

async function loadDeepstream(): Promise<new (config: Record<string, unknown>) => DeepstreamServer> {
  try {
    const mod = (await import('@deepstream/server')) as unknown as { Deepstream: new (config: Record<string, unknown>) => DeepstreamServer };
    return mod.Deepstream;
  } catch (e) {
    throw new UsageError(`valve serve needs @deepstream/server 7 (npm install @deepstream/server): ${errorText(e).split('\n')[0]}`);
  }
}

/** Starts the server; rejects with UsageError (bad options) or ServeError (it did not start). */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const permissions = rulesPath(options.permissions);
  const host = options.host ?? DEFAULT_HOST;
  const requested = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) throw new UsageError(`invalid port ${requested}`);
  const logLevel = LOG_LEVELS[(options.logLevel ?? 'INFO').toUpperCase()];
  if (logLevel === undefined) throw new UsageError(`invalid log level ${options.logLevel}; use DEBUG, INFO, WARN, ERROR or OFF`);
  if (options.settleMs !== undefined && (!Number.isInteger(options.settleMs) || options.settleMs < 0)) throw new UsageError(`invalid settle time ${options.settleMs}; give whole milliseconds, 0 or more`);
  if (options.reload !== undefined && options.reload !== 'change' && options.reload !== 'rename') throw new UsageError(`invalid reload mode ${String(options.reload)}; use change or rename`);
  if (options.pollMs !== undefined && (!Number.isInteger(options.pollMs) || options.pollMs < 100)) throw new UsageError(`invalid poll interval ${options.pollMs}; give whole milliseconds, at least 100`);
  const users = options.users !== undefined ? readUsers(options.users) : undefined;
  const name = serverName(options);
  const cluster = clusterConfig(options);
  await reachable(options);
  const port = requested === 0 ? await freePort(host) : requested;
  if (requested !== 0 && (await portInUse(port, host))) throw new UsageError(`port ${port} on ${host} is already in use; choose another with --port`);
  const Deepstream = await loadDeepstream();
  registerPlugin();

  const config = merge(
    serveConfig({ permissions, host, port, users, watch: options.watch ?? true, logLevel, maxRuleIterations: options.maxRuleIterations, settleMs: options.settleMs, reload: options.reload, substituteEnv: options.substituteEnv, pollMs: options.pollMs, decisionLog: decisionLogOptions(options), name, cluster }),
    options.deepstream,
  );
  const server = new Deepstream(config);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((done) => {
      server.once('stopped', () => done());
      try {
        server.stop();
      } catch {
        done(); // already stopped
      }
    });
    return stopping;
  };

  await new Promise<void>((started, failed) => {
    const onFatal = (): void => failed(new ServeError('deepstream did not start (see the messages above)'));
    server.once(FATAL_EXCEPTION, onFatal);
    server.once('started', () => {
      server.on(FATAL_EXCEPTION, () => undefined); // later fatal events are logged by deepstream itself
      started();
    });
    server.start();
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  serveStatus(server);
  const address = host.includes(':') ? `[${host}]` : host;
  return { url: `ws://${address}:${port}/deepstream`, host, port, permissions, name: String(config.serverName), statusUrl: `http://${address}:${port}${STATUS_PATH}`, server, stop };
}


type Respond = (error: { statusCode: number; message: string } | null, data?: unknown) => void;
interface HttpService {
  registerGetPathPrefix?(prefix: string, handler: (meta: { url?: string }, respond: Respond) => void): void;
}

/**
 * GET /valve on the node's own HTTP server: the plugin's status() as JSON (RulesStatus). deepstream
 * matches GET paths by prefix; anything longer than /valve is not ours.
 */
function serveStatus(server: DeepstreamServer): void {
  const services = server.getServices();
  const http = services.httpService as HttpService | undefined;
  const permission = services.permission as { status?(): RulesStatus | null } | undefined;
  http?.registerGetPathPrefix?.(STATUS_PATH, (meta, respond) => {
    const path = (meta.url ?? '').split('?')[0];
    if (path !== STATUS_PATH) return respond({ statusCode: 404, message: 'Endpoint not found.' });
    const status = permission?.status?.() ?? null;
    if (status === null) return respond({ statusCode: 503, message: 'the Valve rules are not loaded' });
    respond(null, status);
  });
}

/** The command: start, print where to connect, run until SIGINT/SIGTERM. Returns the exit code. */
export async function runServe(options: ServeOptions = {}): Promise<ExitCode> {
  let running: RunningServer;
  try {
    running = await startServer(options);
  } catch (e) {
    process.stderr.write(`valve: ${errorText(e)}\n`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
  const watching = options.watch ?? true;
  process.stdout.write(
    [
      `valve serve: deepstream with Valve permissions from ${redacted(running.permissions)}`,
      `  connect clients to ${running.url}`,
      `  rules version: ${running.statusUrl}`,
      ...(options.redis !== undefined ? [`  cluster: node \`${running.name}\` over Redis ${redacted(options.redis)} (message bus and record cache)`] : []),
      ...(options.storage !== undefined ? [`  records stored in Postgres (${redacted(options.storage)})`] : []),
      `  authentication: ${options.users ? `users from ${options.users} (serverData becomes user.data)` : 'open (the login username becomes user.id)'}`,
      `  ${watching && plugin.isRulesUrl(running.permissions) ? `rules reload when ${redacted(running.permissions)} serves a new body (polled every ${options.pollMs ?? 5000} ms)` : watching ? (options.reload === 'rename' ? 'rules reload when a new file is renamed over the rules file' : 'rules reload when the file changes and has settled') : 'rules do not reload (--no-watch)'}; press Ctrl-C to stop`,
      '',
    ].join('\n'),
  );
  return untilSignalled('serve', () => running.stop());
}
