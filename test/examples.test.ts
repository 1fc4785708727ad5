/**
 * The example rule files (playground menu, docs): each compiles without a single diagnostic, and
 * examples/permissions.yml, the tour of the whole language, decides a table of requests as its
 * comments say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, type CheckRequest, type RulesModule } from '../index.js';

const EXAMPLES = new URL('../examples/', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, EXAMPLES), 'utf8');

const exampleFiles = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml') && !f.endsWith('.schema.yml'))
  .sort();

describe('example files compile cleanly', () => {
  it('has the expected examples', () => {
    expect(exampleFiles).toEqual(expect.arrayContaining(['chat.yml', 'game-lobby.yml', 'permissions.yml', 'todo.yml']));
  });

  it.each(exampleFiles)('%s: no diagnostics, a module', (file) => {
    const result = compile(read(file), { file: `examples/${file}` });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(result.module).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------
// examples/permissions.yml against an in-memory record store.

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const MIN = 60_000;

const STORE: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['user/alice', { name: 'Alice', username: 'alice', email: 'alice@example.com', teamId: 'core', createdAt: NOW - 100 * MIN }],
  ['user/bob', { name: 'Bob', username: 'bob', email: 'bob@example.com', teamId: 'core', createdAt: NOW - 100 * MIN }],
  ['user/erin', { name: 'Erin', username: 'erin', email: 'erin@example.com', teamId: 'ops', createdAt: NOW - 100 * MIN }],
  // frank has no profile record: rules that follow user/frank read a property of null.
  ['team/core', { name: 'Core', owner: 'alice', admins: ['alice', 'bob'], members: ['alice', 'bob', 'dave'] }],
  ['team/ops', { name: 'Ops', owner: 'carol', admins: ['carol'], members: ['carol', 'erin'] }],
  ['chat/dev', { title: 'Dev', createdBy: 'alice', members: ['alice', 'bob', 'dave', 'erin', 'frank'], moderators: ['alice', 'bob', 'erin', 'frank'], archived: false }],
  ['chat/old', { title: 'Old', createdBy: 'alice', members: ['alice', 'bob'], moderators: ['bob'], archived: true }],
  ['chat/lounge', { title: 'Lounge', createdBy: 'bob', moderators: ['bob'] }],
  ['chat/dev/msg/bob-1', { author: 'bob', kind: 'text', text: 'hi', sentAt: NOW - MIN }],
  ['chat/dev/msg/bob-0', { author: 'bob', kind: 'text', text: 'old news', sentAt: NOW - 10 * MIN }],
  ['todo/groceries-list', { title: 'Groceries', owner: 'alice', editors: ['bob'], priority: 'low' }],
  ['todo/groceries-list/item/item-1', { text: 'milk', done: false, by: 'bob' }],
  ['todo/groceries-list/item/item-2', { text: 'bread', done: true, by: 'bob' }],
]);

const loadRecord = (name: string): unknown => (STORE.has(name) ? structuredClone(STORE.get(name)) : null);

const member = (id: string) => ({ id, isAuthenticated: true, data: { role: 'member' } });
const alice = member('alice');
const bob = member('bob');
const carol = member('carol');
const dave = member('dave');
const erin = member('erin');
const frank = member('frank');
const root = { id: 'root', isAuthenticated: true, data: { role: 'admin' } };
const testAdmin = { id: 'test-admin', isAuthenticated: true, data: { role: 'admin' } };
const svc = { id: 'svc', isAuthenticated: true, data: { role: 'service' } };
const anon = { id: 'open', isAuthenticated: false };

const profile = (over: Record<string, unknown> = {}) => ({ name: 'Alice', username: 'alice', email: 'alice@example.com', teamId: 'core', createdAt: NOW - 100 * MIN, ...over });
const message = (over: Record<string, unknown> = {}) => ({ author: 'bob', kind: 'text', text: 'hello', sentAt: NOW - 1000, ...over });
const list = (over: Record<string, unknown> = {}) => ({ title: 'Groceries', owner: 'alice', editors: ['bob'], priority: 'high', ...over });

interface Case {
  readonly title: string;
  readonly request: CheckRequest;
  readonly allowed: boolean;
  /** The pattern expected to decide (checked when given). */
  readonly pattern?: string;
  /** True: the evaluation must fail (deny with an error); false: it must not. */
  readonly error?: boolean;
  readonly rounds?: number;
}

