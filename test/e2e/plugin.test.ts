/**
 * The Valve deepstream plugin piece by piece: its message → action table against deepstream's
 * protocol constants, how a message becomes a check request, the file watcher, hot reload on a
 * running server, precompiled modules, `maxRuleIterations`, bad options, and canPerformAction's
 * contract (one answer, never a throw into the server). (One file: each test file loads the
 * compiler anew, so fewer files keep the end-to-end suite fast.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ds from '@deepstream/server/dist/src/constants.js';
import { formatText } from '../../cli/report.js';
import { compileProgram } from '../../compiler/index.js';
import {
  MESSAGE_ACTIONS,
  requestFor,
  TOPIC,
  ValvePermission,
  type DeepstreamLogger,
  type DeepstreamMessage,
  type PermissionCallback,
  type RecordHandlerLike,
} from '../../adapters/deepstream/plugin.js';
import { watchFile, type FileWatcher } from '../../adapters/node/watch.js';
import { TestClient } from './helpers/client.js';
import { seedRecord, ServerPool, scratchDir, startValve, type TestServer } from './helpers/harness.js';

const scratch = scratchDir();
const servers = new ServerPool();
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await servers.stopAll();
  scratch.cleanup();
});

// ---- the message table and requests (spec sections 1 and 3) ---------------------------------

const C = ds as unknown as {
  TOPIC: Record<string, number>;
  RECORD_ACTION: Record<string, number>;
  EVENT_ACTION: Record<string, number>;
  RPC_ACTION: Record<string, number>;
  PRESENCE_ACTION: Record<string, number>;
};

const ENUMS: Record<number, Record<string, number>> = {
  [C.TOPIC.RECORD]: C.RECORD_ACTION,
  [C.TOPIC.EVENT]: C.EVENT_ACTION,
  [C.TOPIC.RPC]: C.RPC_ACTION,
  [C.TOPIC.PRESENCE]: C.PRESENCE_ACTION,
};

/** Spec section 1, by deepstream's action names. */
const SPEC: Record<string, Record<string, string>> = {
  RECORD: {
    SUBSCRIBE: 'read', SUBSCRIBEANDHEAD: 'read', SUBSCRIBEANDREAD: 'read', READ: 'read', HEAD: 'read',
    UPDATE: 'write', PATCH: 'write', CREATE: 'create', DELETE: 'delete', ERASE: 'delete', LISTEN: 'listen', NOTIFY: 'notify',
  },
  EVENT: { EMIT: 'publish', SUBSCRIBE: 'subscribe', LISTEN: 'listen' },
  RPC: { PROVIDE: 'provide', REQUEST: 'request' },
  PRESENCE: { SUBSCRIBE: 'allow', SUBSCRIBE_ALL: 'allow', QUERY: 'allow', QUERY_ALL: 'allow' },
};

describe('message → rule action table', () => {
  it("uses deepstream's topic numbers", () => {
    expect(TOPIC).toEqual({ EVENT: C.TOPIC.EVENT, RECORD: C.TOPIC.RECORD, RPC: C.TOPIC.RPC, PRESENCE: C.TOPIC.PRESENCE });
  });

  it('has exactly the rows of spec section 1, each under its protocol number and named as deepstream names it', () => {
    const seen: Record<string, Record<string, string>> = {};
    for (const [topic, actions] of Object.entries(MESSAGE_ACTIONS)) {
      const topicName = Object.keys(C.TOPIC).find((k) => C.TOPIC[k] === Number(topic))!;
      for (const [number, mapping] of Object.entries(actions)) {
        expect(ENUMS[Number(topic)][mapping.messageAction], `${topicName} ${mapping.messageAction}`).toBe(Number(number));
        (seen[topicName] ??= {})[mapping.messageAction] = mapping.action;
      }
    }
    expect(seen).toEqual(SPEC);
  });

  it('leaves unsubscribe, listen-accept and the compound record messages to the server (allowed, as upstream)', () => {
    for (const action of ['UNSUBSCRIBE', 'LISTEN_ACCEPT', 'LISTEN_REJECT', 'UNLISTEN', 'CREATEANDUPDATE', 'CREATEANDPATCH', 'SUBSCRIBECREATEANDREAD']) {
      expect(requestFor({ topic: C.TOPIC.RECORD, action: C.RECORD_ACTION[action], name: 'a' }, { userId: 'u' }), action).toBeNull();
    }
  });
});

