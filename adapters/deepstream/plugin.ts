/**
 * Permission plugin for @deepstream/server 7.x: every client message that needs a permission is
 * decided by Valve rules. deepstream `require`s plugins and this package is ESM, so the server
 * loads adapters/deepstream/plugin.cjs, which imports this module and hands every call on:
 *
 *   permission:
 *     path: ./node_modules/valve-toolchain/adapters/deepstream/plugin.cjs
 *     options: { permissions: permissions.yml, watch: true, maxRuleIterations: 3 }
 *
 * `permissions` is a .yml/.yaml/.json rules file or a .mjs/.js module written by `valve compile`.
 * A file with errors never decides anything: at start-up every diagnostic is logged and the
 * server does not start; on a hot reload the last good rules stay in force.
 *
 * Records that rules read (`oldData`, `_()`) are loaded like the server's own Valve does: through
 * the record handler (cache first, then storage). On top of that, a load waits for record writes
 * that reached the server before the message being checked: for those still being checked
 * (adapters/deepstream/write-order.ts), then for the record's updates on their way into the cache
 * (settled()), so a rule always sees a write made just before it.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { formatText, summary, hasErrors, type Diagnostic, visible, errorText } from '../../grammar/index.js';
import { COMPILE_LIMITS } from '../../compiler/index.js';
import { CompilerThread, loadSlices, type CompileAnswer, isCompiledModule, loadRules, readSource, utf8BytesFor, fileVersion, sameVersion, watchFile, type FileVersion, type FileWatcher } from '../node/index.js';
import { createEngine, type Engine, type RulesInput, resolveLimits, type RuntimeLimits, type CheckRequest, type Decision, compile } from '../../engine/index.js';
import { buildRequest, DataError, ruleFor, type DeepstreamMessage, type DeepstreamSocket } from './messages.js';
import { WriteOrder } from './write-order.js';
import { rulesVersion, RulesVersions, type RulesStatus } from './version.js';
import { DecisionLog, decisionLogProblem, type DecisionLogOptions } from './decision-log.js';
import { DEFAULT_POLL_MS, fetchRules, isRulesUrl, pollRules, shownUrl, type RulesPoller } from './rules-url.js';

export { buildRequest, DataError, MESSAGE_ACTIONS, requestFor, ruleFor, TOPIC, type ActionMapping, type DeepstreamMessage, type DeepstreamSocket, type MessageRule } from './messages.js';

// ---------------------------------------------------------------------------------------------
// What the server hands a permission plugin (only the parts used here; messages and sockets are
// in messages.ts).

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
  /**
   * The rules: .yml/.yaml/.json, or a .mjs/.js module written by `valve compile`; or an
   * http(s):// URL serving YAML or JSON rules (rules-url.ts), polled with `watch`.
   */
  readonly permissions: string;
  /** With a URL and `watch`: milliseconds between two polls (default 5000). */
  readonly pollMs?: number;
  /** A JSON line per decision (denies; allows sampled): decision-log.ts. Off by default. */
  readonly decisionLog?: DecisionLogOptions;
  /** Reload the rules when the file changes (default false). */
  readonly watch?: boolean;
  /** Rounds of `_()` loads per check (default 3, as deepstream). */
  readonly maxRuleIterations?: number;
  /** Longest wait for one record load, in ms (passed to the engine). */
  readonly loadTimeoutMs?: number;
  /** Quiet time after a file change before reloading (default 100 ms). */
  readonly debounceMs?: number;
  /**
   * How long the file's size and mtime must stay unchanged before it is loaded (default 1000 ms
   * with `reload: 'change'`, 0 with `'rename'`); they are checked again right before the swap.
   */
  readonly settleMs?: number;
  /**
   * `'change'` (default): reload on any change, once the file has settled. `'rename'`: reload only
   * when a new file was renamed over the path (a new inode); in-place writes are logged and ignored.
   */
  readonly reload?: ReloadMode;
  /** Run-time limits (engine/limits.ts, e.g. `maxRecordSize`); each one left out keeps its default. */
  readonly limits?: Partial<RuntimeLimits>;
  /**
   * Substitute `${NAME}` in path patterns from the server's environment (deepstream's
   * substituteEnv; rule expressions are never rewritten; an unset variable is VLV0117).
   */
  readonly substituteEnv?: boolean;
}

