/**
 * Fail closed on a real deepstream server with the Valve plugin: a storm of malformed and hostile
 * requests from real @deepstream/client clients (prototype-polluting names, data and patch paths,
 * huge and deep payloads, ReDoS input, unknown records, absurd names) and raw malformed websocket
 * frames; afterwards the server still runs, nothing leaked into this process's prototypes, and
 * ordinary requests get exactly the right answers.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../e2e/helpers/client.js';
import { scratchDir, seedRecord, startValve, type TestServer } from '../e2e/helpers/harness.js';
import { prototypesSnapshot } from './helpers.js';

/** The `ws` package (deepstream's own websocket library; it ships no types). */
interface RawSocket {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'error', listener: (e: Error) => void): void;
  send(data: Buffer | string, callback: () => void): void;
  removeAllListeners(): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string) => RawSocket;

const RULES = `
record:
  "*":
    read: true
    create: true
    write: "data.owner === user.id"
    delete: false
    listen: false
  "doc/$id":
    read: "_('acl/' + $id) !== null && _('acl/' + $id).readers.includes(user.id)"
    write: "typeof data.title === 'string' && data.title.match(/^(a+)+$/) === null && data.title.length < 100"
  "acl/*":
    write: false
    create: false
event:
  "*":
    publish: "data.x === 1"
    subscribe: true
    listen: false
  "chat/$room":
    publish: "typeof data.text === 'string' && data.text.length < 500 && !data.text.includes('<script')"
rpc:
  "*":
    request: "data.n < 10"
    provide: true
presence:
  "*":
    allow: "user.isAuthenticated && user.id !== '__proto__'"
`;

const scratch = scratchDir();
let server: TestServer;
const clients: TestClient[] = [];
let prototypes: unknown;

const connect = async (label: string, username: string): Promise<TestClient> => {
  const c = new TestClient(label, server.url);
  clients.push(c);
  return c.login(username);
};

beforeAll(async () => {
  server = await startValve({ permissions: scratch.write('storm.yml', RULES) });
  await seedRecord(server.server, 'acl/1', { readers: ['alice'] });
  await seedRecord(server.server, 'doc/1', { title: 'the document' });
  // After the server and its libraries are loaded: from here on nothing may change.
  prototypes = prototypesSnapshot();
}, 60_000);

afterAll(async () => {
  for (const c of clients) {
    try {
      c.close();
    } catch {
      // already gone
    }
  }
  await server?.stop();
  scratch.cleanup();
});

/** Values whose JSON has own `__proto__` / `constructor` keys (what a malicious client sends). */
const POLLUTING = JSON.parse('{"__proto__":{"polluted":true,"x":1},"constructor":{"prototype":{"polluted":true}},"x":1,"owner":"mallory"}') as object;
const deep = (n: number): unknown => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
const NAMES = ['__proto__', 'constructor', 'prototype', 'doc/__proto__', 'doc/constructor', 'chat/__proto__', 'acl/1', 'doc/../acl/1', 'x'.repeat(5000), 'a/b/c/d/e/f/g/h', '\u2028', '😀/😀', 'undefined', 'doc/undefined', ''];
const PAYLOADS: unknown[] = [
  POLLUTING,
  { x: 1, big: Array.from({ length: 50_000 }, (_, i) => i) },
  deep(200),
  { text: `${'a'.repeat(200_000)}!` },
  { title: `${'a'.repeat(100_000)}!`, owner: 'mallory' },
  { text: '<script>alert(1)</script>' },
  { n: '9' },
  { n: { toString: 'x' } },
  null,
  'string',
  12,
  [1, 2, 3],
];

/** Sends one request; the client's own refusals (it validates names) and every rejection are ignored. */
let sent = 0;
function fire(send: () => unknown): void {
  sent++;
  try {
    const result = send();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // the client refused to send it
  }
}

