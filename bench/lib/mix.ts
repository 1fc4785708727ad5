/**
 * The request mixes of benchmark 1: record read/write, event publish, RPC request, allowed and
 * denied, on rules that read no records. Each entry is the client message (for the plugins) and
 * the engine API request it becomes (for ours and the floor): one source, so they can not drift.
 */
import type { CheckRequest } from '../../index.js';
import type { WireSpec } from './deepstream.js';

export interface BenchUser {
  readonly id: string;
  readonly data: unknown;
}

export const USERS = {
  alice: { id: 'alice', data: { role: 'member' } },
  bob: { id: 'bob', data: { role: 'member' } },
  root: { id: 'root', data: { role: 'admin' } },
  svc: { id: 'svc-exporter', data: { role: 'service' } },
  open: { id: 'open', data: null },
} satisfies Record<string, BenchUser>;

export interface MixEntry {
  readonly wire: WireSpec;
  readonly user: BenchUser;
}

/** What the engine API is asked for a client message (the plugin's mapping of section 1). */
export function engineRequest(e: MixEntry): CheckRequest {
  const { wire, user } = e;
  const action = { READ: 'read', UPDATE: 'write', EMIT: 'publish', REQUEST: 'request' }[wire.action];
  if (!action) throw new Error(`no mapping for ${wire.action}`);
  return {
    type: wire.section,
    action,
    name: wire.name,
    user: { id: user.id, isAuthenticated: user.id !== 'open', data: user.data },
    messageAction: wire.action,
    ...(wire.data !== undefined ? { data: structuredClone(wire.data) } : {}),
  };
}

const m = (section: WireSpec['section'], action: string, name: string, user: BenchUser, data?: unknown): MixEntry => ({ wire: { section, action, name, ...(data !== undefined ? { data } : {}) }, user });

export const EXAMPLES_MIX: readonly MixEntry[] = [
  m('record', 'READ', 'user/alice', USERS.alice),
  m('record', 'READ', 'public/news/today', USERS.open),
  m('record', 'UPDATE', 'user/alice/avatar-1', USERS.alice, { url: 'https://cdn.example/a.png' }),
  m('record', 'UPDATE', 'user/bob/avatar-2', USERS.alice, { url: 'https://cdn.example/b.png' }),
  m('record', 'UPDATE', 'user/alice/private/notes', USERS.alice, { text: 'remember the milk' }),
  m('record', 'READ', 'user/bob', USERS.open),
  m('event', 'EMIT', 'broadcast/news/today', USERS.root, { severity: 'info', text: 'maintenance at noon' }),
  m('event', 'EMIT', 'notifications/bob', USERS.svc, { text: 'your export is ready' }),
  m('event', 'EMIT', 'random/thing', USERS.alice, { x: 1 }),
  m('rpc', 'REQUEST', 'admin/reset', USERS.root, { reason: 'rotate the keys today' }),
  m('rpc', 'REQUEST', 'admin/reset', USERS.root, { reason: 'short' }),
  m('rpc', 'REQUEST', 'weather/today', USERS.alice, { city: 'Berlin' }),
];

export const GENERATED_MIX: readonly MixEntry[] = [
  m('record', 'READ', 'app3/doc/d1', USERS.alice),
  m('record', 'UPDATE', 'app7/doc/alice-9', USERS.alice, { owner: 'alice', title: 'Hello', tags: ['a'] }),
  m('record', 'UPDATE', 'app12/doc/x', USERS.alice, { owner: 'bob', title: 'x', tags: [] }),
  m('record', 'READ', 'app15/user/alice/settings', USERS.alice),
  m('record', 'READ', 'app15/user/alice/settings', USERS.bob),
  m('record', 'UPDATE', 'app4/user/alice/settings', USERS.alice, { theme: 'dark' }),
  m('record', 'READ', 'app19/public/a/b/c', USERS.open),
  m('record', 'UPDATE', 'app2/public/x', USERS.alice, { v: 1 }),
  m('event', 'EMIT', 'feed5/general', USERS.alice, { kind: 'post', text: 'hello' }),
  m('event', 'EMIT', 'feed11/closed', USERS.alice, { kind: 'post', text: 'hello' }),
  m('rpc', 'REQUEST', 'svc3/ping', USERS.alice, { n: 3 }),
  m('rpc', 'REQUEST', 'svc8/compute', USERS.svc, { n: 1 }),
  m('rpc', 'REQUEST', 'svc8/compute', USERS.alice, { n: 1 }),
  m('record', 'READ', 'other/thing', USERS.alice),
];

/** The representative rule (`broadcast/*` publish), allowed and denied. */
export const REPRESENTATIVE_MIX: readonly MixEntry[] = [
  m('event', 'EMIT', 'broadcast/news', USERS.root, { severity: 'info' }),
  m('event', 'EMIT', 'broadcast/news', USERS.root, { severity: 'debug' }),
  m('event', 'EMIT', 'broadcast/ops/db', USERS.alice, { severity: 'warning' }),
  m('event', 'EMIT', 'broadcast/news', USERS.open, { severity: 'info' }),
];
