/**
 * Permission plugin for @deepstream/server 7.x: every client message that needs a permission is
 * decided by Valve rules. deepstream `require`s plugins and this package is ESM, so the server
 * loads runtime/deepstream-plugin.cjs, which imports this module and hands every call on:
 *
 *   permission:
 *     path: ./node_modules/valve-toolchain/runtime/deepstream-plugin.cjs
 *     options: { permissions: permissions.yml, watch: true, maxRuleIterations: 3 }
 *
 * `permissions` is a .yml/.yaml/.json rules file or a .mjs/.js module written by `valve compile`.
 * A file with errors never decides anything: at start-up every diagnostic is logged and the
 * server does not start; on a hot reload the last good rules stay in force.
 *
 * Records that rules read (`oldData`, `_()`) are loaded like the server's own Valve does: through
 * the record handler (cache first, then storage). On top of that, a load waits for record writes
 * that reached the server before the message being checked and were allowed, until they are in
 * the cache, so a rule always sees a write made just before it (see WriteOrder).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { formatText, summary } from '../cli/report.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostic.js';
import { createEngine, type Engine, type RulesInput } from './engine.js';
import { loadRules } from './engine-node.js';
import type { CheckRequest, Decision } from './evaluate.js';
import { DataError, requestFor, type DeepstreamMessage, type DeepstreamSocket } from './deepstream-messages.js';
import { compile } from './rules-module.js';
import { watchFile, type FileWatcher } from './watch.js';

export { buildRequest, DataError, MESSAGE_ACTIONS, requestFor, ruleFor, TOPIC, type ActionMapping, type DeepstreamMessage, type DeepstreamSocket, type MessageRule } from './deepstream-messages.js';

// ---------------------------------------------------------------------------------------------
// What the server hands a permission plugin (only the parts used here; messages and sockets are
// in deepstream-messages.ts).

/** `error` non-null makes the server answer MESSAGE_PERMISSION_ERROR, `allowed` false MESSAGE_DENIED. */
export type PermissionCallback = (socket: DeepstreamSocket, message: DeepstreamMessage, passItOn: unknown, error: string | null, allowed: boolean) => void;

type LogFn = (event: string, message: string, meta?: unknown) => void;
export interface DeepstreamLogger {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  getNameSpace?(namespace: string): DeepstreamLogger;
  /** deepstream's loggers tell whether a level is on (0 = DEBUG). */
  shouldLog?(level: number): boolean;
}

type StorageCallback = (error: unknown, version: number, data: unknown) => void;
interface RecordStore {
  get(name: string, callback: StorageCallback, metaData?: unknown): void;
}

export interface DeepstreamServices {
  readonly logger: DeepstreamLogger;
  readonly cache?: RecordStore;
  readonly storage?: RecordStore;
}

/** The server's record handler: how its own Valve loads records, and its in-flight writes. */
export interface RecordHandlerLike {
  runWhenRecordStable?(name: string, callback: (name: string) => void): void;
  removeRecordRequest?(name: string): void;
  recordRequest?(name: string, socket: null, onComplete: (name: string, version: number, data: unknown) => void, onError: (event: unknown, message: unknown) => void): void;
  /** One RecordTransition per record while updates are being applied to the cache. */
  readonly transitions?: Map<string, { readonly isDestroyed?: boolean }>;
}

export interface ValveOptions {
  /** The rules: .yml/.yaml/.json, or a .mjs/.js module written by `valve compile`. */
  readonly permissions: string;
  /** Reload the rules when the file changes (default false). */
  readonly watch?: boolean;
  /** Rounds of `_()` loads per check (default 3, as deepstream). */
  readonly maxRuleIterations?: number;
  /** Longest wait for one record load, in ms (passed to the engine). */
  readonly loadTimeoutMs?: number;
  /** Quiet time after a file change before reloading (default 100 ms). */
  readonly debounceMs?: number;
}

/** Record messages that change the stored record once allowed. */
const WRITES = new Set(['CREATE', 'UPDATE', 'PATCH', 'ERASE', 'DELETE']);

// ---------------------------------------------------------------------------------------------