const rec = (action: string, name: string, user: CheckRequest['user'], extra: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action, name, user, now: NOW, ...extra });
const ev = (action: string, name: string, user: CheckRequest['user'], data?: unknown): CheckRequest => ({ type: 'event', action, name, user, data, now: NOW });
const rpc = (action: string, name: string, user: CheckRequest['user'], data?: unknown): CheckRequest => ({ type: 'rpc', action, name, user, data, now: NOW });
const presence = (name: string | undefined, user: CheckRequest['user']): CheckRequest => ({ type: 'presence', action: 'allow', name, user, now: NOW });

const CASES: readonly Case[] = [
  // record "*": defaults
  { title: 'unauthenticated user reads an unknown record', request: rec('read', 'misc/x', anon), allowed: false, pattern: '*', error: false },
  { title: 'signed-in user reads an unknown record', request: rec('read', 'misc/x', alice), allowed: true, pattern: '*' },
  { title: 'nobody creates an unknown record', request: rec('create', 'misc/x', root), allowed: false, pattern: '*' },
  { title: 'admin (user.data.role) gets notify', request: rec('notify', 'misc/x', root), allowed: true, pattern: '*' },
  { title: 'member does not get notify', request: rec('notify', 'misc/x', alice), allowed: false, pattern: '*' },
  { title: 'user without user.data does not get notify', request: rec('notify', 'misc/x', anon), allowed: false, pattern: '*', error: false },

  // public/*
  { title: 'anyone reads public content', request: rec('read', 'public/news/2024/1', anon), allowed: true, pattern: 'public/*' },
  { title: 'nobody writes public content', request: rec('write', 'public/news/1', root, { data: {} }), allowed: false, pattern: 'public/*' },

  // user/$userId
  { title: 'user creates own profile', request: rec('create', 'user/alice', alice), allowed: true, pattern: 'user/$userId' },
  { title: "user cannot create someone else's profile", request: rec('create', 'user/alice', bob), allowed: false, pattern: 'user/$userId' },
  { title: 'user writes own profile', request: rec('write', 'user/alice', alice, { data: profile({ name: 'Alice A.' }) }), allowed: true, pattern: 'user/$userId', rounds: 1 },
  { title: 'username must match the regex', request: rec('write', 'user/alice', alice, { data: profile({ username: 'Alice!' }) }), allowed: false, pattern: 'user/$userId' },
  { title: 'email must be trimmed and lower case', request: rec('write', 'user/alice', alice, { data: profile({ email: ' Alice@example.com' }) }), allowed: false },
  { title: 'createdAt may not lie in the future (now)', request: rec('write', 'user/alice', alice, { data: profile({ createdAt: NOW + 1 }) }), allowed: false },
  { title: 'createdAt exactly now is fine', request: rec('write', 'user/alice', alice, { data: profile({ createdAt: NOW }) }), allowed: true },
  { title: 'user cannot move to another team (oldData)', request: rec('write', 'user/alice', alice, { data: profile({ teamId: 'ops' }) }), allowed: false },
  { title: 'admin can move a user to another team', request: rec('write', 'user/alice', root, { data: profile({ teamId: 'ops' }) }), allowed: true },
  { title: 'a new profile (oldData null) can set its team', request: rec('write', 'user/zoe', member('zoe'), { data: profile({ username: 'zoe', email: 'zoe@example.com', teamId: 'ops' }) }), allowed: true },
  { title: 'patch of own profile (data is the merged record)', request: rec('write', 'user/alice', alice, { patch: { path: 'name', value: 'Alice B.' } }), allowed: true, pattern: 'user/$userId' },
  { title: 'patch that breaks the username', request: rec('write', 'user/alice', alice, { patch: { path: 'username', value: 'no spaces allowed' } }), allowed: false },
  { title: 'patch of a missing record denies with an error', request: rec('write', 'user/nobody', member('nobody'), { patch: { path: 'name', value: 'x' } }), allowed: false, error: true },
  { title: 'only admins delete profiles', request: rec('delete', 'user/alice', alice), allowed: false, pattern: 'user/$userId' },

  // user/$userId/private/*
  { title: 'owner reads own private record (variable + wildcard)', request: rec('read', 'user/alice/private/notes/1', alice), allowed: true, pattern: 'user/$userId/private/*' },
  { title: "others cannot read a user's private record", request: rec('read', 'user/alice/private/notes/1', bob), allowed: false, pattern: 'user/$userId/private/*' },

  // user/*/avatar-*
  { title: 'anyone reads an avatar', request: rec('read', 'user/alice/avatar-1', anon), allowed: true, pattern: 'user/*/avatar-*' },
  { title: 'user writes own avatar over https (template string + name)', request: rec('write', 'user/alice/avatar-1', alice, { data: { url: 'https://cdn/a.png' } }), allowed: true, pattern: 'user/*/avatar-*' },
  { title: 'avatar url must be https', request: rec('write', 'user/alice/avatar-1', alice, { data: { url: 'http://cdn/a.png' } }), allowed: false },
  { title: "user cannot write someone else's avatar", request: rec('write', 'user/alice/avatar-1', bob, { data: { url: 'https://cdn/b.png' } }), allowed: false },

  // team/$teamId
  { title: 'admin creates a team with a valid id', request: rec('create', 'team/core-2', root), allowed: true, pattern: 'team/$teamId' },
  { title: 'team id must match the regex', request: rec('create', 'team/Core', root), allowed: false, pattern: 'team/$teamId' },
  { title: 'team member reads the team', request: rec('read', 'team/core', dave), allowed: true, pattern: 'team/$teamId' },
  { title: 'outsider cannot read the team', request: rec('read', 'team/core', carol), allowed: false },
  { title: 'team admin renames the team', request: rec('write', 'team/core', bob, { data: { name: 'Core Team', owner: 'alice', admins: ['alice', 'bob'], members: ['alice', 'bob'] } }), allowed: true },
  { title: 'team owner is immutable', request: rec('write', 'team/core', bob, { data: { name: 'Core', owner: 'bob', admins: ['alice', 'bob'], members: [] } }), allowed: false },
  { title: 'team name must not be blank (trim)', request: rec('write', 'team/core', bob, { data: { name: '   ', owner: 'alice', admins: ['alice'], members: [] } }), allowed: false },
  { title: 'plain member cannot write the team', request: rec('write', 'team/core', dave, { data: { name: 'Core', owner: 'alice', admins: ['alice'], members: [] } }), allowed: false },

  // chat/$roomId
  { title: 'member reads a room (array indexOf)', request: rec('read', 'chat/dev', dave), allowed: true, pattern: 'chat/$roomId' },
  { title: 'non-member cannot read a room', request: rec('read', 'chat/dev', carol), allowed: false, pattern: 'chat/$roomId' },
  { title: 'a HEAD (action) is allowed to any signed-in user', request: rec('read', 'chat/dev', carol, { messageAction: 'HEAD' }), allowed: true },
  { title: "a room without members is open ('in')", request: rec('read', 'chat/lounge', carol), allowed: true },
  { title: 'room names are lower case to create', request: rec('create', 'chat/Dev', alice), allowed: false },
  { title: 'moderator edits the room', request: rec('write', 'chat/dev', bob, { data: { title: 'Dev!', createdBy: 'alice', members: [], moderators: ['bob'], archived: false } }), allowed: true, pattern: 'chat/$roomId' },
  { title: 'room creator is immutable', request: rec('write', 'chat/dev', bob, { data: { title: 'Dev', createdBy: 'bob', members: [], moderators: ['bob'], archived: false } }), allowed: false },
  { title: 'an archived room stays archived (block scalar |-)', request: rec('write', 'chat/old', bob, { data: { title: 'Old', createdBy: 'alice', members: [], moderators: ['bob'], archived: false } }), allowed: false },
  { title: 'moderator who is a team admin deletes a room (nested _())', request: rec('delete', 'chat/dev', bob), allowed: true, pattern: 'chat/$roomId', rounds: 2 },
  { title: 'moderator who is not a team admin cannot delete (nested _())', request: rec('delete', 'chat/dev', erin), allowed: false, error: false, rounds: 2 },
  { title: 'moderator without a profile: property of a missing record errors and denies', request: rec('delete', 'chat/dev', frank), allowed: false, pattern: 'chat/$roomId', error: true },
  { title: 'nobody listens on rooms', request: rec('listen', 'chat/*', root), allowed: false, pattern: 'chat/$roomId' },

  // chat/$roomId/msg/$msgId
  { title: 'member reads a message (cross-reference)', request: rec('read', 'chat/dev/msg/bob-1', dave), allowed: true, pattern: 'chat/$roomId/msg/$msgId' },
  { title: 'non-member cannot read a message', request: rec('read', 'chat/dev/msg/bob-1', carol), allowed: false },
  { title: 'member creates a message with their own id prefix', request: rec('create', 'chat/dev/msg/bob-2', bob), allowed: true, pattern: 'chat/$roomId/msg/$msgId' },
  { title: "member cannot create a message under another's id prefix", request: rec('create', 'chat/dev/msg/alice-9', bob), allowed: false },
  { title: 'author sends a text message', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message() }), allowed: true, pattern: 'chat/$roomId/msg/$msgId' },
  { title: 'a script tag in any case is refused (toLowerCase + indexOf)', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ text: 'x<SCRIPT>alert(1)' }) }), allowed: false },
  { title: 'text longer than 2000 characters is refused', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ text: 'a'.repeat(2001) }) }), allowed: false },
  { title: 'an image over https (ternary branch)', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ kind: 'image', text: undefined, url: 'https://img/x.png' }) }), allowed: true },
  { title: 'an image over http is refused (ternary branch)', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ kind: 'image', url: 'http://img/x.png' }) }), allowed: false },
  { title: 'a message dated in the future is refused (now)', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ sentAt: NOW + 5000 }) }), allowed: false },
  { title: 'a message dated too far back is refused (now)', request: rec('write', 'chat/dev/msg/bob-2', bob, { data: message({ sentAt: NOW - 6 * MIN }) }), allowed: false },
  { title: 'no messages into an archived room', request: rec('write', 'chat/old/msg/bob-2', bob, { data: message() }), allowed: false },
  { title: 'author edits a recent message with a patch', request: rec('write', 'chat/dev/msg/bob-1', bob, { patch: { path: 'text', value: 'hi all' } }), allowed: true },
  { title: 'author cannot edit an old message (patch)', request: rec('write', 'chat/dev/msg/bob-0', bob, { patch: { path: 'text', value: 'new news' } }), allowed: false },
  { title: "moderator deletes another's message", request: rec('delete', 'chat/dev/msg/bob-1', alice), allowed: true },
  { title: "member cannot delete another's message", request: rec('delete', 'chat/dev/msg/bob-1', dave), allowed: false },

  // todo/$listId
  { title: "list ids end with '-list' (endsWith)", request: rec('create', 'todo/groceries', alice), allowed: false, pattern: 'todo/$listId' },
  { title: 'signed-in user creates a list', request: rec('create', 'todo/chores-list', alice), allowed: true, pattern: 'todo/$listId' },
  { title: 'editor reads the list', request: rec('read', 'todo/groceries-list', bob), allowed: true },
  { title: 'outsider cannot read the list', request: rec('read', 'todo/groceries-list', dave), allowed: false },
  { title: 'editor writes the list, priority in any case (toUpperCase + array indexOf)', request: rec('write', 'todo/groceries-list', bob, { data: list({ priority: 'High' }) }), allowed: true, pattern: 'todo/$listId' },
  { title: 'unknown priority is refused', request: rec('write', 'todo/groceries-list', bob, { data: list({ priority: 'urgent' }) }), allowed: false },
  { title: 'list owner is immutable', request: rec('write', 'todo/groceries-list', bob, { data: list({ owner: 'bob' }) }), allowed: false },
  { title: 'missing editors count as empty (??)', request: rec('write', 'todo/groceries-list', alice, { data: list({ editors: undefined }) }), allowed: true },
  { title: 'more than 10 editors is refused', request: rec('write', 'todo/groceries-list', alice, { data: list({ editors: Array.from({ length: 11 }, (_, i) => `u${i}`) }) }), allowed: false },
  { title: 'admin of the owner’s team deletes the list (nested _() over oldData)', request: rec('delete', 'todo/groceries-list', bob), allowed: true, pattern: 'todo/$listId' },
  { title: 'a user outside the owner’s team admins cannot delete the list', request: rec('delete', 'todo/groceries-list', dave), allowed: false },

  // todo/$listId/item/$itemId
  { title: 'editor marks an item done', request: rec('write', 'todo/groceries-list/item/item-1', bob, { data: { text: 'milk', done: true, by: 'bob' } }), allowed: true, pattern: 'todo/$listId/item/$itemId' },
  { title: 'a done item is immutable', request: rec('write', 'todo/groceries-list/item/item-2', alice, { data: { text: 'bread', done: false, by: 'alice' } }), allowed: false },
  { title: 'item ids must match the regex', request: rec('write', 'todo/groceries-list/item/first', bob, { data: { text: 'eggs', done: false, by: 'bob' } }), allowed: false },
  { title: 'done must be a boolean (typeof)', request: rec('write', 'todo/groceries-list/item/item-3', bob, { data: { text: 'eggs', done: 'no', by: 'bob' } }), allowed: false },
  { title: 'empty tags are refused (?? + array includes)', request: rec('write', 'todo/groceries-list/item/item-3', bob, { data: { text: 'eggs', done: false, by: 'bob', tags: ['food', ''] } }), allowed: false },
  { title: 'owner deletes an open item', request: rec('delete', 'todo/groceries-list/item/item-1', alice), allowed: true },
  { title: 'a done item cannot be deleted', request: rec('delete', 'todo/groceries-list/item/item-2', alice), allowed: false },
  { title: 'items of a missing list: the null guard denies', request: rec('read', 'todo/nothing-list/item/item-1', alice), allowed: false, error: false },

  // event
  { title: 'unauthenticated user cannot subscribe to events', request: ev('subscribe', 'misc', anon), allowed: false, pattern: '*' },
  { title: 'signed-in user subscribes to an event', request: ev('subscribe', 'misc', alice), allowed: true, pattern: '*' },
  { title: 'nobody publishes an unknown event', request: ev('publish', 'misc', root, {}), allowed: false, pattern: '*' },
  { title: 'member publishes own typing indicator', request: ev('publish', 'chat/dev/typing', dave, { userId: 'dave' }), allowed: true, pattern: 'chat/$roomId/typing' },
  { title: "member cannot publish someone else's typing", request: ev('publish', 'chat/dev/typing', dave, { userId: 'alice' }), allowed: false },
  { title: 'non-member cannot subscribe to typing', request: ev('subscribe', 'chat/dev/typing', carol), allowed: false, pattern: 'chat/$roomId/typing' },
  { title: 'user subscribes to own notifications', request: ev('subscribe', 'notifications/alice', alice), allowed: true, pattern: 'notifications/$userId' },
  { title: "user cannot subscribe to another's notifications", request: ev('subscribe', 'notifications/alice', bob), allowed: false },
  { title: 'service publishes a notification (array includes)', request: ev('publish', 'notifications/alice', svc, { text: 'hi' }), allowed: true },
  { title: 'member cannot publish a notification', request: ev('publish', 'notifications/alice', bob, { text: 'hi' }), allowed: false },
  { title: 'admin broadcasts an info', request: ev('publish', 'broadcast/ops/maintenance', root, { severity: 'info' }), allowed: true, pattern: 'broadcast/*' },
  { title: 'broadcast severity must be known', request: ev('publish', 'broadcast/ops/maintenance', root, { severity: 'critical' }), allowed: false },
  { title: 'service listens on broadcast topics (name)', request: ev('listen', 'broadcast/*', svc), allowed: true, pattern: 'broadcast/*' },
  { title: 'listen elsewhere falls back to the root', request: ev('listen', 'other/*', svc), allowed: false, pattern: '*' },

  // rpc
  { title: 'service provides an RPC', request: rpc('provide', 'todo-export/csv', svc), allowed: true, pattern: '*' },
  { title: 'member cannot provide an RPC', request: rpc('provide', 'todo-export/csv', alice), allowed: false, pattern: '*' },
  { title: 'editor exports a list', request: rpc('request', 'todo-export/csv', bob, { listId: 'groceries-list' }), allowed: true, pattern: 'todo-export/$format' },
  { title: 'unknown export format', request: rpc('request', 'todo-export/pdf', bob, { listId: 'groceries-list' }), allowed: false },
  { title: 'outsider cannot export a list', request: rpc('request', 'todo-export/json', dave, { listId: 'groceries-list' }), allowed: false },
  { title: 'export without a list id is refused before any load', request: rpc('request', 'todo-export/json', bob, {}), allowed: false, error: false, rounds: 0 },
  { title: 'admin requests an admin RPC with a reason', request: rpc('request', 'admin/reindex', root, { reason: 'nightly reindex' }), allowed: true, pattern: 'admin/*' },
  { title: 'admin RPC reason too short after trim', request: rpc('request', 'admin/reindex', root, { reason: '   short   ' }), allowed: false },
  { title: 'admin RPC without a reason (??)', request: rpc('request', 'admin/reindex', root, {}), allowed: false, error: false },
  { title: 'urgent admin RPC by a test account is refused (ternary)', request: rpc('request', 'admin/reindex', testAdmin, { reason: 'nightly reindex', urgent: true }), allowed: false },
  { title: 'urgent admin RPC by a real admin', request: rpc('request', 'admin/reindex', root, { reason: 'nightly reindex', urgent: true }), allowed: true },
  { title: 'signed-in user requests another RPC', request: rpc('request', 'weather', alice, {}), allowed: true, pattern: '*' },

  // presence
  { title: 'unauthenticated user cannot query presence', request: presence(undefined, anon), allowed: false, pattern: '*' },
  { title: 'signed-in user queries all users', request: presence(undefined, alice), allowed: true, pattern: '*' },
  { title: 'signed-in user queries one user', request: presence('bob', alice), allowed: true, pattern: '*' },
  { title: 'members do not see bots', request: presence('bot-helper', alice), allowed: false, pattern: 'bot-*' },
  { title: 'admins see bots', request: presence('bot-helper', root), allowed: true, pattern: 'bot-*' },
];

