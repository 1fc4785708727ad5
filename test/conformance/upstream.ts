/**
 * deepstream 7.0.2's own Valve, driven in-process the way its server drives it.
 *
 * Loading (config/js-yaml-loader.js): `${VAR}` replaced from the environment, then js-yaml's
 * `safeLoad` (JSON.parse for .json), then — as `fileLoad(permissions.yml)` embeds the parsed file
 * into the main config as JSON — a JSON round trip; then `new ConfigPermission(options, services)`.
 * A file is rejected when loading throws or the plugin logs a fatal line (its validator's message).
 *
 * Deciding: the real `ConfigPermission`, `MessageProcessor` (utils/message-processor.js) and
 * `RecordHandler` (handlers/record/record-handler.js, for `permissionAction` and for
 * `runWhenRecordStable`), the real `LocalCache` holding the case's records and the real
 * `NoopStorage` behind it, messages built by the client's binary builder and decoded by the
 * server's parser (@deepstream/protobuf), and a socket wrapper of the server's binary class with
 * `userId` / `serverData` set as the connection endpoint sets them after authentication.
 * Only services the permission path touches are present; nothing here loads uWebSockets.js.
 *
 * Every answer the plugin gives is recorded (it may answer twice, or never).
 */
import { findFlow, type Flow, type Step } from './flows.js';
import type { Section } from '../../compiler/scope.js';
import type { RowId } from './rows.js';
import { namedErrorText } from '../../grammar/text.js';
import { C, ConfigPermission, jsYaml, LocalCache, MessageProcessor, messageBuilder, messageParser, NoopStorage, pathParser, RecordHandler, RuleApplication, ruleParser, WSBinarySocketWrapper, type Any } from '../../bench/lib/deepstream-internals.js';

/**
 * Counterfactual upstream: deepstream with the behaviour of some section 7 rows changed to ours.
 * The classifier (classify.ts) uses it to tell whether a difference is explained by a row; the
 * plain conformance comparison always runs with no fixes.
 */
export type Fixes = ReadonlySet<RowId>;
const NO_FIXES: Fixes = new Set();

/** Runs `fn` with a module export swapped (the plugin looks its helpers up at call time). */
function withPatched<T>(target: Any, key: string, replacement: unknown, active: boolean, fn: () => T): T {
  if (!active) return fn();
  const original = target[key];
  target[key] = replacement;
  try {
    return fn();
  } finally {
    target[key] = original;
  }
}

/** path-parser.parse with every character but `*` and `$name` escaped (STRICTER row 3 fixed). */
function literalPathParse(path: string): Any {
  const variables: string[] = [];
  let body = '';
  const re = /(\*)|(\$[a-zA-Z0-9]+)|([\s\S])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1]) body += '.*';
    else if (m[2]) {
      variables.push(m[2]);
      body += '([^/]+)';
    } else body += m[3].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return { variables, path, regexp: new RegExp(`^${body}$`) };
}

/**
 * Rule text with the contents of string, template and regex literals replaced by `x`, property
 * names after `.` renamed, and keywords before `(` separated from it: what upstream's text
 * filters would see if they knew the expression's structure (FIXED row 6).
 */
/** Property names upstream's filters mistake for a keyword or a use of `oldData`. */
const FILTERED_NAMES = new Set(['new', 'function', 'oldData']);