/**
 * Record writes being checked or applied, in arrival order. A record load made for a check waits
 * for the writes of that record that arrived before the check, so a rule reading `oldData` or
 * `_()` sees them. A check only ever waits for earlier tickets, so waits can not form a cycle.
 */
class WriteOrder {
  private last = 0;
  private readonly inFlight = new Map<string, { readonly ticket: number; readonly done: Promise<void> }[]>();

  ticket(): number {
    return ++this.last;
  }

  /** Registers a write; call the result once with a promise that settles when it is applied (or with nothing when it was refused). */
  begin(name: string, ticket: number): (applied?: Promise<void>) => void {
    let release!: () => void;
    const entry = { ticket, done: new Promise<void>((r) => (release = r)) };
    const list = this.inFlight.get(name);
    if (list) list.push(entry);
    else this.inFlight.set(name, [entry]);
    let finished = false;
    return (applied) => {
      if (finished) return;
      finished = true;
      void (applied ?? Promise.resolve()).catch(() => undefined).then(() => {
        release();
        const now = this.inFlight.get(name);
        const rest = now?.filter((e) => e !== entry) ?? [];
        if (rest.length > 0) this.inFlight.set(name, rest);
        else this.inFlight.delete(name);
      });
    };
  }

  /** Settles when every write of `name` with an earlier ticket is done; undefined when there is none. */
  earlier(name: string, ticket: number): Promise<void> | undefined {
    const list = this.inFlight.get(name)?.filter((e) => e.ticket < ticket);
    return list && list.length > 0 ? Promise.all(list.map((e) => e.done)).then(() => undefined) : undefined;
  }
}