describe('examples/permissions.yml decisions', () => {
  const result = compile(read('permissions.yml'), { file: 'examples/permissions.yml' });
  const module = result.module as RulesModule;

  it('compiles', () => {
    expect(result.diagnostics).toEqual([]);
    expect(module).toBeDefined();
  });

  it('covers every pattern of every section', () => {
    const decided = new Set(CASES.map((c) => `${c.request.type} ${c.pattern ?? ''}`));
    const all = new Set(module.rules.map((r) => `${r.section} ${r.pattern}`));
    for (const key of all) expect(decided, key).toContain(key);
  });

  it.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const decision = await module.check(c.request, { loadRecord });
    expect(decision.allowed, `${decision.reason.message}${decision.error ? ` (error: ${decision.error})` : ''}`).toBe(c.allowed);
    if (c.pattern !== undefined) expect(decision.pattern).toBe(c.pattern);
    if (c.error === true) expect(decision.error).toBeDefined();
    if (c.error === false) expect(decision.error).toBeUndefined();
    if (c.rounds !== undefined) expect(decision.rounds).toBe(c.rounds);
  });
});

// ---------------------------------------------------------------------------------------------
// Smoke tests of the playground examples: a few decisions each, so their comments stay true.

interface Smoke {
  readonly title: string;
  readonly request: CheckRequest;
  readonly allowed: boolean;
}