export function blankLiterals(text: string): string {
  let out = '';
  let i = 0;
  let prev = '';
  const templateDepth: number[] = [];
  let braces = 0;
  const regexAllowed = (): boolean => prev === '' || /[(,=:[!&|?{};+\-*%<>~^]$/.test(prev) || /\b(typeof|return|in|of|void|delete|new)$/.test(prev);
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += c + 'x'.repeat(Math.max(0, Math.min(j, text.length) - i - 1)) + (j < text.length ? c : '');
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (c === '`' || (c === '}' && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braces)) {
      if (c === '}') templateDepth.pop();
      let j = i + 1;
      let body = '';
      while (j < text.length && text[j] !== '`' && !(text[j] === '$' && text[j + 1] === '{')) {
        body += text[j] === '\\' ? 'xx' : 'x';
        j += text[j] === '\\' ? 2 : 1;
      }
      if (text[j] === '$') {
        out += c + body + '${';
        templateDepth.push(braces);
        i = j + 2;
        prev = '{';
      } else {
        out += c + body + (j < text.length ? '`' : '');
        i = j + 1;
        prev = 'x';
      }
      continue;
    }
    if (c === '/' && regexAllowed() && text[i + 1] !== '/' && text[i + 1] !== '*') {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j++;
      }
      out += '/' + 'x'.repeat(Math.max(0, Math.min(j, text.length) - i - 1)) + (j < text.length ? '/' : '');
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (c === '.' && /[A-Za-z_$]/.test(text[i + 1] ?? '') && !/[0-9]/.test(text[i - 1] ?? '')) {
      const name = /^[A-Za-z0-9_$]+/.exec(text.slice(i + 1))![0];
      out += '.' + (FILTERED_NAMES.has(name) ? 'x'.repeat(name.length) : name);
      i += 1 + name.length;
      prev = 'x';
      continue;
    }
    if (c === '$' && /[A-Za-z0-9]/.test(text[i + 1] ?? '')) {
      // `$data`, `$oldData`: a path variable, which upstream's regexes take for a use of data.
      const name = /^[A-Za-z0-9_$]+/.exec(text.slice(i + 1))![0];
      out += '$' + 'x'.repeat(name.length);
      i += 1 + name.length;
      prev = 'x';
      continue;
    }
    if (c === '{') braces++;
    if (c === '}') braces--;
    out += c;
    if (!/\s/.test(c)) prev = out.trimEnd().slice(-8);
    i++;
  }
  // `typeof (x)` and `k in (o)` look like calls to upstream's filter; `+(` keeps the syntax valid.
  return out.replace(/\b(typeof|in)(\s*)\(/g, '$1$2+(');
}

/**
 * rule-parser.validate with rows fixed: the rule judged with its literals blanked (FIXED row 6),
 * and as the expression it runs as (`fixed/block-rule`: an expression statement, so a leading `{`
 * is an object, as in the `return ${rule}` it runs as).
 */
const originalValidate = ruleParser.validate;
const fixedValidate = (fixes: Fixes) => (rule: unknown, section: string, type: string): unknown => {
  let text = rule;
  if (typeof text === 'string' && fixes.has('fixed/keywords-in-strings')) text = blankLiterals(text);
  if (typeof text === 'string' && fixes.has('fixed/block-rule')) text = `void 0, ${text}`;
  return originalValidate(text, section, type);
};

export const TOPIC: Record<Section, number> = { record: C.TOPIC.RECORD, event: C.TOPIC.EVENT, rpc: C.TOPIC.RPC, presence: C.TOPIC.PRESENCE };
const ACTIONS: Record<Section, Record<string, number>> = { record: C.RECORD_ACTION, event: C.EVENT_ACTION, rpc: C.RPC_ACTION, presence: C.PRESENCE_ACTION };

/** The protocol number of an action name, as upstream's rules see it in `action`. */
export function actionNumber(section: Section, name: string): number {
  const n = ACTIONS[section][name];
  if (typeof n !== 'number') throw new Error(`unknown ${section} action ${name}`);
  return n;
}

// ── services ─────────────────────────────────────────────────────────────────────────

export interface LogLine {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  readonly event: unknown;
  readonly message: unknown;
}

/** The std logger's shape (services/logger/std): namespaced loggers share the lines. */
function makeLogger(lines: LogLine[]): Any {
  const at = (level: LogLine['level']) => (event: unknown, message: unknown) => void lines.push({ level, event, message });
  const base = { fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), shouldLog: () => false };
  return { ...base, getNameSpace: () => base };
}

const CONFIG = Object.freeze({
  record: { storageHotPathPrefixes: [], storageExclusionPrefixes: [], cacheRetrievalTimeout: 1000, storageRetrievalTimeout: 2000 },
});

// ── loading ──────────────────────────────────────────────────────────────────────────

export interface UpstreamLoad {
  readonly accepted: boolean;
  /** Why it was refused: the validator's message, or the exception loading threw. */
  readonly error?: string;
  /** The parsed permissions object handed to ConfigPermission. */
  readonly permissions?: unknown;
}

/** config/js-yaml-loader.js replaceEnvironmentVariables: `${NAME}` → env value or ''. */
export function replaceEnvironmentVariables(text: string, env: Record<string, string | undefined> = process.env): string {
  return text.replace(/\${([^}]+)}/g, (_, name: string) => env[name] || '');
}