describe('requestFor', () => {
  const msg = (topic: string, action: string, extra: Partial<DeepstreamMessage> = {}): DeepstreamMessage => ({
    topic: C.TOPIC[topic],
    action: ENUMS[C.TOPIC[topic]][action],
    ...extra,
  });

  it('takes the user from the connection; "open" when unauthenticated', () => {
    expect(requestFor(msg('EVENT', 'SUBSCRIBE', { name: 'e' }), { userId: 'ann', serverData: { role: 'admin' } })?.user).toEqual({ id: 'ann', isAuthenticated: true, data: { role: 'admin' } });
    expect(requestFor(msg('EVENT', 'SUBSCRIBE', { name: 'e' }), { userId: 'open', serverData: null })?.user).toEqual({ id: 'open', isAuthenticated: false, data: null });
    expect(requestFor(msg('EVENT', 'SUBSCRIBE', { name: 'e' }), {})?.user).toEqual({ id: 'open', isAuthenticated: false, data: null });
  });

  it('gives the message action name to the rule and the payload as data', () => {
    expect(requestFor(msg('EVENT', 'EMIT', { name: 'e', data: '{"a":1}' }), { userId: 'u' })).toMatchObject({ type: 'event', action: 'publish', messageAction: 'EMIT', name: 'e', data: { a: 1 } });
    expect(requestFor(msg('RPC', 'REQUEST', { name: 'r', data: '7' }), { userId: 'u' })).toMatchObject({ action: 'request', messageAction: 'REQUEST', data: 7 });
    expect(requestFor(msg('RECORD', 'HEAD', { name: 'x' }), { userId: 'u' })).toMatchObject({ action: 'read', messageAction: 'HEAD' });
  });

  it('turns a write with a path into a patch, whatever its action', () => {
    expect(requestFor(msg('RECORD', 'PATCH', { name: 'x', path: 'a.b', data: '2' }), { userId: 'u' })).toMatchObject({ action: 'write', messageAction: 'PATCH', patch: { path: 'a.b', value: 2 } });
    expect(requestFor(msg('RECORD', 'UPDATE', { name: 'x', path: 'a', data: '"v"' }), { userId: 'u' })).toMatchObject({ messageAction: 'UPDATE', patch: { path: 'a', value: 'v' } });
    expect(requestFor(msg('RECORD', 'UPDATE', { name: 'x', data: '{"a":1}' }), { userId: 'u' })).toMatchObject({ data: { a: 1 } });
  });

  it('checks an erase as delete, without data', () => {
    const r = requestFor(msg('RECORD', 'ERASE', { name: 'x', path: 'a' }), { userId: 'u' });
    expect(r).toMatchObject({ type: 'record', action: 'delete', messageAction: 'ERASE', name: 'x' });
    expect(r).not.toHaveProperty('data');
    expect(r).not.toHaveProperty('patch');
  });

  it('gives a presence query of all users no name', () => {
    expect(requestFor(msg('PRESENCE', 'QUERY_ALL', { name: 'ignored' }), { userId: 'u' })?.name).toBeUndefined();
    expect(requestFor(msg('PRESENCE', 'QUERY', { name: 'bob' }), { userId: 'u' })?.name).toBe('bob');
  });

  it('refuses data that is not JSON', () => {
    expect(() => requestFor(msg('EVENT', 'EMIT', { name: 'e', data: '{oops' }), { userId: 'u' })).toThrow(/not valid JSON/);
  });
});

// ---- adapters/node/watch.ts against the real file system -------------------------------------------

const watchers: FileWatcher[] = [];
afterAll(() => {
  for (const w of watchers) w.close();
});

/** A watcher whose calls can be awaited. */
function watched(file: string, debounceMs: number): { calls: number[]; next(): Promise<number>; close(): void } {
  const calls: number[] = [];
  const waiting: ((t: number) => void)[] = [];
  const w = watchFile(file, () => {
    const t = Date.now();
    calls.push(t);
    for (const resolve of waiting.splice(0)) resolve(t);
  }, { debounceMs });
  watchers.push(w);
  return {
    calls,
    next: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no change reported within 5 s')), 5000);
        waiting.push((t) => {
          clearTimeout(timer);
          resolve(t);
        });
      }),
    close: () => w.close(),
  };
}

