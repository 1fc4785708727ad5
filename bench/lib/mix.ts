/**
 * The request mixes of benchmark 1: record read/write, event publish, RPC request, allowed and
 * denied, on rules that read no records. Each entry is the client message (for the plugins) and
 * the engine API request it becomes (for ours and the floor): one source, so they can not drift.
 */
import { ANONYMOUS_ID } from '../../compiler/scope.js';
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
  open: { id: ANONYMOUS_ID, data: null },
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
    user: { id: user.id, isAuthenticated: user.id !== ANONYMOUS_ID, data: user.data },
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

// ── traffic-like mixes (issue #14) ─────────────────────────────────────────────────────

/**
 * How a request mix is replayed: `unique`, every request a name never used before (chat
 * messages, orders, user records each have their own); `zipf`, names drawn from a large
 * population with Zipf's law (a few hot names, a long tail); `repeated`, the mix's own few
 * names over and over (what benchmark 1 measured before issue #14).
 */
export type Traffic = 'unique' | 'zipf' | 'repeated';
export const TRAFFIC: readonly Traffic[] = ['unique', 'zipf', 'repeated'];

/**
 * Variant `n` of an entry's name: a number appended to its last segment, so the same pattern
 * (a `$variable` or `*` there) decides it; entries whose last segment is literal in their
 * pattern say where the number goes instead.
 */
const VARY: Readonly<Record<string, (n: number) => string>> = {
  'app15/user/alice/settings': (n) => `app15/user/u${n}/settings`,
  'app4/user/alice/settings': (n) => `app4/user/u${n}/settings`,
};
export const variantName = (name: string, n: number): string => VARY[name]?.(n) ?? `${name}${n}`;

/** A small deterministic PRNG (mulberry32), so every run replays the same traffic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cdfs = new Map<number, Float64Array>();

/** Zipf's law with exponent 1 over ranks 0 … population−1: a sampler by inverse CDF (binary search). */
function zipfSampler(population: number, random: () => number): () => number {
  let cdf = cdfs.get(population);
  if (!cdf) {
    cdfs.set(population, (cdf = new Float64Array(population)));
    let acc = 0;
    for (let r = 0; r < population; r++) cdf[r] = acc += 1 / (r + 1);
  }
  const table = cdf;
  const sum = table[population - 1];
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = population - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (table[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Ranks 0 … population−1 drawn by Zipf's law, the same sequence for the same seed. */
export const zipfDraw = (population: number, seed: number): (() => number) => zipfSampler(population, prng(seed));

/** ZIPF_POPULATION distinct names per mix entry that the Zipf mix draws from. */
export const ZIPF_POPULATION = 1_000_000;

/**
 * `size` requests replaying `mix` in its order (request i is entry i mod length, so each mix
 * keeps the same proportions of sections, actions, users and payloads) with names as `traffic`
 * says. Generated up front: making names is not timed.
 */
export function trafficMix(mix: readonly MixEntry[], traffic: Traffic, size: number): MixEntry[] {
  if (traffic === 'repeated') return Array.from({ length: size }, (_, i) => mix[i % mix.length]);
  const zipf = traffic === 'zipf' ? zipfSampler(ZIPF_POPULATION, prng(14)) : undefined;
  return Array.from({ length: size }, (_, i) => {
    const e = mix[i % mix.length];
    // Unique: the request's index (distinct across entries too, as each entry's names differ in their text before it).
    const n = zipf ? zipf() : i;
    return { wire: { ...e.wire, name: variantName(e.wire.name, n) }, user: e.user };
  });
}

/** How many distinct (section, action, name) requests a mix has: the unique mix must have one per request. */
export function distinctNames(mix: readonly MixEntry[]): number {
  return new Set(mix.map((e) => `${e.wire.section}\u0000${e.wire.action}\u0000${e.wire.name}`)).size;
}
