/**
 * Which permission checks a client message causes in deepstream 7.0.2, and how the server reads
 * each answer. Both engines are driven through this one table, so a case names a client message
 * (`via`) and the harness runs exactly the checks the server would run for it.
 *
 * Read from @deepstream/server/dist/src:
 * - utils/message-processor.js: every client message first goes to `canPerformAction`; the
 *   answer is read as `error !== null || result === false` → denied, anything else forwards the
 *   message (so `undefined`, `null`, `0`, `''` let it through: STRICTER row 1). Messages carrying
 *   `names` are checked once per name (bulk).
 * - services/permission/valve/rules-map.js: messages without a mapping (CREATEANDUPDATE,
 *   SUBSCRIBECREATEANDREAD, ERASE, UNSUBSCRIBE, …) are allowed there without a rule.
 * - handlers/record/record-handler.js: compound record messages are checked again through
 *   `permissionAction(action)` → `onPermissionResponse`, which reads the answer as
 *   `error || !result` → denied (so there a falsy result denies):
 *     SUBSCRIBEANDREAD        → READ (after the processor's READ check)
 *     SUBSCRIBECREATEANDREAD  → READ if the record exists, else CREATE, then (record created as {}) READ
 *     CREATEANDUPDATE         → CREATE, then UPDATE
 *     CREATEANDPATCH          → CREATE, then UPDATE with the message's `path` (FIXED row 2: upstream's
 *                               rule then sees the raw value as `data`)
 *
 * Our side: each upstream check becomes one `module.check` with the spec's action (section 1's
 * mapping); only `true` allows. ERASE is checked as `delete` (FIXED row 1).
 */
import type { Section } from '../../compiler/scope.js';

/** A check by the message processor (`false` denies) or by the record handler (falsy denies). */
export type Route = 'processor' | 'handler';

export interface Step {
  readonly route: Route;
  /** Upstream: the protocol action the permission plugin sees (a RECORD_ACTION / … name). */
  readonly upstreamAction: string;
  /** Ours: the spec's action, or null when the message needs no rule (allowed as upstream). */
  readonly ours: string | null;
  /** The message name ours passes as `action` (upper case, as the server's action name). */
  readonly messageAction: string;
  /** What `data` carries: the message payload, a patch at `path`, or nothing. */
  readonly data: 'payload' | 'patch' | 'none';
  /** After this step succeeds the server creates the record as `{}` (SUBSCRIBECREATEANDREAD). */
  readonly createsRecord?: boolean;
}

export interface Flow {
  readonly section: Section;
  /** The client message's action name (RECORD_ACTION / EVENT_ACTION / RPC_ACTION / PRESENCE_ACTION). */
  readonly message: string;
  /** Messages with `names` are checked per name through the processor's bulk path. */
  readonly bulk: boolean;
  /** Whether the message carries a name (presence *_ALL messages do not). */
  readonly named: boolean;
  /** Whether it carries `data` (JSON) and a `path` (patch-style writes). */
  readonly payload: boolean;
  readonly path: boolean;
  /** The checks, given whether the record exists when the message arrives. */
  steps(recordExists: boolean): readonly Step[];
}

const step = (route: Route, upstreamAction: string, ours: string | null, data: Step['data'] = 'none', messageAction = upstreamAction, createsRecord = false): Step => ({
  route,
  upstreamAction,
  ours,
  messageAction,
  data,
  ...(createsRecord ? { createsRecord } : {}),
});

const flow = (section: Section, message: string, opts: Partial<Omit<Flow, 'section' | 'message' | 'steps'>>, steps: (exists: boolean) => Step[]): Flow => ({
  section,
  message,
  bulk: opts.bulk ?? false,
  named: opts.named ?? true,
  payload: opts.payload ?? false,
  path: opts.path ?? false,
  steps,
});