describe('watchFile', () => {
  it('reports a burst of writes once, after the quiet time following the last one', async () => {
    const file = scratch.write('burst.yml', 'v0');
    const w = watched(file, 150);
    const fired = w.next();
    let lastWrite = 0;
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file, `v${i}`);
      lastWrite = Date.now();
    }
    const at = await fired;
    expect(w.calls).toHaveLength(1);
    expect(at - lastWrite).toBeGreaterThanOrEqual(140); // timers may fire a millisecond early
  });

  it('sees a save that renames a new file over the watched one', async () => {
    const file = scratch.write('renamed.yml', 'old');
    const w = watched(file, 20);
    const fired = w.next();
    const temp = join(scratch.dir, 'renamed.yml.tmp');
    writeFileSync(temp, 'new');
    renameSync(temp, file);
    await expect(fired).resolves.toBeGreaterThan(0);
  });

  it('stops after close()', async () => {
    const file = scratch.write('closed.yml', 'a');
    const closed = watched(file, 10);
    closed.close();
    // A witness on the same file with a longer quiet time: had the closed watcher still been
    // active, it would have fired first.
    const witness = watched(file, 120);
    const fired = witness.next();
    writeFileSync(file, 'b');
    await fired;
    expect(closed.calls).toEqual([]);
    expect(witness.calls).toHaveLength(1);
  });
});

// ---- hot reload (`watch: true`) on a running server --------------------------------------------

const rules = (open: boolean, locked: boolean): string => `record:
  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
event:
  "*": { publish: true, subscribe: true, listen: true }
  "open/*": { publish: ${open} }
  "locked/*": { publish: "${locked} && user.isAuthenticated" }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
`;

// Three problems in different places: an unknown name, a call to something not allowed, an
// action that does not exist in its section.
const BROKEN = `record:
  "*": { create: true, read: true, write: "datta.x === 1", delete: true }
event:
  "*": { publish: "process.exit(1)", subscribe: true, shout: true }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
`;


/** Publishes and reports whether the server let it through (denials come back as errors). */
async function publishes(client: TestClient, watcher: TestClient, name: string): Promise<boolean> {
  const before = watcher.received(name).length;
  const errorsBefore = client.errors.length;
  client.ds.event.emit(name, { n: before });
  await client.roundTrip();
  await watcher.roundTrip();
  const denied = client.errors.slice(errorsBefore).some((e) => e.topic === 'EVENT' && e.event === 'MESSAGE_DENIED');
  const delivered = watcher.received(name).length > before;
  expect(denied).toBe(!delivered);
  return delivered;
}

