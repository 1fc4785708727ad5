/**
 * The names a rule can read, one row each: its type (the checker's, from the schema where one
 * applies), its one-line doc (editor completion and hover), its emitted form (codegen), how the
 * interpreter reads it, and where it is available (the spec's table: `data` and `oldData` only
 * for the actions whose row in compiler/scope.ts ACTIONS says so; the rest in every rule).
 */
import type { Operations, RuleContext } from './context.js';
import { actionInfo, ANONYMOUS_ID, type Section } from '../scope.js';
import * as T from '../types.js';
import type { Type } from '../types.js';

/** What a root name's type depends on: the rule's section and the schema types that apply to it. */
export interface RootScope {
  readonly section?: Section;
  /** The schema type of the values the rule's pattern selects (record, event or RPC payload); undefined without one. */
  readonly value?: Type;
  /** The schema type of `user.data`; undefined without one. */
  readonly userData?: Type;
}

/** A field of the `user` object the engine builds for every check. */
export interface UserField {
  readonly name: string;
  readonly type: (s: RootScope) => Type;
  readonly doc: string;
  /** Its emitted form: an own data field of the engine's plain object, read directly. */
  readonly emit: string;
  /** Whether the value comes from outside (the authentication plugin), so a rule reading it makes the engine size-check it. */
  readonly input: boolean;
}

export interface RootName {
  readonly name: string;
  readonly type: (s: RootScope) => Type;
  readonly doc: string;
  /** The doc where it differs by section. */
  readonly sectionDoc?: Partial<Record<Section, string>>;
  /** Available only in the actions whose ACTIONS row has this flag; in every rule when absent. */
  readonly requires?: 'data' | 'oldData';
  readonly emit: string;
  readonly read: (c: RuleContext) => unknown;
  readonly fields?: readonly UserField[];
}

const USER_FIELDS: readonly UserField[] = [
  { name: 'id', type: () => T.STRING, doc: `The connection's user id; \`'${ANONYMOUS_ID}'\` for an unauthenticated connection.`, emit: 'c.user.id', input: false },
  { name: 'isAuthenticated', type: () => T.BOOLEAN, doc: `False exactly when the id is \`${ANONYMOUS_ID}\`.`, emit: 'c.user.isAuthenticated', input: false },
  {
    name: 'data',
    type: (s) => (s.userData ? T.union(s.userData, T.NULL) : T.UNKNOWN),
    doc: 'What the authentication step attached to the connection; `null` when nothing.',
    emit: 'c.user.data',
    input: true,
  },
];

/** In the order messages list them (then the pattern's `$variables`, then `_()`). */
export const ROOTS: readonly RootName[] = [
  {
    name: 'user',
    type: (s) => ({ kind: 'object', properties: new Map(USER_FIELDS.map((f) => [f.name, { type: f.type(s), required: true }])), closed: true, extra: T.UNKNOWN }),
    doc: 'The user of the connection making the request.',
    emit: 'c.user',
    read: (c) => c.user,
    fields: USER_FIELDS,
  },
  {
    name: 'data',
    type: (s) => s.value ?? T.UNKNOWN,
    doc: 'The payload of the message.',
    sectionDoc: { record: 'The incoming record value (for a patch: the stored record with the patch applied).' },
    requires: 'data',
    emit: 'c.data',
    read: (c) => c.data,
  },
  {
    name: 'oldData',
    type: (s) => (s.value ? T.union(s.value, T.NULL) : T.UNKNOWN),
    doc: 'The stored record; `null` when it does not exist.',
    requires: 'oldData',
    emit: 'c.oldData',
    read: (c) => c.oldData,
  },
  { name: 'now', type: () => T.NUMBER, doc: 'Milliseconds since the epoch, read once per check.', emit: 'c.now', read: (c) => c.now },
  {
    name: 'name',
    type: (s) => (s.section === 'presence' ? T.union(T.STRING, T.UNDEFINED) : T.STRING),
    doc: 'The full name (for listen: the listen pattern).',
    sectionDoc: {
      record: 'The full record name (for listen: the listen pattern).',
      event: 'The full event name (for listen: the listen pattern).',
      rpc: 'The full rpc name (for listen: the listen pattern).',
      presence: 'The user name queried; `undefined` for a query of all users.',
    },
    emit: 'c.name',
    read: (c) => c.name,
  },
  { name: 'action', type: () => T.STRING, doc: "The server message's action in upper case: `'READ'`, `'UPDATE'`, `'PATCH'`, `'EMIT'`, …", emit: 'c.action', read: (c) => c.action },
];

/** A `$variable` of the rule's pattern: one segment of the name. */
export const VARIABLE = {
  type: T.STRING,
  doc: (name: string, pattern: string): string => `One segment of the name, matched by \`${name}\` in the pattern \`${pattern}\`.`,
  /** The variables are passed in pattern order. */
  emit: (index: number): string => `c.vars[${index}]`,
  read: (c: RuleContext, index: number): unknown => c.vars[index],
};

/** `_(name)`: another record's data (the checker's type for it comes from the schema's record patterns). */
export const REFERENCE = {
  name: '_',
  label: '_()',
  signature: '(name: string) => any',
  doc: 'The data of another record; `null` when it does not exist.',
  /** deepstream ignores extra arguments; a missing one is undefined. */
  emit: (arg: string | undefined): string => `r.ref(c, ${arg ?? '(void 0)'})`,
  evaluate: (r: Operations, c: RuleContext, arg: unknown): unknown => r.ref(c, arg),
};

const BY_NAME = new Map(ROOTS.map((r) => [r.name, r]));
export const rootName = (name: string): RootName | undefined => BY_NAME.get(name);

/** The doc of a root name in a rule of `section`. */
export const rootDoc = (root: RootName, section: Section | undefined): string => (section && root.sectionDoc?.[section]) ?? root.doc;

/** A root name's availability given the rule's action flags (undefined: not judged, so available). */
export const isAvailable = (root: RootName, info: { readonly data: boolean; readonly oldData: boolean } | undefined): boolean =>
  root.requires === undefined || info === undefined || info[root.requires];

/** The user fields a rule can read without reaching outside input (`user.id`, `user.isAuthenticated`). */
export const ENGINE_USER_FIELDS: ReadonlySet<string> = new Set(USER_FIELDS.filter((f) => !f.input).map((f) => f.name));

/** Names available in one rule, in the order messages list them; every name when the section or action is not known. */
export function availableNames(section: Section | undefined, action: string | undefined, variables: readonly string[]): string[] {
  const judged = Boolean(section && action);
  const info = section && action ? actionInfo(section, action) : undefined;
  const roots = ROOTS.filter((r) => !judged || r.requires === undefined || info?.[r.requires] === true);
  return [...roots.map((r) => r.name), ...variables, REFERENCE.label];
}