export type ReloadMode = 'change' | 'rename';

/** Default wait for a changed file to stop changing before it is loaded (`reload: 'change'`). */
export const DEFAULT_SETTLE_MS = 1000;

/**
 * The most bytes read of a rules file: a file cut there still holds more characters than the
 * compiler reads (UTF-8 needs at most 3 bytes per UTF-16 unit), so it is refused as too long
 * (VLV0701), never compiled cut short.
 */
const MAX_RULES_BYTES = utf8BytesFor(COMPILE_LIMITS.maxFileSize + 1);

/** The most bytes of a `valve compile` module read to hash it (its version); the import reads it all. */
const MAX_MODULE_BYTES = 256 * 1024 * 1024;

/**
 * One line for the debug log: who wanted what, the answer, and which rule gave it. User and
 * record names come from clients, patterns from the rules file: escaped (issue #13, item 10).
 */
function describeDecision(d: Decision, request: CheckRequest): string {
  const where = d.pattern !== undefined ? ` by "${d.pattern}" at ${d.location ?? '?'}` : '';
  return visible(`${d.allowed ? 'allowed' : 'denied'} ${d.section} ${d.action} (${request.messageAction}) of "${d.name ?? ''}" for "${request.user?.id}"${where}: ${d.reason.code} ${d.reason.message}`);
}

/**
 * A diagnostic as `valve check` prints it, safe for a log: its own fields escaped, then every
 * line of the excerpt (the lines are formatText's own; a `\n` inside a field is escaped first).
 */