/**
 * Parses a permissions file as upstream's config loader does (fileLoad of a .yml / .json):
 * `${VAR}` substitution (skipped when FIXED row 10 is fixed), parse, JSON round trip.
 */
export function parsePermissions(text: string, format: 'yml' | 'json' = 'yml', env?: Record<string, string | undefined>, fixes: Fixes = NO_FIXES): unknown {
  const substitute = (t: string): string => (fixes.has('fixed/env-in-rules') ? t : replaceEnvironmentVariables(t, env));
  const substituted = substitute(text);
  const parsed: unknown = format === 'json' ? JSON.parse(substituted) : jsYaml.safeLoad(substituted);
  // fileLoad() splices JSON.stringify(content) into the main config, which is parsed again.
  const json = JSON.stringify(parsed);
  return json === undefined ? 'undefined' : (jsYaml.safeLoad(substitute(json)) as unknown);
}

export interface PluginOptions {
  readonly maxRuleIterations?: number;
}

/** Which values a rule reads, by section / pattern / action (ours, from the AST). */
export type UsageOf = (section: string, pattern: string, action: string) => { readonly data: boolean; readonly oldData: boolean } | undefined;

function makePlugin(permissions: unknown, services: Any, options: PluginOptions, fixes: Fixes = NO_FIXES, usage?: UsageOf): Any {
  // The plugin's rule cache starts an interval before the file is validated; when loading throws
  // there is no instance left to close, so intervals started here are cleared on failure.
  const realSetInterval = globalThis.setInterval;
  const started: ReturnType<typeof setInterval>[] = [];
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const handle = realSetInterval(...args);
    started.push(handle);
    return handle;
  }) as typeof setInterval;
  let plugin: Any;
  try {
    plugin = withPatched(pathParser, 'parse', literalPathParse, fixes.has('stricter/path-regex'), () =>
      withPatched(ruleParser, 'validate', fixedValidate(fixes), fixes.has('fixed/keywords-in-strings') || fixes.has('fixed/block-rule'), () =>
        new ConfigPermission({ permissions, maxRuleIterations: options.maxRuleIterations ?? 3, cacheEvacuationInterval: 3_600_000 }, services, CONFIG),
      ),
    );
  } catch (e) {
    started.forEach((h) => clearInterval(h));
    throw e;
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  const astData = fixes.has('fixed/keywords-in-strings');
  const astOldData = fixes.has('fixed/olddata-at-end');
  if (usage && (astData || astOldData) && plugin.permissions) {
    for (const [section, list] of Object.entries(plugin.permissions as Record<string, Any[]>)) {
      for (const entry of list) {
        for (const [action, rule] of Object.entries(entry.rules as Record<string, Any>)) {
          const u = usage(section, entry.path, action);
          if (!u || rule.hasData === undefined) continue;
          if (astData) rule.hasData = u.data;
          if (astOldData) rule.hasOldData = u.oldData;
        }
      }
    }
  }
  return plugin;
}

const duplicateVariable = (permissions: unknown): boolean =>
  permissions !== null && typeof permissions === 'object' &&
  Object.values(permissions as Record<string, unknown>).some((section) =>
    section !== null && typeof section === 'object' &&
    Object.keys(section).some((p) => {
      const vars = p.match(/\$[a-zA-Z0-9]+/g) ?? [];
      return new Set(vars).size !== vars.length;
    }),
  );

/** Load a file through upstream (optionally with some rows fixed); never throws. */
export function upstreamLoad(text: string, format: 'yml' | 'json' = 'yml', env?: Record<string, string | undefined>, fixes: Fixes = NO_FIXES): UpstreamLoad {
  let permissions: unknown;
  try {
    permissions = parsePermissions(text, format, env, fixes);
  } catch (e) {
    return { accepted: false, error: `parse: ${String(e)}` };
  }
  if (fixes.has('stricter/duplicate-variable') && duplicateVariable(permissions)) return { accepted: false, error: 'duplicate $variable (fixed)', permissions };
  const lines: LogLine[] = [];
  let plugin: Any;
  try {
    plugin = makePlugin(permissions, { logger: makeLogger(lines), notifyFatalException: () => undefined }, {}, fixes);
  } catch (e) {
    return { accepted: false, error: `load threw: ${String(e)}`, permissions };
  } finally {
    plugin?.close();
  }
  const fatal = lines.find((l) => l.level === 'fatal');
  return fatal ? { accepted: false, error: String(fatal.message), permissions } : { accepted: true, permissions };
}

