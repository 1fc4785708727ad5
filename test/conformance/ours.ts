/**
 * Our engine behind the same message flows as upstream (flows.ts): each upstream permission
 * check becomes one `module.check`, records come from the same store through `loadRecord`, and
 * the connection is read as the server's connection endpoint leaves it.
 *
 * Every check runs twice, with a synchronous and with a promise-returning loader; the two
 * decisions must agree (a difference is our bug whatever upstream says).
 */
import { compile, type CheckRequest, type Decision, type Diagnostic, type RulesModule } from '../../index.js';
import type { Flow, Step } from './flows.js';
import type { ClientMessage, Connection, Store } from './upstream.js';

export interface OursLoad {
  readonly accepted: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly module?: RulesModule;
}

export function oursLoad(text: string, file = 'permissions.yml'): OursLoad {
  const { diagnostics, module } = compile(text, { file });
  const accepted = module !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return { accepted, diagnostics, ...(accepted ? { module } : {}) };
}

export interface OursStep {
  readonly step: Step;
  readonly request?: CheckRequest;
  readonly decision?: Decision;
  /** Set when the synchronous and the asynchronous loader gave different decisions. */
  readonly loaderMismatch?: { readonly sync: Decision; readonly async: Decision };
}

export interface OursOutcome {
  readonly allowed: boolean;
  readonly steps: readonly OursStep[];
}

export interface OursRequest {
  readonly flow: Flow;
  readonly message: ClientMessage;
  readonly connection: Connection;
  readonly now?: number;
  readonly maxRuleIterations?: number;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function loader(records: Map<string, unknown>, failing: ReadonlySet<string>, async: boolean) {
  return (name: string): unknown => {
    if (failing.has(name)) {
      if (async) return Promise.reject(new Error('cache unavailable'));
      throw new Error('cache unavailable');
    }
    const v = records.has(name) ? clone(records.get(name)) : null;
    return async ? Promise.resolve(v) : v;
  };
}

/** The request our engine gets for one step of a flow. */
export function requestFor(flow: Flow, step: Step, message: ClientMessage, connection: Connection, now?: number): CheckRequest {
  // base/connection-endpoint.js: userId = id || 'open'; serverData = serverData || null
  const id = (connection.id || 'open') as string;
  const user = { id, data: connection.serverData || null };
  const base = { type: flow.section, action: step.ours as string, name: flow.named ? message.name : undefined, user, messageAction: step.messageAction, ...(now === undefined ? {} : { now }) };
  if (step.data === 'payload') return { ...base, data: clone(message.data) };
  if (step.data === 'patch') return { ...base, patch: { path: message.path ?? '', value: clone(message.data) } };
  return base;
}

export async function oursDecide(module: RulesModule, store: Store, request: OursRequest): Promise<OursOutcome> {
  const { flow, message, connection } = request;
  const records = new Map(store.records);
  const failing = store.failing ?? new Set<string>();
  const exists = message.name !== undefined && records.has(message.name);
  const steps: OursStep[] = [];
  for (const step of flow.steps(exists)) {
    if (step.ours === null) {
      steps.push({ step });
      continue;
    }
    const req = requestFor(flow, step, message, connection, request.now);
    const opts = (async: boolean) => ({ loadRecord: loader(records, failing, async), ...(request.maxRuleIterations === undefined ? {} : { maxRuleIterations: request.maxRuleIterations }) });
    const sync = await module.check(req, opts(false));
    const async = await module.check(req, opts(true));
    const same = sync.allowed === async.allowed && sync.reason.code === async.reason.code;
    steps.push({ step, request: req, decision: sync, ...(same ? {} : { loaderMismatch: { sync, async } }) });
    if (!sync.allowed) return { allowed: false, steps };
    if (step.createsRecord && message.name !== undefined) records.set(message.name, {});
  }
  return { allowed: true, steps };
}
