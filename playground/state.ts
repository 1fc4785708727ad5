/**
 * Everything a playground session holds — rules, schema, records, tests and the simulator's
 * request — as one plain object: what Share puts in the URL and what the page restores.
 */
import { actionsOf, ANONYMOUS_ID, isSection, type Section } from '../compiler/index.js';
import type { CheckRequest } from '../engine/index.js';
import { errorText } from '../grammar/index.js';

export interface RequestForm {
  readonly userId: string;
  readonly authenticated: boolean;
  /** JSON text of `user.data` (empty: none). */
  readonly userData: string;
  readonly type: Section;
  readonly action: string;
  readonly name: string;
  readonly mode: 'data' | 'patch';
  /** JSON text of the payload (empty: none). */
  readonly data: string;
  readonly patchPath: string;
  /** JSON text of the patch value. */
  readonly patchValue: string;
  /** Milliseconds since the epoch for `now` (empty: the clock). */
  readonly now: string;
}

export interface PlaygroundState {
  readonly v: 1;
  /** File name shown in the header and used in diagnostics. */
  readonly file: string;
  readonly rules: string;
  readonly schema: string;
  /** JSON object: record name → data, what `_()` and `oldData` see. */
  readonly records: string;
  /** A `*.test.yml` text for the Tests tab. */
  readonly tests: string;
  readonly request: RequestForm;
}

export const DEFAULT_REQUEST: RequestForm = {
  userId: 'alice',
  authenticated: true,
  userData: '',
  type: 'record',
  action: 'read',
  name: '',
  mode: 'data',
  data: '',
  patchPath: '',
  patchValue: '',
  now: '',
};

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/** A request form from untrusted input (a shared URL), every field checked. */
export function toRequestForm(v: unknown): RequestForm {
  const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const type = typeof o.type === 'string' && isSection(o.type) ? o.type : DEFAULT_REQUEST.type;
  const action = typeof o.action === 'string' && actionsOf(type).includes(o.action) ? o.action : actionsOf(type)[0];
  return {
    userId: str(o.userId, DEFAULT_REQUEST.userId),
    authenticated: typeof o.authenticated === 'boolean' ? o.authenticated : DEFAULT_REQUEST.authenticated,
    userData: str(o.userData, ''),
    type,
    action,
    name: str(o.name, ''),
    mode: o.mode === 'patch' ? 'patch' : 'data',
    data: str(o.data, ''),
    patchPath: str(o.patchPath, ''),
    patchValue: str(o.patchValue, ''),
    now: str(o.now, ''),
  };
}

/** A state from untrusted input; undefined when it is not one. */
export function toState(v: unknown): PlaygroundState | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o.v !== 1 || typeof o.rules !== 'string') return undefined;
  return {
    v: 1,
    file: str(o.file, 'permissions.yml'),
    rules: o.rules,
    schema: str(o.schema, ''),
    records: str(o.records, '{}'),
    tests: str(o.tests, ''),
    request: toRequestForm(o.request),
  };
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly field: string; readonly error: string };

/** JSON text → value; empty text gives `empty`. */
export function parseJson(text: string, field: string, empty: unknown): Parsed<unknown> {
  if (text.trim() === '') return { ok: true, value: empty };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, field, error: `${field}: ${errorText(e)}` };
  }
}

/** The simulator form as a request for the engine. */
export function toCheckRequest(f: RequestForm): Parsed<CheckRequest> {
  const userData = parseJson(f.userData, 'user data', undefined);
  if (!userData.ok) return userData;
  const id = f.authenticated ? f.userId : ANONYMOUS_ID;
  const user = { id, isAuthenticated: f.authenticated && id !== ANONYMOUS_ID, ...(userData.value !== undefined ? { data: userData.value } : {}) };
  let now: number | undefined;
  if (f.now.trim() !== '') {
    now = Number(f.now);
    if (!Number.isFinite(now)) return { ok: false, field: 'now', error: 'now: expected a number of milliseconds' };
  }
  const base = { type: f.type, action: f.action, name: f.name, user, ...(now !== undefined ? { now } : {}) };
  if (f.mode === 'patch') {
    const value = parseJson(f.patchValue, 'patch value', null);
    if (!value.ok) return value;
    return { ok: true, value: { ...base, patch: { path: f.patchPath, value: value.value } } };
  }
  const data = parseJson(f.data, 'data', undefined);
  if (!data.ok) return data;
  return { ok: true, value: { ...base, ...(data.value !== undefined ? { data: data.value } : {}) } };
}

/** A request (e.g. a test's) as the simulator form shows it. */
export function formFromRequest(r: CheckRequest): RequestForm {
  return toRequestForm({
    userId: r.user?.id ?? ANONYMOUS_ID,
    authenticated: r.user !== undefined && r.user.id !== ANONYMOUS_ID && r.user.isAuthenticated !== false,
    userData: r.user?.data !== undefined ? JSON.stringify(r.user.data) : '',
    type: r.type,
    action: r.action,
    name: r.name ?? '',
    mode: r.patch ? 'patch' : 'data',
    data: r.data !== undefined ? JSON.stringify(r.data, null, 1) : '',
    patchPath: r.patch?.path ?? '',
    patchValue: r.patch ? JSON.stringify(r.patch.value) : '',
    now: r.now !== undefined ? String(r.now) : '',
  });
}