// ── deciding ─────────────────────────────────────────────────────────────────────────

/** The connection, as the endpoint leaves it after authentication (`id || 'open'`, `serverData || null`). */
export interface Connection {
  readonly id?: unknown;
  readonly serverData?: unknown;
}

export interface ClientMessage {
  readonly name?: string;
  /** JSON payload (absent when undefined). */
  readonly data?: unknown;
  readonly path?: string;
}

/** One answer of the plugin: `(error, result)` as passed to the server's callback. */
export interface Answer {
  readonly step: number;
  readonly upstreamAction: string;
  readonly error: unknown;
  readonly result: unknown;
}

export interface UpstreamOutcome {
  /** The server went on with the message (at least once). */
  readonly allowed: boolean;
  readonly answers: readonly Answer[];
  /** Steps that never answered within the wait. */
  readonly silent: readonly number[];
  /** The server's reply to the client, when it refused (MESSAGE_DENIED / MESSAGE_PERMISSION_ERROR). */
  readonly replies: readonly string[];
  /** Exceptions thrown inside the server's permission callbacks (the message processor's own code). */
  readonly thrown: readonly string[];
  /** Exceptions escaping the plugin: with no uncaughtException handler they end the server process. */
  readonly crashed: readonly string[];
  /** Properties the check added to or changed on Object.prototype / Array.prototype (restored afterwards). */
  readonly polluted: readonly string[];
  readonly logs: readonly LogLine[];
}

export interface UpstreamRequest {
  readonly flow: Flow;
  readonly message: ClientMessage;
  readonly connection: Connection;
  /** Fixed clock for `now` (Date.now is pinned while the check runs). */
  readonly now?: number;
}