const smoke = (file: string, store: ReadonlyMap<string, unknown>, cases: readonly Smoke[]): void => {
  describe(`examples/${file} decisions`, () => {
    const module = compile(read(file), { file: `examples/${file}` }).module as RulesModule;
    const load = (name: string): unknown => (store.has(name) ? structuredClone(store.get(name)) : null);
    it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
      const decision = await module.check(c.request, { loadRecord: load });
      expect(decision.allowed, `${decision.reason.message}`).toBe(c.allowed);
      if (!c.allowed) expect(decision.error).toBeUndefined();
    });
  });
};

const backend = { id: 'backend-1', data: { role: 'backend' } };
const server = { id: 'server-1', data: { role: 'server' } };

smoke('chat.yml', new Map<string, unknown>([
  ['room/lobby', { name: 'Lobby', owner: 'alice', private: false, members: ['alice', 'bob'], moderators: ['alice'] }],
  ['room/secret', { name: 'Secret', owner: 'alice', private: true, members: ['alice', 'bob'], moderators: ['alice', 'bob'], banned: ['dave'] }],
  ['room/secret/message/bob-1', { author: 'bob', text: 'psst', createdAt: NOW - MIN }],
]), [
  { title: 'anyone signed in reads a public room', request: rec('read', 'room/lobby', carol), allowed: true },
  { title: 'non-member cannot read a private room', request: rec('read', 'room/secret', carol), allowed: false },
  { title: 'member posts a message', request: rec('write', 'room/secret/message/bob-2', bob, { data: { author: 'bob', text: 'hi', createdAt: NOW } }), allowed: true },
  { title: 'blank message is refused', request: rec('write', 'room/secret/message/bob-2', bob, { data: { author: 'bob', text: '  ', createdAt: NOW } }), allowed: false },
  { title: 'moderator deletes a message', request: rec('delete', 'room/secret/message/bob-1', alice), allowed: true },
  { title: 'moderator cannot hand over ownership', request: rec('write', 'room/secret', bob, { data: { name: 'S', owner: 'bob', private: true, members: ['bob'], moderators: ['bob'] } }), allowed: false },
  { title: 'member publishes typing', request: ev('publish', 'room/lobby/typing', bob, { userId: 'bob' }), allowed: true },
  { title: 'moderator cannot ban the owner', request: rpc('request', 'room-ban', bob, { roomId: 'secret', userId: 'alice' }), allowed: false },
  { title: 'backend provides room-invite', request: rpc('provide', 'room-invite', backend), allowed: true },
]);

