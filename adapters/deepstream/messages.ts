/**
 * deepstream messages as Valve sees them: which rule action a message is checked against (spec
 * section 1) and the check request it becomes. Runs for every message a server receives, so a
 * request is built as an object literal of a fixed shape: V8 (Node 20) takes a slow path,
 * hundreds of nanoseconds, for `{ ...base, more }` (issue #9).
 */
import { ANONYMOUS_ID } from '../../compiler/index.js';
import type { CheckRequest, RequestUser } from '../../engine/index.js';
import { asError } from '../../grammar/index.js';

// ---------------------------------------------------------------------------------------------
// What the server hands a permission plugin (only the parts used here).

export interface DeepstreamMessage {
  readonly topic: number;
  readonly action: number;
  readonly name?: string;
  readonly path?: string;
  readonly data?: unknown;
  parsedData?: unknown;
}

export interface DeepstreamSocket {
  readonly userId?: string | null;
  readonly serverData?: unknown;
  /** Parses `message.data` into `message.parsedData`; an Error when it is not JSON. */
  parseData?(message: DeepstreamMessage): true | Error;
}

// ---------------------------------------------------------------------------------------------
// Message → rule action. Numbers are deepstream's protocol constants (@deepstream/protobuf);
// test/e2e checks every row against them.

export const TOPIC = Object.freeze({ EVENT: 4, RECORD: 5, RPC: 6, PRESENCE: 7 });

export interface ActionMapping {
  readonly section: CheckRequest['type'];
  readonly action: string;
  /** The message action's name: what a rule sees as `action`. */
  readonly messageAction: string;
  /** Messages about all users (presence): no name. */
  readonly nameless?: boolean;
}

/**
 * What a message's payload becomes in the request: nothing; `data` (publish, request); or for a
 * record write `data`, or `patch` when the message has a path.
 */
export type Payload = 'none' | 'data' | 'write';

/** A row plus what the plugin needs per message, worked out once. */
export interface MessageRule extends ActionMapping {
  readonly payload: Payload;
  /** Changes the stored record once allowed (create, write, delete). */
  readonly changesRecord: boolean;
}

/** Record messages that change the stored record once allowed. */
const WRITES = new Set(['CREATE', 'UPDATE', 'PATCH', 'ERASE', 'DELETE']);

function row(section: ActionMapping['section'], action: string, messageAction: string, nameless = false): MessageRule {
  const payload: Payload = section === 'record' && action === 'write' ? 'write' : action === 'publish' || action === 'request' ? 'data' : 'none';
  const changesRecord = section === 'record' && WRITES.has(messageAction);
  return Object.freeze({ section, action, messageAction, ...(nameless ? { nameless } : {}), payload, changesRecord });
}

export const MESSAGE_ACTIONS: Readonly<Record<number, Readonly<Record<number, MessageRule>>>> = Object.freeze({
  [TOPIC.RECORD]: Object.freeze({
    25: row('record', 'read', 'SUBSCRIBE'),
    21: row('record', 'read', 'SUBSCRIBEANDHEAD'),
    22: row('record', 'read', 'SUBSCRIBEANDREAD'),
    3: row('record', 'read', 'READ'),
    5: row('record', 'read', 'HEAD'),
    15: row('record', 'create', 'CREATE'),
    18: row('record', 'write', 'UPDATE'),
    19: row('record', 'write', 'PATCH'),
    // FIXED (spec section 7): deepstream 7.x lets an erase through unchecked.
    20: row('record', 'delete', 'ERASE'),
    9: row('record', 'delete', 'DELETE'),
    27: row('record', 'listen', 'LISTEN'),
    2: row('record', 'notify', 'NOTIFY'),
  }),
  [TOPIC.EVENT]: Object.freeze({
    2: row('event', 'publish', 'EMIT'),
    3: row('event', 'subscribe', 'SUBSCRIBE'),
    5: row('event', 'listen', 'LISTEN'),
  }),
  [TOPIC.RPC]: Object.freeze({
    2: row('rpc', 'request', 'REQUEST'),
    8: row('rpc', 'provide', 'PROVIDE'),
  }),
  [TOPIC.PRESENCE]: Object.freeze({
    10: row('presence', 'allow', 'SUBSCRIBE'),
    12: row('presence', 'allow', 'SUBSCRIBE_ALL', true),
    4: row('presence', 'allow', 'QUERY'),
    2: row('presence', 'allow', 'QUERY_ALL', true),
  }),
});

/** The rule action a message is checked against; undefined when none applies (allowed, as upstream). */
export const ruleFor = (message: DeepstreamMessage): MessageRule | undefined => MESSAGE_ACTIONS[message.topic]?.[message.action];

// ---------------------------------------------------------------------------------------------

/** A message whose payload is not JSON: denied with this message as the error. */
export class DataError extends Error {}

function payload(message: DeepstreamMessage, socket: DeepstreamSocket | null): unknown {
  if (message.parsedData !== undefined || message.data === undefined || message.data === null) return message.parsedData;
  let result: true | Error;
  try {
    result = typeof socket?.parseData === 'function' ? socket.parseData(message) : ((message.parsedData = JSON.parse(String(message.data))), true);
  } catch (e) {
    result = asError(e);
  }
  if (result instanceof Error) throw new DataError(`the message data is not valid JSON (${result.message})`);
  return message.parsedData;
}

/** The user a connection authenticated as; ANONYMOUS_ID when it did not. */
function userOf(socket: DeepstreamSocket | null): RequestUser {
  const given = socket?.userId;
  const id = typeof given === 'string' && given !== '' ? given : ANONYMOUS_ID;
  return { id, isAuthenticated: id !== ANONYMOUS_ID, data: socket?.serverData ?? null };
}

/** The check request for a message under `rule`. Throws DataError when its data is not JSON. */
export function buildRequest(rule: MessageRule, message: DeepstreamMessage, socket: DeepstreamSocket | null): CheckRequest {
  const type = rule.section;
  const action = rule.action;
  const name = rule.nameless === true ? undefined : message.name;
  const user = userOf(socket);
  const messageAction = rule.messageAction;
  switch (rule.payload) {
    case 'none':
      return { type, action, name, user, messageAction };
    case 'data':
      return { type, action, name, user, messageAction, data: payload(message, socket) };
    case 'write': {
      const value = payload(message, socket);
      const path = message.path;
      // A write with a path (PATCH, or an UPDATE with a path from CREATEANDPATCH) is merged into
      // the stored record (FIXED: upstream gives the raw value to a path-write sent as update).
      if (typeof path === 'string' && path !== '') return { type, action, name, user, messageAction, patch: { path, value } };
      return { type, action, name, user, messageAction, data: value };
    }
  }
}

/**
 * The check request for a message, or null when no rule applies to it (unsubscribe,
 * listen-accept, …: allowed, as upstream). Throws DataError when its data is not JSON.
 */
export function requestFor(message: DeepstreamMessage, socket: DeepstreamSocket | null): CheckRequest | null {
  const rule = ruleFor(message);
  return rule === undefined ? null : buildRequest(rule, message, socket);
}
