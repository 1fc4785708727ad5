/** What exists where: sections, their actions, and which values each action's rules may read. */

export type Section = 'record' | 'event' | 'rpc' | 'presence';
export const SECTIONS: readonly Section[] = ['record', 'event', 'rpc', 'presence'];

interface ActionInfo {
  readonly data: boolean;
  readonly oldData: boolean;
}

/** The spec's table, one row per section and action. */
export const ACTIONS: Readonly<Record<Section, Readonly<Record<string, ActionInfo>>>> = {
  record: {
    create: { data: false, oldData: false },
    read: { data: false, oldData: true },
    write: { data: true, oldData: true },
    delete: { data: false, oldData: true },
    listen: { data: false, oldData: false },
    notify: { data: false, oldData: false },
  },
  event: {
    publish: { data: true, oldData: false },
    subscribe: { data: true, oldData: false },
    listen: { data: false, oldData: false },
  },
  rpc: {
    request: { data: true, oldData: false },
    provide: { data: false, oldData: false },
  },
  presence: {
    allow: { data: false, oldData: false },
  },
};

/** `user.id` of a connection that did not authenticate (deepstream's open authentication). */
export const ANONYMOUS_ID = 'open';

export const isSection = (s: string): s is Section => (SECTIONS as readonly string[]).includes(s);
export const actionsOf = (s: Section): string[] => Object.keys(ACTIONS[s]);
export const actionInfo = (s: Section, action: string): ActionInfo | undefined =>
  Object.prototype.hasOwnProperty.call(ACTIONS[s], action) ? ACTIONS[s][action] : undefined;

/** Property names that lead into JavaScript internals; never readable, statically or at run time. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);