describe('a storm of hostile requests from real clients', () => {
  it('is answered, denied where it must be, and the server stays up', async () => {
    const attackers = await Promise.all([connect('m1', 'mallory'), connect('m2', '__proto__'), connect('m3', 'constructor'), connect('m4', 'x'.repeat(2000))]);
    for (const a of attackers) {
      for (const name of NAMES) {
        for (const data of PAYLOADS) fire(() => a.ds.event.emit(name, data as never));
        fire(() => a.ds.event.emit(`chat/${name}`, POLLUTING as never));
        fire(() => a.ds.event.subscribe(name, () => undefined));
        fire(() => a.ds.event.listen(`${name}(`, () => undefined));
        fire(() => a.ds.rpc.make(name, { n: 1 }, () => undefined));
        fire(() => a.ds.rpc.make(name, POLLUTING, () => undefined));
        fire(() => a.ds.record.setDataWithAck(name, POLLUTING as never));
        fire(() => a.ds.record.setDataWithAck(name, '__proto__.polluted', true as never));
        fire(() => a.ds.record.setDataWithAck(name, 'constructor.prototype.polluted', true as never));
        fire(() => a.ds.record.setDataWithAck(name, 'list[999999999]', 1 as never));
        fire(() => a.ds.record.setDataWithAck(`doc/${name.length > 100 ? 'long' : name}`, { title: `${'a'.repeat(50_000)}!` }));
        fire(() => a.ds.record.snapshot(name));
        fire(() => a.ds.record.has(name));
        fire(() => a.ds.record.head(name));
        fire(() => a.ds.record.listen(`${name}[`, () => undefined));
        fire(() => a.ds.presence.getAll([name]));
      }
      fire(() => a.ds.presence.getAll());
      fire(() => a.ds.presence.subscribe(() => undefined));
    }
    // Every attacker's messages were all processed once a final request is answered.
    await Promise.all(attackers.map((a) => a.roundTrip('storm/flush')));
    expect(server.server.isRunning()).toBe(true);
    // Denials reached the attackers; denials with an error were logged with their reason.
    expect(attackers.some((a) => a.errors.some((e) => e.event === 'MESSAGE_DENIED' || e.event === 'MESSAGE_PERMISSION_ERROR'))).toBe(true);
    expect(server.logs.some((l) => l.event === 'MESSAGE_PERMISSION_ERROR')).toBe(true);
    expect(server.logs.filter((l) => l.level === 'FATAL')).toEqual([]);
    const denied = attackers.reduce((n, a) => n + a.errors.filter((e) => e.event === 'MESSAGE_DENIED').length, 0);
    const failed = server.logs.filter((l) => l.event === 'MESSAGE_PERMISSION_ERROR').length;
    process.stdout.write(`storm: ${sent} requests from ${attackers.length} clients; ${denied} MESSAGE_DENIED seen by clients; ${failed} denials with a logged reason\n`);
  }, 60_000);

  it('raw malformed websocket frames and a garbage handshake do not take the server down', async () => {
    const url = `ws://${server.url}`;
    const frames: (Buffer | string)[] = [
      Buffer.from([0x00]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)),
      Buffer.alloc(2 * 1024 * 1024, 0x41), // over deepstream's maxMessageSize
      'not a protobuf message',
      '{"topic":5,"action":18,"name":"__proto__","data":"{\\"__proto__\\":{\\"polluted\\":true}}"}',
      Buffer.from([0x08, 0x05, 0x10, 0x12, 0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // topic RECORD, action UPDATE, a name of 4 GB
      Buffer.from([0x08, 0x05, 0x10, 0x13, 0x1a, 0x09, 0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]), // PATCH of "__proto__", no data
    ];
    await Promise.all(
      frames.map(
        (frame) =>
          new Promise<void>((resolve) => {
            const ws = new WebSocket(url);
            const done = (): void => {
              ws.removeAllListeners();
              ws.on('error', () => undefined);
              ws.terminate();
              resolve();
            };
            ws.on('open', () => {
              ws.send(frame, () => setTimeout(done, 100));
            });
            ws.on('error', done);
            ws.on('close', done);
            setTimeout(done, 3000);
          }),
      ),
    );
    // A plain TCP connection speaking nonsense instead of HTTP.
    const { connect: tcp } = await import('node:net');
    const [host, rest] = server.url.split(':');
    await new Promise<void>((resolve) => {
      const socket = tcp(Number(rest.split('/')[0]), host, () => socket.end('GARBAGE \u0000\u00ff\r\n\r\n'));
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      setTimeout(() => (socket.destroy(), resolve()), 2000);
    });
    expect(server.server.isRunning()).toBe(true);
  }, 30_000);

  it('afterwards ordinary requests still get the right answers', async () => {
    const [alice, bob] = await Promise.all([connect('alice', 'alice'), connect('bob', 'bob')]);
    // event: allowed and delivered; the same event with a script tag denied
    bob.subscribeEvent('chat/room1');
    await bob.roundTrip();
    alice.ds.event.emit('chat/room1', { text: 'hello' });
    await bob.until(() => bob.received('chat/room1').length === 1, 'the chat message');
    alice.ds.event.emit('chat/room1', { text: '<script>x</script>' });
    await alice.expectError('EVENT', 'MESSAGE_DENIED');
    // record read through a cross-reference: alice is in the ACL, bob is not
    await expect(alice.ds.record.snapshot('doc/1')).resolves.toBeDefined();
    await expect(bob.ds.record.snapshot('doc/1')).rejects.toBe('MESSAGE_DENIED');
    // record write: the owner rule
    await expect(alice.ds.record.setDataWithAck('notes/alice', { owner: 'alice', text: 'mine' })).resolves.toBeUndefined();
    await expect(bob.ds.record.setDataWithAck('notes/alice', { owner: 'alice', text: 'theirs' })).rejects.toBe('MESSAGE_DENIED');
    // rpc: allowed requests reach the provider, others are denied
    alice.ds.rpc.provide('add-one', (data: { n: number }, response: { send(v: unknown): void }) => response.send(data.n + 1));
    await alice.roundTrip();
    await expect(bob.ds.rpc.make('add-one', { n: 1 })).resolves.toBe(2);
    await expect(bob.ds.rpc.make('add-one', { n: 11 })).rejects.toBe('MESSAGE_DENIED');
    // presence: authenticated users may query
    await expect(alice.ds.presence.getAll()).resolves.toEqual(expect.any(Array));
    expect(server.server.isRunning()).toBe(true);
  }, 30_000);

  it('nothing reached a prototype of the server process', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypesSnapshot()).toEqual(prototypes);
  });
});