describe('hot reload of the rules file', () => {
  it('keeps the last good rules when the new file is broken (logging every diagnostic), then applies a good one', async () => {
    const file = scratch.write('permissions.yml', rules(true, false));
    const server: TestServer = servers.add(await startValve({ permissions: file, watch: true }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    const alice = await new TestClient('alice', server.url).login('alice');
    const bob = await new TestClient('bob', server.url).login('bob');
    clients.push(alice, bob);
    bob.subscribeEvent('open/a');
    bob.subscribeEvent('locked/a');
    await bob.roundTrip();
    expect(await publishes(alice, bob, 'open/a')).toBe(true);
    expect(await publishes(alice, bob, 'locked/a')).toBe(false);

    // 1. A broken file: every diagnostic is logged, formatted like `valve check`.
    scratch.write('permissions.yml', BROKEN);
    await server.waitForLog((e) => e.event === 'PLUGIN_ERROR' && e.message.includes('stay in force'), 'the refused reload');
    const expected = compileProgram(BROKEN, { file }).diagnostics.filter((d) => d.severity === 'error');
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const logged = server.logs.filter((e) => e.event === 'PERMISSION_RULES' && e.level === 'ERROR').map((e) => e.message);
    expect(logged).toEqual(expected.map((d) => formatText(d, BROKEN, { color: false })));
    // ... and the rules loaded before still decide.
    expect(await publishes(alice, bob, 'open/a')).toBe(true);
    expect(await publishes(alice, bob, 'locked/a')).toBe(false);

    // 2. A good file replaces them.
    scratch.write('permissions.yml', rules(false, true));
    await server.waitForLog((e) => e.message.includes('rules reloaded'), 'the reload');
    expect(await publishes(alice, bob, 'open/a')).toBe(false);
    expect(await publishes(alice, bob, 'locked/a')).toBe(true);
    expect(server.logs.filter((e) => e.level === 'FATAL')).toEqual([]);
  });
});

// ---- the plugin's options and contract --------------------------------------------------------

const PLUGIN_RULES = `record:
  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
  "deep/*": { read: "_(_('pointer').target).ok === true" }
event:
  "*": { subscribe: true, listen: true, publish: "data.level > 2" }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
`;


function memoryLogger(): DeepstreamLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (event: string, message: string) => void lines.push(`${level} ${event} ${message}`);
  return { lines, fatal: at('FATAL'), error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG') };
}

const EMIT = 2;
const EVENT = 4;
const event = (data: string | undefined): DeepstreamMessage => ({ topic: EVENT, action: EMIT, name: 'e', ...(data !== undefined ? { data } : {}) });

describe('Valve plugin', () => {
  it('decides with a module written by `valve compile`, and reloads it when it changes', async () => {
    const compiled = (text: string): string => compileProgram(text, { file: 'rules.yml' }).moduleSource!;
    const file = scratch.write('rules.mjs', compiled(PLUGIN_RULES));
    const server = servers.add(await startValve({ permissions: file, watch: true }));
    const alice = await new TestClient('alice', server.url).login('alice');
    clients.push(alice);
    alice.ds.event.emit('e', { level: 1 });
    await alice.expectError('EVENT', 'MESSAGE_DENIED');

    scratch.write('rules.mjs', compiled(PLUGIN_RULES.replace('data.level > 2', 'data.level > 0')));
    await server.waitForLog((e) => e.message.includes('rules reloaded'), 'the reload of the module');
    alice.ds.event.emit('e', { level: 1 });
    await alice.roundTrip();
    expect(alice.errors).toEqual([]);
  });

  it('passes maxRuleIterations on: nested `_()` beyond it is denied with an error', async () => {
    const file = scratch.write('deep.yml', PLUGIN_RULES);
    const [strict, lenient] = await Promise.all([startValve({ permissions: file, maxRuleIterations: 1 }), startValve({ permissions: file })]);
    servers.add(strict);
    servers.add(lenient);
    const outcome: unknown[] = [];
    for (const server of [strict, lenient]) {
      await seedRecord(server.server, 'pointer', { target: 'target' });
      await seedRecord(server.server, 'target', { ok: true });
      await seedRecord(server.server, 'deep/doc', { x: 1 });
      const bob = await new TestClient('bob', server.url).login('bob');
      clients.push(bob);
      outcome.push(await bob.ds.record.snapshot('deep/doc').catch((e: unknown) => e));
    }
    expect(outcome).toEqual(['MESSAGE_PERMISSION_ERROR', { x: 1 }]);
    await strict.waitForLog((e) => e.message.includes('VLV0903'), 'the rounds error');
  });

  it('passes `limits` on: a payload over maxRecordSize is denied with VLV0910', async () => {
    const logger = memoryLogger();
    const file = scratch.write('limits.yml', PLUGIN_RULES);
    const [small, plain] = [new ValvePermission({ permissions: file, limits: { maxRecordSize: 50 } } as never, { logger }), new ValvePermission({ permissions: file } as never, { logger })];
    await Promise.all([small.whenReady(), plain.whenReady()]);
    const payload = JSON.stringify({ level: 3, text: 'x'.repeat(100) });
    const answers: [string | null, boolean][] = [];
    for (const plugin of [small, plain]) plugin.canPerformAction({ userId: 'u' }, event(payload), (_s, _m, _p, error, allowed) => void answers.push([error, allowed]), {});
    expect(answers).toEqual([[expect.stringContaining('VLV0910'), false], [null, true]]);
  });

  it("logs at start-up, as `valve check` prints them, the rules that can never allow (deepstream's docs idioms)", async () => {
    // deepstream's documentation writes these; upstream allows on the truthy match array, we only on `true`.
    const rules = PLUGIN_RULES.replace('publish: "data.level > 2"', 'publish: "data.postcode && data.postcode.match( /^[0-9]*$/ )"').replace(
      'request: true',
      'request: "user.isAuthenticated && data.card.number.match(/^4[0-9]{12}(?:[0-9]{3})?$/)"',
    );
    const file = scratch.write('never-true.yml', rules);
    const logger = memoryLogger();
    const plugin = new ValvePermission({ permissions: file } as never, { logger });
    await plugin.whenReady();
    const expected = compileProgram(rules, { file }).diagnostics.filter((d) => d.severity === 'warning');
    expect(expected.map((d) => `${d.code} ${d.start.line}:${d.start.column}`)).toEqual(['VLV0409 5:68', 'VLV0409 7:59']);
    expect(logger.lines.filter((l) => l.startsWith('WARN PERMISSION_RULES'))).toEqual(expected.map((d) => `WARN PERMISSION_RULES ${formatText(d, rules, { color: false })}`));
    // The rule still loads and decides as it reads: the array is not `true`, so the publish is denied.
    const answers: boolean[] = [];
    plugin.canPerformAction({ userId: 'u' }, event('{"postcode":"12345"}'), (_s, _m, _p, _e, allowed) => void answers.push(allowed), {});
    expect(answers).toEqual([false]);
  });

  it('substituteEnv: `${NAME}` in patterns from the server environment; without it the file is refused', async () => {
    process.env.VALVE_TEST_TOPIC = 'e';
    try {
      // Equal pattern lengths: the later one wins, so `e` (from the environment) decides over "*".
      const rules = PLUGIN_RULES.replace('publish: "data.level > 2" }\n', 'publish: "data.level > 2" }\n  "${VALVE_TEST_TOPIC}": { publish: true }\n');
      const logger = memoryLogger();
      const file = scratch.write('env.yml', rules);
      const on = new ValvePermission({ permissions: file, substituteEnv: true } as never, { logger });
      await on.whenReady();
      const answers: boolean[] = [];
      on.canPerformAction({ userId: 'u' }, event('{"level":1}'), (_s, _m, _p, _e, allowed) => void answers.push(allowed), {});
      expect(answers).toEqual([true]);
      // Without the option the pattern is an error and the server does not start.
      const off = new ValvePermission({ permissions: file } as never, { logger: memoryLogger() });
      const settled = await Promise.race([off.whenReady().then(() => 'ready'), new Promise((r) => setTimeout(() => r('pending'), 200))]);
      expect(settled).toBe('pending');
    } finally {
      delete process.env.VALVE_TEST_TOPIC;
    }
  });

  it('compiles with substituteEnv in the compile worker as on the main thread', async () => {
    const { CompilerThread } = await import('../../adapters/node/compiler-thread.js');
    const thread = new CompilerThread();
    try {
      const rules = PLUGIN_RULES.replace('event:\n', 'event:\n  "${TOPIC}/$x": { publish: true }\n');
      const unset = await thread.compile(rules, 'w.yml', {});
      expect(unset.diagnostics.map((d) => d.code)).toContain('VLV0117');
      const set = await thread.compile(rules, 'w.yml', { TOPIC: 'news' });
      expect(set.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(set.slices).toBeDefined();
    } finally {
      await thread.close();
    }
  });

  it('refuses to start without a rules file option, or with an invalid maxRuleIterations, limit, reload, settleMs or substituteEnv', async () => {
    for (const options of [{ permissions: scratch.write('ok.yml', PLUGIN_RULES), substituteEnv: 'yes' }, {}, { permissions: scratch.write('ok.yml', PLUGIN_RULES), maxRuleIterations: 0 }, { permissions: scratch.write('ok.yml', PLUGIN_RULES), limits: { maxRecordSize: -1 } }, { permissions: scratch.write('ok.yml', PLUGIN_RULES), reload: 'inotify' }, { permissions: scratch.write('ok.yml', PLUGIN_RULES), settleMs: -5 }]) {
      const logger = memoryLogger();
      const plugin = new ValvePermission(options as never, { logger });
      const settled = await Promise.race([plugin.whenReady().then(() => 'ready'), new Promise((r) => setImmediate(() => r('pending')))]);
      expect(settled).toBe('pending');
      expect(logger.lines).toEqual([expect.stringMatching(/^FATAL PLUGIN_INITIALIZATION_ERROR invalid permission options: .*; the server will not start$/)]);
    }
  });

  it('answers exactly once, never throws into the server, and denies with an error on bad input', async () => {
    const logger = memoryLogger();
    const plugin = new ValvePermission({ permissions: scratch.write('unit.yml', PLUGIN_RULES) }, { logger });
    const answers: [string | null, boolean][] = [];
    const callback: PermissionCallback = (_s, _m, _p, error, allowed) => void answers.push([error, allowed]);
    const socket = { userId: 'u' };

    plugin.canPerformAction(socket, event('{"level":3}'), callback, {}); // before whenReady: no rules yet
    expect(answers).toEqual([[expect.stringContaining('no rules are loaded'), false]]);
    await plugin.whenReady();
    answers.length = 0;

    plugin.canPerformAction(socket, event('{"level":3}'), callback, {});
    plugin.canPerformAction(socket, event('{"level":1}'), callback, {});
    plugin.canPerformAction(socket, event('{not json'), callback, {});
    plugin.canPerformAction(socket, { topic: EVENT, action: 4 /* UNSUBSCRIBE */, name: 'e' }, callback, {});
    expect(answers).toEqual([
      [null, true],
      [null, false],
      [expect.stringContaining('not valid JSON'), false],
      [null, true],
    ]);

    const throwing: PermissionCallback = () => {
      throw new Error('boom in the server');
    };
    expect(() => plugin.canPerformAction(socket, event('{"level":3}'), throwing, {})).not.toThrow();
    expect(logger.lines.some((l) => l.startsWith('ERROR PLUGIN_ERROR') && l.includes('boom in the server'))).toBe(true);
    await plugin.close();
  });

  it('makes a load wait for a write of its record that arrived earlier and is still being checked, and only for such a write', async () => {
    // The server's record handler, reduced to what the plugin uses: a load reads the record as
    // it is when asked; an allowed write goes through a transition that reaches the record a few
    // turns later (as deepstream's RecordTransition does).
    const store = new Map<string, unknown>([['doc', { open: true }]]);
    const transitions = new Map<string, { isDestroyed?: boolean }>();
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    const handler: RecordHandlerLike = {
      transitions,
      runWhenRecordStable: (name, run) => run(name),
      removeRecordRequest: () => undefined,
      recordRequest: (name, _socket, done) => {
        const value = structuredClone(store.get(name) ?? null);
        setImmediate(() => done(name, 1, value));
      },
    };
    const rules = PLUGIN_RULES.replace('read: true, write: true', 'read: "oldData !== null && oldData.open === true", write: "oldData === null || oldData.locked !== true"');
    expect(rules).not.toBe(PLUGIN_RULES);
    const plugin = new ValvePermission({ permissions: scratch.write('order.yml', rules) }, { logger: memoryLogger() });
    await plugin.whenReady();
    plugin.setRecordHandler(handler);

    const answers = new Map<string, [string | null, boolean]>();
    const answer = (label: string): PermissionCallback => (_s, m, _p, error, allowed) => {
      answers.set(label, [error, allowed]);
      if (label === 'write' && error === null && allowed) {
        const t = {};
        transitions.set(m.name!, t);
        void turn().then(turn).then(turn).then(() => {
          store.set(m.name!, JSON.parse(String(m.data)));
          transitions.delete(m.name!);
        });
      }
    };
    const RECORD = 5;
    const read = (): DeepstreamMessage => ({ topic: RECORD, action: 3 /* READ */, name: 'doc' });
    const socket = { userId: 'u' };
    plugin.canPerformAction(socket, read(), answer('read before'), {});
    plugin.canPerformAction(socket, { topic: RECORD, action: 18 /* UPDATE */, name: 'doc', data: '{"open":false}' }, answer('write'), {});
    plugin.canPerformAction(socket, read(), answer('read after'), {});
    for (let i = 0; i < 100 && answers.size < 3; i++) await turn();

    expect(Object.fromEntries(answers)).toEqual({
      // Arrived before the write: not held up by it, so it read the record as it was.
      'read before': [null, true],
      write: [null, true],
      // Arrived after it: read once the write was answered and its update had reached the record.
      'read after': [null, false],
    });
    await plugin.close();
  });
});
