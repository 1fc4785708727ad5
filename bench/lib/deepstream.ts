/**
 * In-process drivers for the permission plugins, fed exactly what deepstream 7 hands them:
 * - messages built by the client's encoder and decoded by the server's parser
 *   (@deepstream/protobuf), so a payload arrives as the JSON text the server has (`data`), to be
 *   parsed by whichever plugin reads it;
 * - the server's own binary socket wrapper (its `parseData`), with `userId` / `serverData` set as
 *   the connection endpoint sets them after authentication;
 * - upstream: the real `ConfigPermission` from @deepstream/server, loaded as the server's config
 *   loader does (js-yaml, then the JSON round trip of `fileLoad`), with the real `RecordHandler`,
 *   `LocalCache` and `NoopStorage` behind it;
 * - ours: `ValvePermission` (adapters/deepstream/plugin.ts) loading the same file from disk, with the
 *   same record handler when records are read.
 * Written for the benchmarks (nothing here is imported from test/).
 */
import { ValvePermission, type DeepstreamMessage, type DeepstreamSocket, type PermissionCallback } from '../../adapters/deepstream/plugin.js';
import { C, ConfigPermission, jsYaml, LocalCache, messageBuilder, messageParser, NoopStorage, RecordHandler, WSBinarySocketWrapper, type Any } from './deepstream-internals.js';

export type Section = 'record' | 'event' | 'rpc' | 'presence';
const TOPICS: Record<Section, number> = { record: C.TOPIC.RECORD, event: C.TOPIC.EVENT, rpc: C.TOPIC.RPC, presence: C.TOPIC.PRESENCE };
const ACTIONS: Record<Section, Record<string, number>> = { record: C.RECORD_ACTION, event: C.EVENT_ACTION, rpc: C.RPC_ACTION, presence: C.PRESENCE_ACTION };

/** A client message in words: section, protocol action name (`READ`, `UPDATE`, `EMIT`, …), name, payload. */
export interface WireSpec {
  readonly section: Section;
  readonly action: string;
  readonly name: string;
  readonly data?: unknown;
  readonly path?: string;
}

/** The message object the server hands its permission plugin for this client message. */
export function serverMessage(spec: WireSpec): DeepstreamMessage & Record<string, unknown> {
  const action = ACTIONS[spec.section][spec.action];
  if (typeof action !== 'number') throw new Error(`unknown ${spec.section} action ${spec.action}`);
  const m: Any = { topic: TOPICS[spec.section], action, name: spec.name, correlationId: '1' };
  if (spec.data !== undefined) m.parsedData = spec.data;
  if (spec.path !== undefined) m.path = spec.path;
  if (spec.section === 'record' && (spec.action === 'UPDATE' || spec.action === 'PATCH')) m.version = 2;
  const [parsed] = messageParser.parse(messageBuilder.getMessage(m, false));
  if (parsed.topic === C.TOPIC.PARSER) throw new Error(`message did not survive the wire: ${JSON.stringify(spec)}`);
  return parsed;
}

/** Forget a message's parsed payload, so the next check parses `data` again (as for a new message). */
export const unparse = (m: Record<string, unknown>): void => {
  m.parsedData = undefined;
};

const noop = (): void => undefined;
/** deepstream's std logger shape, silent. */
export const SILENT_LOGGER: Any = (() => {
  const base = { fatal: noop, error: noop, warn: noop, info: noop, debug: noop, shouldLog: () => false };
  return { ...base, getNameSpace: () => base };
})();

const CONFIG = Object.freeze({
  record: { storageHotPathPrefixes: [], storageExclusionPrefixes: [], cacheRetrievalTimeout: 1000, storageRetrievalTimeout: 2000 },
});

/** A record store for the plugins: the server's LocalCache, optionally answering after a delay. */
export function makeServices(records: ReadonlyMap<string, unknown> = new Map(), latencyMs = 0): Any {
  const cache = new LocalCache();
  for (const [name, value] of records) cache.data.set(name, { version: 1, data: value });
  const cacheService = latencyMs > 0
    ? {
        get: (name: string, cb: Any) => setTimeout(() => cache.get(name, cb), latencyMs),
        set: (name: string, version: number, data: unknown, cb: Any) => cache.set(name, version, data, cb),
        head: (name: string, cb: Any) => cache.head(name, cb),
      }
    : cache;
  return {
    logger: SILENT_LOGGER,
    notifyFatalException: noop,
    cache: cacheService,
    storage: new NoopStorage(),
    monitoring: { onMessageSend: noop, onErrorLog: noop },
  };
}

/** The server's socket wrapper for an authenticated connection (`userId || 'open'`, `serverData || null`). */
export function serverSocket(services: Any, userId: string | undefined, serverData?: unknown): DeepstreamSocket & Record<string, unknown> {
  const sw = new WSBinarySocketWrapper(null, {}, services, { outgoingBufferTimeout: 0 }, null, true);
  sw.userId = userId || 'open';
  sw.serverData = serverData || null;
  sw.clientData = null;
  sw.sendMessage = noop;
  sw.sendAckMessage = noop;
  return sw;
}

export interface Plugin {
  canPerformAction(socket: DeepstreamSocket, message: DeepstreamMessage, callback: PermissionCallback, passItOn: unknown): void;
  close(): Promise<void> | void;
}

/** Parses a permissions file as upstream's config loader does (js-yaml, then fileLoad's JSON round trip). */
export function upstreamPermissions(text: string): unknown {
  return JSON.parse(JSON.stringify(jsYaml.safeLoad(text)));
}

/** deepstream's own Valve with these rules; throws when it refuses them. */
export function upstreamPlugin(text: string, services: Any, options: { maxRuleIterations?: number } = {}): Plugin {
  const fatal: string[] = [];
  const logger = { ...SILENT_LOGGER, getNameSpace: () => ({ ...SILENT_LOGGER, fatal: (_e: unknown, m: unknown) => fatal.push(String(m)) }) };
  // deepstream's default: the rule cache is swept every 60 s.
  const plugin = new ConfigPermission({ permissions: upstreamPermissions(text), maxRuleIterations: options.maxRuleIterations ?? 3, cacheEvacuationInterval: 60_000 }, { ...services, logger }, CONFIG);
  if (fatal.length > 0) {
    plugin.close();
    throw new Error(`upstream refused the rules: ${fatal[0]}`);
  }
  const recordHandler = new RecordHandler(CONFIG, { ...services, permission: plugin }, { setSubscriptionListener: noop }, {}, {});
  plugin.setRecordHandler(recordHandler);
  return plugin;
}

/** Upstream's rule cache (name → rule, swept on an interval): emptied between benchmark runs. */
export function resetUpstreamCache(plugin: Plugin): void {
  (plugin as Any).ruleCache.reset();
}

/** Our plugin with the rules file at `path`, records read through the same record handler. */
export async function oursPlugin(path: string, services: Any, options: { maxRuleIterations?: number } = {}): Promise<Plugin> {
  const plugin = new ValvePermission({ permissions: path, ...options }, services);
  await plugin.whenReady();
  const recordHandler = new RecordHandler(CONFIG, { ...services, permission: plugin }, { setSubscriptionListener: noop }, {}, {});
  plugin.setRecordHandler(recordHandler);
  return plugin;
}

/** Upstream `RuleApplication` (to count rule runs in the cross-reference benchmark). */
export { RuleApplication } from './deepstream-internals.js';