/** One line for the debug log: who wanted what, the answer, and which rule gave it. */
function describeDecision(d: Decision, request: CheckRequest): string {
  const where = d.pattern !== undefined ? ` by "${d.pattern}" at ${d.location ?? '?'}` : '';
  return `${d.allowed ? 'allowed' : 'denied'} ${d.section} ${d.action} (${request.messageAction}) of "${d.name ?? ''}" for "${request.user?.id}"${where}: ${d.reason.code} ${d.reason.message}`;
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Longest wait for a record's in-flight update to reach the cache before reading it anyway. */
const SETTLE_LIMIT_MS = 2000;

type Loaded = { readonly input: RulesInput; readonly diagnostics: readonly Diagnostic[]; readonly source?: string } | { readonly failed: string; readonly diagnostics: readonly Diagnostic[]; readonly source?: string };

export class ValvePermission {
  description = 'Valve permissions (valve-toolchain)';
  private engine?: Engine;
  private recordHandler: RecordHandlerLike | null = null;
  private watcher?: FileWatcher;
  private reloads: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly logger: DeepstreamLogger;
  private readonly writes = new WriteOrder();
  private readonly configError?: string;
  /** Absolute path read from disk. */
  private readonly path: string;
  /** The path as diagnostics and rule locations show it. */
  private readonly file: string;

  constructor(
    private readonly options: ValveOptions,
    private readonly services: DeepstreamServices,
    _config?: unknown,
  ) {
    this.logger = services.logger.getNameSpace?.('PERMISSION') ?? services.logger;
    const given = options?.permissions;
    const base = (globalThis as { deepstreamConfDir?: string }).deepstreamConfDir ?? process.cwd();
    this.path = typeof given === 'string' ? (isAbsolute(given) ? given : resolve(base, given)) : '';
    const shown = relative(process.cwd(), this.path);
    this.file = shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : this.path;
    const iterations = options?.maxRuleIterations;
    if (typeof given !== 'string' || given === '') this.configError = 'the option `permissions` (the path of the rules file) is missing';
    else if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 1)) this.configError = 'the option `maxRuleIterations` must be a whole number of at least 1';
    this.description = `Valve permissions (valve-toolchain) from ${this.file}`;
  }

  /** Loads the rules. On failure every diagnostic is logged, the failure is fatal and this never settles, so the server does not start. */
  async whenReady(): Promise<void> {
    if (this.configError) return this.refuseToStart(`invalid permission options: ${this.configError}`);
    const loaded = await this.load();
    if ('failed' in loaded) {
      this.logDiagnostics(loaded.diagnostics, loaded.source, 'error');
      return this.refuseToStart(loaded.failed);
    }
    try {
      this.engine = createEngine({
        rules: loaded.input,
        loadRecord: this.loadRecord,
        ...(this.options.maxRuleIterations !== undefined ? { maxRuleIterations: this.options.maxRuleIterations } : {}),
        ...(this.options.loadTimeoutMs !== undefined ? { loadTimeoutMs: this.options.loadTimeoutMs } : {}),
      });
    } catch (e) {
      return this.refuseToStart(`${this.file} can not be used: ${message(e)}`);
    }
    this.logDiagnostics(loaded.diagnostics, loaded.source, 'warn');
    this.logger.info('INFO', `rules loaded from ${this.file}`);
    if (this.options.watch === true && !this.closed) {
      this.watcher = watchFile(this.path, () => this.scheduleReload(), {
        ...(this.options.debounceMs !== undefined ? { debounceMs: this.options.debounceMs } : {}),
        onError: (e) => this.logger.error('PLUGIN_ERROR', `watching ${this.file} failed, rules will not reload: ${e.message}`),
      });
      this.logger.info('INFO', `watching ${this.file} for changes`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    await this.reloads;
  }

  /** Called by the server once its record handler exists. */
  setRecordHandler(recordHandler: RecordHandlerLike | null): void {
    this.recordHandler = recordHandler;
  }

  /** Reads and compiles the rules again now (what a file change triggers). */
  reload(): Promise<void> {
    this.scheduleReload();
    return this.reloads;
  }

  canPerformAction(socket: DeepstreamSocket, msg: DeepstreamMessage, callback: PermissionCallback, passItOn: unknown): void {
    let answered = false;
    const answer = (error: string | null, allowed: boolean): void => {
      if (answered) return;
      answered = true;
      try {
        callback(socket, msg, passItOn, error, allowed);
      } catch (e) {
        this.logger.error('PLUGIN_ERROR', `the server failed while handling a permission answer for "${msg.name ?? ''}": ${message(e)}`);
      }
    };
    let finish: ((applied?: Promise<void>) => void) | undefined;
    const fail = (e: unknown): void => {
      const why = e instanceof DataError ? e.message : `internal error: ${message(e)}`;
      this.logger.warn('MESSAGE_PERMISSION_ERROR', `denied "${msg.name ?? ''}" (topic ${msg.topic}, action ${msg.action}): ${why}`);
      answer(why, false);
      finish?.();
    };
    try {
      const request = requestFor(msg, socket);
      if (request === null) return answer(null, true);
      const engine = this.engine;
      if (!engine) return fail(new Error('no rules are loaded'));
      const ticket = this.writes.ticket();
      const name = request.name;
      if (request.type === 'record' && name !== undefined && WRITES.has(request.messageAction ?? '')) finish = this.writes.begin(name, ticket);
      const decide = (d: Decision): void => {
        if (this.logger.shouldLog?.(0)) this.logger.debug('PERMISSION_DECISION', describeDecision(d, request));
        if (d.error !== undefined) {
          this.logger.warn('MESSAGE_PERMISSION_ERROR', `${d.section} ${d.action} of "${d.name ?? ''}" by "${request.user?.id}" denied: ${d.reason.code} ${d.error}${d.location ? ` (rule at ${d.location})` : ''}`);
          answer(`${d.reason.code}: ${d.error}`, false);
        } else answer(null, d.allowed);
        // The answer handed an allowed write to the server (synchronously): wait for it to be applied.
        finish?.(d.allowed && name !== undefined ? this.settled(name) : undefined);
      };
      const result = engine.check(request, { loadRecord: (name) => this.loadRecord(name, ticket) });
      if (isPromise(result)) result.then(decide, fail);
      else decide(result);
    } catch (e) {
      fail(e);
    }
  }

  // -------------------------------------------------------------------------------------------

  private readonly loadRecord = async (name: string, ticket?: number): Promise<unknown> => {
    const before = ticket === undefined ? undefined : this.writes.earlier(name, ticket);
    if (before) await before;
    await this.settled(name);
    return this.readRecord(name);
  };

  /** Settles once no update of `name` is on its way into the cache (bounded by SETTLE_LIMIT_MS). */
  private async settled(name: string): Promise<void> {
    const transitions = this.recordHandler?.transitions;
    const t = transitions?.get(name);
    if (!t) return;
    const until = Date.now() + SETTLE_LIMIT_MS;
    while (!t.isDestroyed && transitions?.get(name) === t && Date.now() < until) await nextTurn();
  }

  /** The stored record (null when there is none), read the way the server's own Valve reads it. */
  private readRecord(name: string): Promise<unknown> {
    const handler = this.recordHandler;
    return new Promise((resolvePromise, reject) => {
      if (handler?.recordRequest && handler.runWhenRecordStable) {
        handler.runWhenRecordStable(name, () => {
          handler.recordRequest!(
            name,
            null,
            (_n, _version, data) => {
              handler.removeRecordRequest?.(name);
              resolvePromise(data ?? null);
            },
            (event, error) => {
              handler.removeRecordRequest?.(name);
              reject(new Error(`${String(event)}: ${String(error)}`));
            },
          );
        });
        return;
      }
      // No record handler (records disabled): cache, then storage.
      const { cache, storage } = this.services;
      if (!cache) return reject(new Error('the server has no record cache'));
      cache.get(name, (error, _v, data) => {
        if (error) return reject(new Error(`cache: ${String(error)}`));
        if (data !== null && data !== undefined) return resolvePromise(data);
        if (!storage) return resolvePromise(null);
        storage.get(name, (e, _v2, stored) => (e ? reject(new Error(`storage: ${String(e)}`)) : resolvePromise(stored ?? null)));
      });
    });
  }

  private async load(): Promise<Loaded> {
    if (/\.(mjs|js)$/i.test(this.path)) {
      try {
        return { input: await loadRules(this.path), diagnostics: [] };
      } catch (e) {
        return { failed: `${this.file} can not be loaded: ${message(e)}`, diagnostics: [] };
      }
    }
    let source: string;
    try {
      source = await readFile(this.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { failed: `can not read ${this.file}: ${code === 'ENOENT' ? 'no such file' : message(e)}`, diagnostics: [] };
    }
    const { diagnostics, module } = compile(source, { file: this.file });
    if (!module || hasErrors(diagnostics)) return { failed: `${summary(diagnostics, 1)}: ${this.file} can not be used`, diagnostics, source };
    return { input: module, diagnostics, source };
  }

  private logDiagnostics(diagnostics: readonly Diagnostic[], source: string | undefined, level: 'error' | 'warn'): void {
    for (const d of diagnostics) {
      const how = d.severity === 'error' ? 'error' : d.severity === 'info' ? 'info' : level;
      this.logger[how]('PERMISSION_RULES', formatText(d, source, { color: false }));
    }
  }

  private refuseToStart(why: string): Promise<never> {
    this.logger.fatal('PLUGIN_INITIALIZATION_ERROR', `${why}; the server will not start`);
    // Never settles: the server stays short of starting (deepstream's fatal handling exits when run from its CLI).
    return new Promise<never>(() => undefined);
  }

  private scheduleReload(): void {
    this.reloads = this.reloads.then(() => this.reloadNow()).catch((e) => this.logger.error('PLUGIN_ERROR', `reloading ${this.file} failed: ${message(e)}`));
  }

  private async reloadNow(): Promise<void> {
    if (this.closed || !this.engine) return;
    const loaded = await this.load();
    if (this.closed) return;
    if ('failed' in loaded) {
      this.logDiagnostics(loaded.diagnostics, loaded.source, 'error');
      this.logger.error('PLUGIN_ERROR', `${loaded.failed}; the rules loaded before stay in force`);
      return;
    }
    try {
      this.engine.replace(loaded.input);
    } catch (e) {
      this.logger.error('PLUGIN_ERROR', `${this.file} can not be used: ${message(e)}; the rules loaded before stay in force`);
      return;
    }
    this.logDiagnostics(loaded.diagnostics, loaded.source, 'warn');
    this.logger.info('INFO', `rules reloaded from ${this.file}`);
  }
}

export default ValvePermission;