function logText(d: Diagnostic, source: string | undefined): string {
  const safe: Diagnostic = { ...d, file: visible(d.file), message: visible(d.message), ...(d.hint !== undefined ? { hint: visible(d.hint) } : {}) };
  return formatText(safe, source, { color: false }).split('\n').map(visible).join('\n');
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

/** Longest wait for a record's in-flight update to reach the cache before reading it anyway. */
const SETTLE_LIMIT_MS = 2000;

/** `version`: rulesVersion of the text read (absent when the file could not be read). */
type Loaded =
  | { readonly input: RulesInput; readonly version: string; readonly diagnostics: readonly Diagnostic[]; readonly source?: string; readonly timing?: Omit<ReloadTiming, 'swapMs'> }
  | { readonly failed: string; readonly version?: string; readonly diagnostics: readonly Diagnostic[]; readonly source?: string };

/** Where the time of the last reload went (logged, and read by bench/reload-stall.ts). */
export interface ReloadTiming {
  /** `'worker'`: compiled in the worker thread; `'main'`: on the event loop (the worker failed). */
  readonly compiledOn: 'worker' | 'main';
  /** From sending the text to the worker to its answer (on the main thread: the compile itself). */
  readonly compileMs: number;
  /** Event-loop turns spent turning the worker's code into rules and pattern lists (0 on the main thread). */
  readonly turns: number;
  /** The longest of those turns. */
  readonly longestTurnMs: number;
  /** engine.replace: swapping the new rules in (on the main thread: building them too), in one turn. */
  readonly swapMs: number;
}

/** The file's text, or why it can not be read. */
type Read = { readonly source: string } | { readonly failed: string; readonly diagnostics: readonly Diagnostic[] };

export class ValvePermission {
  description = 'Valve permissions (valve-toolchain)';
  private engine?: Engine;
  private recordHandler: RecordHandlerLike | null = null;
  private watcher?: FileWatcher;
  private reloads: Promise<void> = Promise.resolve();
  /** Compiles reloads off the event loop; started by the first reload. */
  private compiler?: CompilerThread;
  /** The version of the file whose rules are in force (`reload: 'rename'` compares inodes). */
  private inForce?: FileVersion;
  private readonly reloadMode: ReloadMode;
  private readonly settleMs: number;
  /** With `substituteEnv`: the environment as each load finds it (a plain copy, sent to the worker). */
  private get env(): Readonly<Record<string, string | undefined>> | undefined {
    return this.options?.substituteEnv === true ? { ...process.env } : undefined;
  }
  private closed = false;
  private readonly logger: DeepstreamLogger;
  private readonly writes = new WriteOrder();
  private readonly configError?: string;
  /** Absolute path read from disk. */
  private readonly path: string;
  /** The path as diagnostics and rule locations show it. */
  private readonly file: string;
  /** The version in force and the last refusal (RulesVersions, read by status()). */
  private readonly versions: RulesVersions;
  /** `permissions` as an http(s) URL (then `path` is unused), and its poller. */
  private readonly url?: string;
  private poller?: RulesPoller;
  /** The body the poller just fetched, read by the reload it triggers instead of a second request. */
  private polled?: string;
  /** deepstream's `serverName`, when the server gave one. */
  private readonly serverName?: string;
  private decisions?: DecisionLog;

  constructor(
    private readonly options: ValveOptions,
    private readonly services: DeepstreamServices,
    config?: unknown,
  ) {
    this.logger = services.logger.getNameSpace?.('PERMISSION') ?? services.logger;
    const given = options?.permissions;
    const base = (globalThis as { deepstreamConfDir?: string }).deepstreamConfDir ?? process.cwd();
    if (typeof given === 'string' && isRulesUrl(given)) this.url = given;
    this.path = typeof given === 'string' && this.url === undefined ? (isAbsolute(given) ? given : resolve(base, given)) : '';
    const shown = relative(process.cwd(), this.path);
    this.file = this.url !== undefined ? shownUrl(this.url) : (shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : this.path);
    const iterations = options?.maxRuleIterations;
    if (typeof given !== 'string' || given === '') this.configError = 'the option `permissions` (the path of the rules file) is missing';
    else if (this.url !== undefined && !URL.canParse(this.url)) this.configError = 'the option `permissions` is not a valid URL';
    else if (this.url !== undefined && /\.[cm]?js$/i.test(new URL(this.url).pathname)) this.configError = 'the option `permissions` is a URL of a JavaScript module; a URL must serve YAML or JSON rules (a module is code, imported only from a local file)';
    else if (options?.pollMs !== undefined && !(typeof options.pollMs === 'number' && Number.isInteger(options.pollMs) && options.pollMs >= 100)) this.configError = 'the option `pollMs` must be a whole number of milliseconds, at least 100';
    else if (options?.decisionLog !== undefined && decisionLogProblem(options.decisionLog) !== undefined) this.configError = `the option \`decisionLog\` ${decisionLogProblem(options.decisionLog)}`;
    else if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < 1)) this.configError = 'the option `maxRuleIterations` must be a whole number of at least 1';
    else if (options?.substituteEnv !== undefined && typeof options.substituteEnv !== 'boolean') this.configError = 'the option `substituteEnv` must be true or false';
    else if (options?.reload !== undefined && options.reload !== 'change' && options.reload !== 'rename') this.configError = "the option `reload` must be 'change' or 'rename'";
    else if (options?.settleMs !== undefined && !(typeof options.settleMs === 'number' && Number.isInteger(options.settleMs) && options.settleMs >= 0)) this.configError = 'the option `settleMs` must be a whole number of milliseconds (0 or more)';
    else if (options?.limits !== undefined) {
      try {
        resolveLimits(options.limits);
      } catch (e) {
        this.configError = `the option \`limits\`: ${errorText(e)}`;
      }
    }
    this.reloadMode = options?.reload === 'rename' ? 'rename' : 'change';
    this.settleMs = typeof options?.settleMs === 'number' ? options.settleMs : this.reloadMode === 'rename' ? 0 : DEFAULT_SETTLE_MS;
    this.description = `Valve permissions (valve-toolchain) from ${this.file}`;
    const server = config !== null && typeof config === 'object' ? (config as { serverName?: unknown }).serverName : undefined;
    if (typeof server === 'string') this.serverName = server;
    this.versions = new RulesVersions(this.file, this.serverName);
  }

  /** Which rules this node enforces, and the last file it refused since (the GET /valve answer). */
  status(): RulesStatus {
    return this.versions.status();
  }

  /** Loads the rules. On failure every diagnostic is logged, the failure is fatal and this never settles, so the server does not start. */
  async whenReady(): Promise<void> {
    if (this.configError) return this.refuseToStart(`invalid permission options: ${this.configError}`);
    // Start-up compiles here, on the main thread: the server accepts no connection before this
    // settles, so there is no event loop to keep free yet, and a server that never reloads never
    // starts a worker.
    const version = this.url === undefined ? await fileVersion(this.path) : undefined;
    const loaded = await this.load();
    if ('failed' in loaded) {
      this.logDiagnostics(loaded.diagnostics, loaded.source, 'error');
      return this.refuseToStart(loaded.failed);
    }
    this.inForce = version;
    try {
      this.engine = createEngine({
        rules: loaded.input,
        loadRecord: this.loadRecord,
        ...(this.options.maxRuleIterations !== undefined ? { maxRuleIterations: this.options.maxRuleIterations } : {}),
        ...(this.options.loadTimeoutMs !== undefined ? { loadTimeoutMs: this.options.loadTimeoutMs } : {}),
        ...(this.options.limits !== undefined ? { limits: this.options.limits } : {}),
      });
    } catch (e) {
      return this.refuseToStart(`${this.file} can not be used: ${errorText(e)}`);
    }
    this.logDiagnostics(loaded.diagnostics, loaded.source, 'warn');
    this.versions.loaded(loaded.version);
    this.logger.info('INFO', `rules loaded from ${this.file}, version ${loaded.version}`);
    if (this.options.decisionLog !== undefined) {
      const log = this.options.decisionLog;
      this.decisions = new DecisionLog(log, {
        ...(this.serverName !== undefined ? { node: this.serverName } : {}),
        version: () => this.versions.current,
        info: (line) => this.logger.info('PERMISSION_DECISION', line),
        error: (message) => this.logger.error('PLUGIN_ERROR', visible(message)),
      });
      this.logger.info('INFO', visible(`logging decisions to ${log.to} (denies ${log.denies === false ? 'off' : 'on'}, allows ${log.allows ?? 0}, payload ${log.payload === true ? 'on' : 'off'})`));
    }
    if (this.options.watch === true && !this.closed && this.url !== undefined) this.startPolling(loaded.source);
    else if (this.options.watch === true && !this.closed) {
      this.watcher = watchFile(this.path, (v) => this.scheduleReload({ version: v }), {
        ...(this.options.debounceMs !== undefined ? { debounceMs: this.options.debounceMs } : {}),
        settleMs: this.settleMs,
        onError: (e) => this.logger.error('PLUGIN_ERROR', `watching ${this.file} failed, rules will not reload: ${e.message}`),
      });
      this.logger.info('INFO', `watching ${this.file} for changes (${this.reloadMode === 'rename' ? 'files renamed over it' : 'any change'}${this.settleMs > 0 ? `, loaded once unchanged for ${this.settleMs} ms` : ''})`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    this.poller?.close();
    this.poller = undefined;
    await this.decisions?.close();
    // Terminating the worker ends a compile under way at once (the reload then stops).
    const compiler = this.compiler;
    this.compiler = undefined;
    await compiler?.close();
    await this.reloads;
  }

  /** Reloads compiled in the worker thread so far (tests and bench/reload-stall.ts check that reloads use it). */
  get workerCompiles(): number {
    return this.compiler?.answered ?? 0;
  }

  /** Where the time of the last successful reload went; undefined before one. */
  lastReload?: ReloadTiming;

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
    // The common case, a decision made synchronously, answers at the end of this function and
    // allocates no closure; only a check that loads records goes on in a promise (checkAsync).
    let error: string | null = null;
    let allowed = false;
    try {
      const rule = ruleFor(msg);
      if (rule === undefined) allowed = true;
      else {
        const request = buildRequest(rule, msg, socket);
        const engine = this.engine;
        if (engine === undefined) throw new Error('no rules are loaded');
        const ticket = this.writes.ticket();
        // Loads wait for the writes under way that arrived before this check. With none under way
        // now, none ever will be (later writes get later tickets): the engine's own loader, which
        // waits for no write, does the same without a closure and options object per check.
        const result = this.writes.idle ? engine.check(request) : engine.check(request, { loadRecord: (name) => this.loadRecord(name, ticket) });
        if (result instanceof Promise) return this.checkAsync(socket, msg, callback, passItOn, request, result, rule.changesRecord ? ticket : undefined);
        error = this.judge(result, request);
        allowed = error === null && result.allowed;
      }
    } catch (e) {
      error = this.failure(msg, e);
      allowed = false;
    }
    this.answer(socket, msg, callback, passItOn, error, allowed);
  }

  /**
   * A check that loads records. A record write is registered until it is answered, so loads of
   * that record by checks that arrive meanwhile wait for it (see WriteOrder).
   */
  private checkAsync(socket: DeepstreamSocket, msg: DeepstreamMessage, callback: PermissionCallback, passItOn: unknown, request: CheckRequest, result: Promise<Decision>, writeTicket: number | undefined): void {
    const write = writeTicket !== undefined && request.name !== undefined ? this.writes.begin(request.name, writeTicket) : undefined;
    const settle = (error: string | null, allowed: boolean): void => {
      this.answer(socket, msg, callback, passItOn, error, allowed);
      // After the answer: an allowed write is now in the server's hands (its transition exists),
      // which the loads that waited for it then wait for in their turn (settled()).
      if (write !== undefined) this.writes.end(write);
    };
    result.then(
      (d) => {
        let error: string | null;
        try {
          error = this.judge(d, request);
        } catch (e) {
          error = this.failure(msg, e);
        }
        settle(error, error === null && d.allowed);
      },
      (e: unknown) => settle(this.failure(msg, e), false),
    );
  }

  /** Logs a decision; the error to answer with (null when it is a plain allow or deny). */
  private judge(d: Decision, request: CheckRequest): string | null {
    if (this.logger.shouldLog?.(0)) this.logger.debug('PERMISSION_DECISION', describeDecision(d, request));
    if (this.decisions?.wants(d.allowed)) this.decisions.record(d, request);
    if (d.error === undefined) return null;
    this.logger.warn('MESSAGE_PERMISSION_ERROR', visible(`${d.section} ${d.action} of "${d.name ?? ''}" by "${request.user?.id}" denied: ${d.reason.code} ${d.error}${d.location ? ` (rule at ${d.location})` : ''}`));
    return `${d.reason.code}: ${d.error}`;
  }

  /** Logs a check that could not be made; the error to answer with. */
  private failure(msg: DeepstreamMessage, e: unknown): string {
    const why = e instanceof DataError ? e.message : `internal error: ${errorText(e)}`;
    this.logger.warn('MESSAGE_PERMISSION_ERROR', visible(`denied "${msg.name ?? ''}" (topic ${msg.topic}, action ${msg.action}): ${why}`));
    return why;
  }

  /** Hands the answer to the server, once per message; a failure in the server is logged, never thrown back. */
  private answer(socket: DeepstreamSocket, msg: DeepstreamMessage, callback: PermissionCallback, passItOn: unknown, error: string | null, allowed: boolean): void {
    try {
      callback(socket, msg, passItOn, error, allowed);
    } catch (e) {
      this.logger.error('PLUGIN_ERROR', visible(`the server failed while handling a permission answer for "${msg.name ?? ''}": ${errorText(e)}`));
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

  /** The rules for start-up, compiled here. */
  private async load(): Promise<Loaded> {
    if (isCompiledModule(this.path)) return this.loadModule();
    const read = await this.readRules();
    if ('failed' in read) return read;
    const { source } = read;
    const version = rulesVersion(source);
    const { diagnostics, module } = compile(source, this.env ? { file: this.file, env: this.env } : { file: this.file });
    if (!module || hasErrors(diagnostics)) return { failed: `${summary(diagnostics, 1)}: ${this.file} can not be used`, version, diagnostics, source };
    return { input: module, version, diagnostics, source };
  }

  /**
   * The rules for a reload: compiled in the worker, then made into a RuleSet a few milliseconds
   * per event-loop turn (loadSlices); engine.replace then only swaps it in.
   */
  private async loadOffThread(): Promise<Loaded | undefined> {
    if (isCompiledModule(this.path)) return this.loadModule();
    const read = await this.readRules();
    if (this.closed) return undefined;
    if ('failed' in read) return read;
    const { source } = read;
    let answer: CompileAnswer;
    const t0 = performance.now();
    try {
      this.logger.info('INFO', `reloading ${this.file}: compiling it in a worker thread`);
      answer = await (this.compiler ??= new CompilerThread()).compile(source, this.file, this.env);
    } catch (e) {
      if (this.closed) return undefined;
      this.logger.warn('PLUGIN_ERROR', visible(`the compile worker failed (${errorText(e)}); compiling ${this.file} on the main thread instead`));
      return this.compileHere(source);
    }
    const compileMs = performance.now() - t0;
    const version = rulesVersion(source);
    if (answer.error !== undefined) return { failed: `${this.file} can not be compiled: internal error: ${answer.error}`, version, diagnostics: answer.diagnostics, source };
    if (!answer.slices || hasErrors(answer.diagnostics)) return { failed: `${summary(answer.diagnostics, 1)}: ${this.file} can not be used`, version, diagnostics: answer.diagnostics, source };
    const back = await loadSlices(this.file, answer.slices, () => this.closed);
    if (!back) return undefined;
    return { input: back.rules, version, diagnostics: answer.diagnostics, source, timing: { compiledOn: 'worker', compileMs, turns: back.turns, longestTurnMs: back.longestTurnMs } };
  }

  private compileHere(source: string): Loaded {
    const t0 = performance.now();
    const version = rulesVersion(source);
    const { diagnostics, module } = compile(source, this.env ? { file: this.file, env: this.env } : { file: this.file });
    if (!module || hasErrors(diagnostics)) return { failed: `${summary(diagnostics, 1)}: ${this.file} can not be used`, version, diagnostics, source };
    return { input: module, version, diagnostics, source, timing: { compiledOn: 'main', compileMs: performance.now() - t0, turns: 0, longestTurnMs: 0 } };
  }

  /** A module written by `valve compile` (code the operator produced: imported, not compiled). */
  private async loadModule(): Promise<Loaded> {
    // A FIFO or device would block the import: refused first, with readSource's reason. The text
    // read is what the version hashes (a compiled module has no size limit of the compiler's).
    const regular = await this.readRules(MAX_MODULE_BYTES);
    if ('failed' in regular) return regular;
    const version = rulesVersion(regular.source);
    try {
      return { input: await loadRules(this.path), version, diagnostics: [] };
    } catch (e) {
      return { failed: `${this.file} can not be loaded: ${errorText(e)}`, version, diagnostics: [] };
    }
  }

  /** The URL's rules polled for changes; a body unlike the last one is reloaded. */
  private startPolling(initial: string | undefined): void {
    const url = this.url!;
    const shown = this.file;
    const intervalMs = this.options.pollMs ?? DEFAULT_POLL_MS;
    this.poller = pollRules(url, {
      intervalMs,
      maxBytes: MAX_RULES_BYTES,
      initial: initial !== undefined ? { text: initial, ...(this.etag !== undefined ? { etag: this.etag } : {}) } : { notModified: true },
      onChange: (text) => {
        this.polled = text;
        this.scheduleReload();
      },
      onError: (why) => this.logger.error('PLUGIN_ERROR', visible(`polling ${shown} failed: ${why}; the rules loaded before stay in force, polling goes on`)),
      onRecovered: () => this.logger.info('INFO', visible(`polling ${shown} works again`)),
    });
    this.logger.info('INFO', visible(`polling ${shown} for changes every ${intervalMs} ms`));
  }

  /** The ETag of the URL's body read at start-up (the poller's first If-None-Match). */
  private etag?: string;

  /** The file's text: a regular file only (a FIFO would never end the read), at most MAX_RULES_BYTES. */
  private async readRules(maxBytes = MAX_RULES_BYTES): Promise<Read> {
    if (this.url !== undefined) return this.readUrl();
    try {
      return { source: (await readSource(this.path, maxBytes)).text };
    } catch (e) {
      return { failed: `can not read ${this.file}: ${errorText(e)}`, diagnostics: [] };
    }
  }

  /** The URL's body: the one the poller just fetched, else a request of its own. */
  private async readUrl(): Promise<Read> {
    const polled = this.polled;
    this.polled = undefined;
    if (polled !== undefined) return { source: polled };
    try {
      const got = await fetchRules(this.url!, MAX_RULES_BYTES);
      if ('notModified' in got) return { failed: `can not read ${this.file}: the server answered 304 Not Modified to a request without a condition`, diagnostics: [] };
      this.etag = got.etag;
      return { source: got.text };
    } catch (e) {
      return { failed: visible(`can not read ${this.file}: ${errorText((e as { cause?: unknown }).cause ?? e)}`), diagnostics: [] };
    }
  }

  private logDiagnostics(diagnostics: readonly Diagnostic[], source: string | undefined, level: 'error' | 'warn'): void {
    for (const d of diagnostics) {
      const how = d.severity === 'error' ? 'error' : d.severity === 'info' ? 'info' : level;
      this.logger[how]('PERMISSION_RULES', logText(d, source));
    }
  }

  private refuseToStart(why: string): Promise<never> {
    this.logger.fatal('PLUGIN_INITIALIZATION_ERROR', `${why}; the server will not start`);
    // Never settles: the server stays short of starting (deepstream's fatal handling exits when run from its CLI).
    return new Promise<never>(() => undefined);
  }

  /** `watched`: what the watcher saw (the settled version); absent for an explicit reload(). */
  private scheduleReload(watched?: { readonly version: FileVersion | undefined }): void {
    this.reloads = this.reloads
      .then(() => this.reloadNow(watched))
      .catch((e: unknown) => {
        if (!this.closed) this.logger.error('PLUGIN_ERROR', visible(`reloading ${this.file} failed: ${errorText(e)}`));
      });
  }

  private async reloadNow(watched?: { readonly version: FileVersion | undefined }): Promise<void> {
    if (this.closed || !this.engine) return;
    if (watched?.version !== undefined && this.reloadMode === 'rename' && this.inForce !== undefined && watched.version.ino === this.inForce.ino) {
      this.logger.info('INFO', `ignored a change of ${this.file} written in place: with \`reload: rename\` only a new file renamed over it is loaded (write the rules to a temporary file, then rename it)`);
      return;
    }
    const before = watched ? watched.version : await fileVersion(this.path);
    const loaded = await this.loadOffThread();
    if (this.closed || loaded === undefined) return;
    if ('failed' in loaded) {
      this.logDiagnostics(loaded.diagnostics, loaded.source, 'error');
      this.versions.refused(loaded.failed, loaded.diagnostics, loaded.version);
      this.logger.error('PLUGIN_ERROR', `${loaded.failed}${loaded.version !== undefined ? ` (version ${loaded.version} refused)` : ''}; the rules loaded before (version ${this.versions.current ?? '?'}) stay in force`);
      return;
    }
    // Checked again right before the swap: a file that changed while it was read and compiled
    // may be half written; its change event brings it back once it has settled.
    const now = await fileVersion(this.path);
    if (this.closed) return;
    if (!sameVersion(before, now)) {
      this.logger.info('INFO', `${this.file} changed while it was being loaded; it is loaded once it has settled`);
      return;
    }
    const t0 = performance.now();
    try {
      this.engine.replace(loaded.input);
    } catch (e) {
      const why = `${this.file} can not be used: ${errorText(e)}`;
      this.versions.refused(why, [], loaded.version);
      this.logger.error('PLUGIN_ERROR', visible(`${why} (version ${loaded.version} refused); the rules loaded before (version ${this.versions.current ?? '?'}) stay in force`));
      return;
    }
    const swapMs = performance.now() - t0;
    this.inForce = now;
    this.logDiagnostics(loaded.diagnostics, loaded.source, 'warn');
    this.versions.loaded(loaded.version);
    const t = loaded.timing;
    if (t) this.lastReload = { ...t, swapMs };
    const how = t ? ` (compiled on the ${t.compiledOn === 'worker' ? 'worker thread' : 'main thread'} in ${ms(t.compileMs)}${t.turns > 0 ? `, loaded in ${t.turns} turns of at most ${ms(t.longestTurnMs)}` : ''}, swapped in ${ms(swapMs)})` : '';
    this.logger.info('INFO', `rules reloaded from ${this.file}, version ${loaded.version}${how}`);
  }
}

export default ValvePermission;
