/**
 * The floor: what a person would write by hand for the same rules, as plain JavaScript with no
 * engine, no sandbox and no explanation of the decision: pick the rule by looking at the name's
 * segments, evaluate it inline, return a boolean. Inputs are the engine API's requests (payload
 * already parsed). Rules that read records are out of scope (the throughput mix avoids them).
 */
import type { CheckRequest } from '../../index.js';

type User = { id: string; data?: unknown } | undefined;
const authed = (u: User): boolean => u !== undefined && u.id !== 'open';
const role = (u: User): unknown => (u && u.data !== null && typeof u.data === 'object' ? (u.data as { role?: unknown }).role : undefined);
const dataOf = (r: CheckRequest): Record<string, unknown> => (r.data !== null && typeof r.data === 'object' ? (r.data as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** examples/permissions.yml, the rules that read no records. */
export function floorExamples(r: CheckRequest): boolean {
  const name = r.name ?? '';
  const u = r.user;
  const seg = name.split('/');
  if (r.type === 'record') {
    if (seg[0] === 'public' && seg.length >= 2) {
      if (r.action === 'read') return true;
      if (r.action === 'write') return false;
    }
    if (seg[0] === 'user' && seg.length >= 2 && seg[1] !== '') {
      if (seg.length >= 4 && seg[2] === 'private') return u !== undefined && u.id === seg[1];
      if (seg.length >= 3 && name.includes('/avatar-', 5)) {
        if (r.action === 'read') return true;
        if (r.action === 'write') {
          const url = dataOf(r).url;
          return name.startsWith(`user/${u?.id ?? 'open'}/`) && typeof url === 'string' && url.startsWith('https://');
        }
      }
      if (seg.length === 2 && r.action === 'read') return authed(u);
    }
    if (r.action === 'read') return authed(u);
    if (r.action === 'notify') return role(u) === 'admin';
    return false;
  }
  if (r.type === 'event') {
    if (r.action === 'publish') {
      if (seg[0] === 'notifications' && seg.length === 2 && seg[1] !== '') {
        const ro = role(u);
        return (ro === 'admin' || ro === 'service') && seg[1] !== 'open';
      }
      if (seg[0] === 'broadcast' && seg.length >= 2) {
        const sev = dataOf(r).severity;
        return role(u) === 'admin' && (sev === 'info' || sev === 'warning');
      }
      return false;
    }
    if (r.action === 'subscribe') return authed(u);
    return false;
  }
  if (r.type === 'rpc' && r.action === 'request') {
    if (seg[0] === 'admin' && seg.length >= 2) {
      const d = dataOf(r);
      const reason = str(d.reason) ?? '';
      return role(u) === 'admin' && reason.trim().length >= 10 && (d.urgent === true ? !(u?.id ?? '').startsWith('test-') : true);
    }
    return authed(u);
  }
  return false;
}

/** bench/lib/rules.ts generated100(): five families of patterns, `app{i}/…`, `feed{i}/…`, `svc{i}/…`. */
export function floorGenerated(r: CheckRequest): boolean {
  const name = r.name ?? '';
  const u = r.user;
  const seg = name.split('/');
  const family = (prefix: string): number => {
    if (!seg[0].startsWith(prefix)) return -1;
    const n = Number(seg[0].slice(prefix.length));
    return Number.isInteger(n) && n >= 0 && n < 20 && String(n) === seg[0].slice(prefix.length) ? n : -1;
  };
  if (r.type === 'record') {
    const i = family('app');
    if (i >= 0) {
      if (seg[1] === 'doc' && seg.length === 3 && seg[2] !== '') {
        if (r.action === 'read') return authed(u);
        if (r.action === 'write') {
          const d = dataOf(r);
          const title = d.title;
          const tags = d.tags as unknown[] | undefined;
          return d.owner === u?.id && typeof title === 'string' && title.length <= 50 + i && tags !== undefined && tags.length < 8;
        }
        if (r.action === 'create') return authed(u) && seg[2].startsWith(`${u?.id}-`);
      }
      if (seg[1] === 'user' && seg.length === 4 && seg[2] !== '' && seg[3] === 'settings') {
        if (r.action === 'read') return u?.id === seg[2];
        if (r.action === 'write') {
          const theme = dataOf(r).theme;
          return u?.id === seg[2] && (theme === 'dark' || theme === 'light');
        }
      }
      if (seg[1] === 'public' && seg.length >= 3) {
        if (r.action === 'read') return true;
        if (r.action === 'write') return role(u) === 'admin';
      }
    }
    return r.action === 'read' ? authed(u) : false;
  }
  if (r.type === 'event') {
    const i = family('feed');
    if (i >= 0 && seg.length === 2 && seg[1] !== '') {
      if (r.action === 'publish') {
        const d = dataOf(r);
        const text = d.text as string;
        return authed(u) && d.kind === 'post' && text.length <= 200 + i && seg[1] !== 'closed';
      }
      if (r.action === 'subscribe') return true;
    }
    return r.action === 'subscribe' ? authed(u) : false;
  }
  if (r.type === 'rpc') {
    const i = family('svc');
    if (i >= 0 && seg.length === 2 && seg[1] !== '') {
      if (r.action === 'request') return role(u) === 'service' || (seg[1] === 'ping' && (dataOf(r).n as number) < 10 + i);
      if (r.action === 'provide') return role(u) === 'service';
    }
    return r.action === 'request' ? authed(u) : false;
  }
  return false;
}

/** The representative rule alone (`broadcast/*` publish). */
export function floorRepresentative(r: CheckRequest): boolean {
  if (r.type !== 'event' || r.action !== 'publish' || !(r.name ?? '').startsWith('broadcast/')) return false;
  const sev = dataOf(r).severity;
  return role(r.user) === 'admin' && (sev === 'info' || sev === 'warning');
}