const FLOWS: readonly Flow[] = [
  // record
  flow('record', 'SUBSCRIBE', { bulk: true }, () => [step('processor', 'SUBSCRIBE', 'read')]),
  flow('record', 'READ', {}, () => [step('processor', 'READ', 'read')]),
  flow('record', 'HEAD', {}, () => [step('processor', 'HEAD', 'read')]),
  flow('record', 'SUBSCRIBEANDHEAD', { bulk: true }, () => [step('processor', 'SUBSCRIBEANDHEAD', 'read')]),
  flow('record', 'SUBSCRIBEANDREAD', { bulk: true }, () => [step('processor', 'SUBSCRIBEANDREAD', 'read'), step('handler', 'READ', 'read')]),
  flow('record', 'SUBSCRIBECREATEANDREAD', { bulk: true }, (exists) =>
    exists ? [step('handler', 'READ', 'read')] : [step('handler', 'CREATE', 'create', 'none', 'CREATE', true), step('handler', 'READ', 'read')],
  ),
  flow('record', 'CREATEANDUPDATE', { payload: true }, () => [step('handler', 'CREATE', 'create'), step('handler', 'UPDATE', 'write', 'payload')]),
  flow('record', 'CREATEANDPATCH', { payload: true, path: true }, () => [step('handler', 'CREATE', 'create'), step('handler', 'UPDATE', 'write', 'patch')]),
  flow('record', 'UPDATE', { payload: true }, () => [step('processor', 'UPDATE', 'write', 'payload')]),
  flow('record', 'PATCH', { payload: true, path: true }, () => [step('processor', 'PATCH', 'write', 'patch')]),
  flow('record', 'ERASE', { path: true }, () => [step('processor', 'ERASE', 'delete')]),
  flow('record', 'DELETE', {}, () => [step('processor', 'DELETE', 'delete')]),
  flow('record', 'LISTEN', {}, () => [step('processor', 'LISTEN', 'listen')]),
  flow('record', 'NOTIFY', { bulk: true }, () => [step('processor', 'NOTIFY', 'notify')]),
  flow('record', 'UNSUBSCRIBE', { bulk: true }, () => [step('processor', 'UNSUBSCRIBE', null)]),
  flow('record', 'UNLISTEN', {}, () => [step('processor', 'UNLISTEN', null)]),
  flow('record', 'LISTEN_ACCEPT', {}, () => [step('processor', 'LISTEN_ACCEPT', null)]),
  // event
  flow('event', 'EMIT', { payload: true }, () => [step('processor', 'EMIT', 'publish', 'payload')]),
  flow('event', 'SUBSCRIBE', { bulk: true }, () => [step('processor', 'SUBSCRIBE', 'subscribe')]),
  flow('event', 'LISTEN', {}, () => [step('processor', 'LISTEN', 'listen')]),
  flow('event', 'UNSUBSCRIBE', { bulk: true }, () => [step('processor', 'UNSUBSCRIBE', null)]),
  flow('event', 'LISTEN_REJECT', {}, () => [step('processor', 'LISTEN_REJECT', null)]),
  // rpc
  flow('rpc', 'REQUEST', { payload: true }, () => [step('processor', 'REQUEST', 'request', 'payload')]),
  flow('rpc', 'PROVIDE', { bulk: true }, () => [step('processor', 'PROVIDE', 'provide')]),
  flow('rpc', 'UNPROVIDE', { bulk: true }, () => [step('processor', 'UNPROVIDE', null)]),
  // presence
  flow('presence', 'SUBSCRIBE', { bulk: true }, () => [step('processor', 'SUBSCRIBE', 'allow')]),
  flow('presence', 'QUERY', { bulk: true }, () => [step('processor', 'QUERY', 'allow')]),
  flow('presence', 'SUBSCRIBE_ALL', { named: false }, () => [step('processor', 'SUBSCRIBE_ALL', 'allow')]),
  flow('presence', 'QUERY_ALL', { named: false }, () => [step('processor', 'QUERY_ALL', 'allow')]),
  flow('presence', 'UNSUBSCRIBE', { bulk: true }, () => [step('processor', 'UNSUBSCRIBE', null)]),
];

/** The message a spec action is usually reached by (a case may name another with `via`). */
export const DEFAULT_VIA: Readonly<Record<string, string>> = {
  'record.read': 'READ',
  'record.create': 'SUBSCRIBECREATEANDREAD',
  'record.write': 'UPDATE',
  'record.delete': 'DELETE',
  'record.listen': 'LISTEN',
  'record.notify': 'NOTIFY',
  'event.publish': 'EMIT',
  'event.subscribe': 'SUBSCRIBE',
  'event.listen': 'LISTEN',
  'rpc.request': 'REQUEST',
  'rpc.provide': 'PROVIDE',
  'presence.allow': 'QUERY',
};

export function findFlow(section: Section, message: string): Flow {
  const f = FLOWS.find((x) => x.section === section && x.message === message);
  if (!f) throw new Error(`no flow for ${section} ${message}; known: ${FLOWS.filter((x) => x.section === section).map((x) => x.message).join(', ')}`);
  return f;
}

export const allFlows = (): readonly Flow[] => FLOWS;