smoke('todo.yml', new Map<string, unknown>([
  ['list/home', { title: 'Home', owner: 'alice', editors: ['bob'], viewers: ['carol'] }],
  ['list/home/todo/t1', { title: 'dishes', done: false, createdBy: 'bob' }],
  ['list/home/todo/t2', { title: 'laundry', done: true, createdBy: 'bob', doneBy: 'bob', doneAt: NOW - MIN }],
]), [
  { title: 'viewer reads the list', request: rec('read', 'list/home', carol), allowed: true },
  { title: 'editor renames the list', request: rec('write', 'list/home', bob, { data: { title: 'Home!', owner: 'alice', editors: ['bob'], viewers: ['carol'] } }), allowed: true },
  { title: 'editor cannot add editors', request: rec('write', 'list/home', bob, { data: { title: 'Home', owner: 'alice', editors: ['bob', 'dave'], viewers: ['carol'] } }), allowed: false },
  { title: 'owner adds editors', request: rec('write', 'list/home', alice, { data: { title: 'Home', owner: 'alice', editors: ['bob', 'dave'], viewers: ['carol'] } }), allowed: true },
  { title: 'marking done without who and when is refused', request: rec('write', 'list/home/todo/t1', bob, { patch: { path: 'done', value: true } }), allowed: false },
  { title: 'editor marks an item done, saying who and when', request: rec('write', 'list/home/todo/t1', bob, { data: { title: 'dishes', done: true, createdBy: 'bob', doneBy: 'bob', doneAt: NOW } }), allowed: true },
  { title: 'a done item is immutable', request: rec('write', 'list/home/todo/t2', alice, { data: { title: 'laundry', done: false, createdBy: 'bob' } }), allowed: false },
  { title: 'viewer cannot add items', request: rec('create', 'list/home/todo/t3', carol), allowed: false },
  { title: 'only the owner deletes a done item', request: rec('delete', 'list/home/todo/t2', bob), allowed: false },
  { title: 'owner shares with an editor', request: rpc('request', 'list-share', alice, { listId: 'home', userId: 'dave', role: 'editor' }), allowed: true },
]);