/** A record store the cache serves; names in `failing` answer with a load error. */
export interface Store {
  readonly records: ReadonlyMap<string, unknown>;
  readonly failing?: ReadonlySet<string>;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const PROTOTYPES: ReadonlyArray<readonly [string, object]> = [['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype]];

/** Snapshot of the shared prototypes; `restore()` undoes whatever a check did to them and names it. */
function guardPrototypes(): () => string[] {
  const saved = PROTOTYPES.map(([label, proto]) => [label, proto, new Map(Reflect.ownKeys(proto).map((k) => [k, Object.getOwnPropertyDescriptor(proto, k)!]))] as const);
  return () => {
    const changed: string[] = [];
    for (const [label, proto, before] of saved) {
      for (const k of Reflect.ownKeys(proto)) {
        const was = before.get(k);
        const now = Object.getOwnPropertyDescriptor(proto, k)!;
        if (!was) {
          changed.push(`${label}.${String(k)}`);
          Reflect.deleteProperty(proto, k);
        } else if (was.value !== now.value || was.get !== now.get || was.set !== now.set) {
          changed.push(`${label}.${String(k)}`);
          Object.defineProperty(proto, k, was);
        }
      }
    }
    return changed;
  };
}

/** How long a silent check is waited for: far more than any path of the plugin takes to answer. */
const SILENCE_MS = 300;
const SILENT_TURNS = 100;

/**
 * An upstream server with one permissions file. Records live in a real LocalCache; a check may
 * create one (SUBSCRIBECREATEANDREAD), as the server would.
 */
export class UpstreamServer {
  private readonly logs: LogLine[] = [];
  private readonly services: Any;
  private readonly plugin: Any;
  private readonly recordHandler: Any;
  private readonly processor: Any;
  private readonly cache: Any;
  private readonly failing: ReadonlySet<string>;
  /** The callback in force for the current check (answers are recorded before the server sees them). */
  private onAnswer: ((error: unknown, result: unknown, message: Any) => void) | null = null;
  private currentThrown: string[] = [];

  constructor(
    permissions: unknown,
    store: Store,
    options: PluginOptions = {},
    private readonly fixes: Fixes = NO_FIXES,
    usage?: UsageOf,
  ) {
    const logger = makeLogger(this.logs);
    this.failing = store.failing ?? new Set();
    this.cache = new LocalCache();
    for (const [name, value] of store.records) this.cache.data.set(name, { version: 1, data: JSON.parse(JSON.stringify(value)) as unknown });
    const cache = this.cache;
    const failing = this.failing;
    // The real LocalCache, except that names in `failing` answer with an error (as a broken cache would).
    const cacheService = {
      get: (name: string, cb: Any) => (failing.has(name) ? process.nextTick(() => cb('cache unavailable', -1, null)) : cache.get(name, cb)),
      set: (name: string, version: number, data: unknown, cb: Any) => cache.set(name, version, data, cb),
      head: (name: string, cb: Any) => cache.head(name, cb),
    };
    this.services = {
      logger,
      notifyFatalException: () => undefined,
      cache: cacheService,
      storage: new NoopStorage(),
      monitoring: { onMessageSend: () => undefined, onErrorLog: () => undefined },
    };
    this.plugin = makePlugin(permissions, this.services, options, fixes, usage);
    const firstOnly = fixes.has('fixed/non-string-ref');
    const strict = fixes.has('stricter/non-boolean-result');
    // What the server's other services see: the plugin, with answers recorded on the way.
    this.services.permission = {
      canPerformAction: (sw: Any, message: Any, callback: Any, passItOn: Any) => {
        let answered = false;
        this.plugin.canPerformAction(
          sw,
          message,
          (s: Any, m: Any, p: Any, error: unknown, result: unknown) => {
            this.onAnswer?.(error, result, m);
            if (firstOnly && answered) return;
            answered = true;
            try {
              callback(s, m, p, error, strict ? error === null && result === true : result);
            } catch (e) {
              this.currentThrown.push(namedErrorText(e));
            }
          },
          passItOn,
        );
      },
    };
    this.recordHandler = new RecordHandler(CONFIG, this.services, { setSubscriptionListener: () => undefined }, {}, {});
    this.plugin.setRecordHandler(this.recordHandler);
    this.processor = new MessageProcessor(CONFIG, this.services);
  }

  close(): void {
    this.plugin.close();
  }

  /** True when the loaded file made the plugin log a fatal line (it then throws on every check). */
  get fatal(): boolean {
    return this.logs.some((l) => l.level === 'fatal');
  }

  private socket(connection: Connection, sent: Any[]): Any {
    const sw = new WSBinarySocketWrapper(null, {}, this.services, { outgoingBufferTimeout: 0 }, null, true);
    // base/connection-endpoint.js appendDataToSocketWrapper
    sw.userId = connection.id || 'open';
    // A copy: upstream's rules can mutate user.data, which must not leak into our side of the check.
    sw.serverData = connection.serverData ? (JSON.parse(JSON.stringify(connection.serverData)) as unknown) : null;
    sw.clientData = null;
    sw.sendMessage = (m: Any) => void sent.push(m);
    sw.sendAckMessage = () => undefined;
    return sw;
  }

  /** The message as the server receives it: built by the client's encoder, decoded by the server's parser. */
  private wire(section: Section, action: string, flow: Flow, message: ClientMessage): Any {
    const m: Any = { topic: TOPIC[section], action: actionNumber(section, action), correlationId: '1' };
    if (flow.named && message.name !== undefined) {
      if (flow.bulk) m.names = [message.name];
      else m.name = message.name;
    }
    if (flow.payload && message.data !== undefined) m.parsedData = message.data;
    if (flow.path && message.path !== undefined) m.path = message.path;
    if (section === 'record' && (action === 'UPDATE' || action === 'PATCH' || action === 'CREATEANDUPDATE' || action === 'CREATEANDPATCH' || action === 'ERASE')) m.version = 2;
    const [parsed] = messageParser.parse(messageBuilder.getMessage(m, false));
    return parsed;
  }

  /** FIXED rows 1 and 2: erase checked as delete; a path-write sent as update checked as a patch. */
  private fixedStep(flow: Flow, s: Step): Step {
    if (this.fixes.has('fixed/erase') && flow.message === 'ERASE') return { ...s, upstreamAction: 'DELETE' };
    if (this.fixes.has('fixed/path-write-as-update') && flow.message === 'CREATEANDPATCH' && s.upstreamAction === 'UPDATE') return { ...s, upstreamAction: 'PATCH' };
    return s;
  }

  async send(request: UpstreamRequest): Promise<UpstreamOutcome> {
    const { flow, message, connection } = request;
    const answers: Answer[] = [];
    const replies: string[] = [];
    const sent: Any[] = [];
    this.currentThrown = [];
    const sw = this.socket(connection, sent);
    const wire = this.wire(flow.section, flow.message, flow, message);
    const exists = message.name !== undefined && (this.cache.data.has(message.name) as boolean);
    const steps = flow.steps(exists).map((s) => this.fixedStep(flow, s));
    const logsBefore = this.logs.length;
    let forwarded = 0;
    let current = 0;
    const started = performance.now();
    this.onAnswer = (error, result) => {
      answers.push({ step: current, upstreamAction: steps[current]?.upstreamAction ?? '?', error, result });
    };
    const realNow = Date.now;
    if (request.now !== undefined) {
      const fixed = request.now;
      Date.now = () => fixed;
    }
    const crashed: string[] = [];
    const restorePrototypes = guardPrototypes();
    let polluted: string[] = [];
    const originalRun = RuleApplication.prototype.run;
    // Bound in the constructor, so every rule run (the first and those after record loads) goes through here.
    RuleApplication.prototype.run = function (this: Any): unknown {
      try {
        return originalRun.call(this);
      } catch (e) {
        crashed.push(namedErrorText(e));
        return undefined;
      }
    };
    const originalArguments = RuleApplication.prototype.getArguments;
    if (this.fixes.has('fixed/action-number')) {
      RuleApplication.prototype.getArguments = function (this: Any): unknown[] {
        const args = originalArguments.call(this) as unknown[];
        const section = this.params?.ruleSpecification?.section as Section | undefined;
        if (section && typeof args[5] === 'number') args[5] = ACTIONS[section][args[5] as unknown as string];
        return args;
      };
    }
    try {
      // Each step runs when the previous one let the message through (as the handlers chain them).
      const runStep = (i: number): void => {
        current = i;
        const s: Step = steps[i];
        const next = (): void => {
          if (s.createsRecord && message.name !== undefined) this.cache.data.set(message.name, { version: 0, data: {} });
          if (i + 1 < steps.length) runStep(i + 1);
          else forwarded++;
        };
        if (s.route === 'processor') {
          this.processor.onAuthenticatedMessage = () => next();
          const checked = s.upstreamAction === flow.message ? wire : { ...wire, action: actionNumber(flow.section, s.upstreamAction) };
          this.processor.process(sw, [checked]);
        } else {
          const named = flow.bulk ? { ...wire, name: message.name } : wire;
          this.recordHandler.permissionAction(actionNumber(flow.section, s.upstreamAction), named, wire.action, sw, () => next());
        }
      };
      try {
        runStep(0);
      } catch (e) {
        crashed.push(namedErrorText(e));
      }
      // Wait for the last step to answer (every path of the plugin answers within a few turns
      // of the event loop: the cache answers on nextTick), then a few turns more for second answers.
      // A check is called silent only after both many turns and some wall time, so a busy machine
      // (slow turns) does not turn a late answer into silence.
      for (let turns = 0; !(forwarded > 0 || sent.some((m) => m.isError) || crashed.length > 0); turns++) {
        if (turns > SILENT_TURNS && performance.now() - started > SILENCE_MS) break;
        await tick();
      }
      for (let i = 0; i < 4; i++) await tick();
    } finally {
      Date.now = realNow;
      RuleApplication.prototype.getArguments = originalArguments;
      RuleApplication.prototype.run = originalRun;
      polluted = restorePrototypes();
      this.onAnswer = null;
    }
    for (const m of sent) if (m.isError) replies.push(String(C.ACTIONS[m.topic][m.action]));
    const answered = new Set(answers.map((a) => a.step));
    const reached = forwarded > 0 ? steps.length : Math.max(current + 1, 1);
    const silent = steps.map((_, i) => i).filter((i) => i < reached && !answered.has(i));
    return { allowed: forwarded > 0, answers, silent, replies, thrown: this.currentThrown, crashed, polluted, logs: this.logs.slice(logsBefore) };
  }
}

/** One-off: load `permissions`, send one message, close. */
export async function upstreamDecide(permissions: unknown, store: Store, request: UpstreamRequest, options: PluginOptions = {}, fixes: Fixes = NO_FIXES, usage?: UsageOf): Promise<UpstreamOutcome> {
  const server = new UpstreamServer(permissions, store, options, fixes, usage);
  try {
    return await server.send(request);
  } finally {
    server.close();
  }
}

export { findFlow };