smoke('game-lobby.yml', new Map<string, unknown>([
  ['lobby/l1', { host: 'alice', name: 'L1', maxPlayers: 2, players: ['alice'], status: 'open' }],
  ['lobby/l2', { host: 'alice', name: 'L2', maxPlayers: 2, players: ['alice', 'bob'], status: 'playing', turn: 'bob', turnNumber: 4, turnStartedAt: NOW - 10_000 }],
]), [
  { title: 'player opens a lobby as host', request: rec('write', 'lobby/l3', carol, { data: { host: 'carol', name: 'L3', maxPlayers: 4, players: ['carol'], status: 'open' } }), allowed: true },
  { title: 'at most 8 players', request: rec('write', 'lobby/l3', carol, { data: { host: 'carol', name: 'L3', maxPlayers: 9, players: ['carol'], status: 'open' } }), allowed: false },
  { title: 'host renames an open lobby', request: rec('write', 'lobby/l1', alice, { patch: { path: 'name', value: 'Fun' } }), allowed: true },
  { title: 'host cannot add players directly', request: rec('write', 'lobby/l1', alice, { patch: { path: 'players[1]', value: 'bob' } }), allowed: false },
  { title: 'server writes anything', request: rec('write', 'lobby/l1', server, { data: { host: 'alice', players: ['alice', 'bob'], status: 'playing' } }), allowed: true },
  { title: 'join an open lobby with room', request: rpc('request', 'lobby-join', bob, { lobbyId: 'l1' }), allowed: true },
  { title: 'cannot join a full lobby', request: rpc('request', 'lobby-join', carol, { lobbyId: 'l2' }), allowed: false },
  { title: 'player on turn publishes a move', request: ev('publish', 'lobby/l2/move', bob, { player: 'bob', turnNumber: 4, move: 'e4' }), allowed: true },
  { title: 'player off turn cannot move', request: ev('publish', 'lobby/l2/move', alice, { player: 'alice', turnNumber: 4, move: 'e5' }), allowed: false },
  { title: 'a move after the turn timed out is refused', request: { ...ev('publish', 'lobby/l2/move', bob, { player: 'bob', turnNumber: 4, move: 'e4' }), now: NOW + 60_000 }, allowed: false },
  { title: 'move by RPC for the current turn', request: rpc('request', 'move/l2', bob, { turnNumber: 4, move: 'e4' }), allowed: true },
  { title: 'server connections are hidden from players', request: presence('server-1', alice), allowed: false },
  { title: 'players see each other', request: presence('bob', alice), allowed: true },
]);
