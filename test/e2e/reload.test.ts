/**
 * Hot reload and the plugin's log on a real deepstream server with real clients (issue #13):
 * a half-written rules file is never enforced (the file must settle first), `reload: 'rename'`
 * loads only files renamed into place, a FIFO as the rules file is refused (at start-up and on
 * reload) instead of hanging, and client- or file-controlled text reaches the log escaped.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, readUsers, serveConfig, type DeepstreamServer } from '../../cli/commands/serve.js';
import { hasUnsafe } from '../../grammar/visible.js';
import { ClientPool, type TestClient } from './helpers/client.js';
import { MEMORY_LOGGER, ServerPool, scratchDir, startValve, type LogEntry, type TestServer } from './helpers/harness.js';

const scratch = scratchDir();
const servers = new ServerPool();
let current: TestServer | undefined;
const clients = new ClientPool(() => current!.url);
afterEach(() => clients.closeAll());
afterAll(async () => {
  await servers.stopAll();
  scratch.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The event section is last, so the file cut just before the `secret/*` line is a valid file
 * too: one where `"*"` lets `secret/a` through.
 */
const rules = (marker: boolean): string => `record:
  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
event:
  "*": { publish: true, subscribe: true, listen: true }
  "marker/*": { publish: ${marker} }
  "secret/*": { publish: false }
`;

/** Publishes `name` and reports whether the subscriber got it. */
async function delivered(from: TestClient, to: TestClient, name: string): Promise<boolean> {
  const before = to.received(name).length;
  from.ds.event.emit(name, { n: before });
  await from.roundTrip();
  await to.roundTrip();
  return to.received(name).length > before;
}

async function pair(server: TestServer): Promise<[TestClient, TestClient]> {
  current = server;
  const alice = await clients.login('alice', 'alice');
  const bob = await clients.login('bob', 'bob');
  for (const name of ['secret/a', 'marker/a', 'other/a']) bob.subscribeEvent(name);
  await bob.roundTrip();
  return [alice, bob];
}

const reloaded = (e: LogEntry): boolean => e.message.includes('rules reloaded');

describe('a rules file is loaded once it has settled', () => {
  it('never enforces a file written half, then (600 ms later) the rest', async () => {
    const file = scratch.write('half.yml', rules(false));
    const server = servers.add(await startValve({ permissions: file, watch: true }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    const [alice, bob] = await pair(server);
    expect(await delivered(alice, bob, 'marker/a')).toBe(false);

    const full = rules(true);
    const cut = full.indexOf('  "secret/*"');
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, full.slice(0, cut));
      // Publish `secret/a` all through the pause: the half file would let it through.
      const until = Date.now() + 600;
      while (Date.now() < until) {
        alice.ds.event.emit('secret/a', {});
        await sleep(20);
      }
      writeSync(fd, full.slice(cut));
    } finally {
      closeSync(fd);
    }
    await server.waitForLog(reloaded, 'the reload of the whole file', 15_000);
    expect(await delivered(alice, bob, 'marker/a')).toBe(true);
    expect(await delivered(alice, bob, 'secret/a')).toBe(false);
    expect(bob.received('secret/a')).toEqual([]);
    expect(server.logs.filter(reloaded)).toHaveLength(1);
  });

  it("with reload: 'rename', ignores in-place writes (saying why) and loads a file renamed over the rules", async () => {
    const file = scratch.write('renamed.yml', rules(false));
    const server = servers.add(await startValve({ permissions: file, watch: true, reload: 'rename' }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    const [alice, bob] = await pair(server);

    scratch.write('renamed.yml', rules(true));
    const ignored = await server.waitForLog((e) => e.level === 'INFO' && e.message.includes('ignored'), 'the in-place write to be ignored');
    expect(ignored.message).toMatch(/renamed\.yml.*in place.*rename/);
    expect(await delivered(alice, bob, 'marker/a')).toBe(false);

    scratch.write('renamed.yml.tmp', rules(true));
    renameSync(join(scratch.dir, 'renamed.yml.tmp'), file);
    await server.waitForLog(reloaded, 'the reload of the renamed file');
    expect(await delivered(alice, bob, 'marker/a')).toBe(true);
  });
});

/** A valid file of `n` record patterns before the same sections as `rules()`. */
const bigRules = (n: number, marker: boolean): string => {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`  big${i}/$id: { read: "$id.match(/^u${i}-[a-z]+$/) !== null", write: "user.id === $id" }`);
  return rules(marker).replace('record:\n', `record:\n${lines.join('\n')}\n`);
};

describe('a reload compiles in a worker thread', () => {
  it('other clients keep being answered while a big file compiles, then the new rules are in force', async () => {
    const file = scratch.write('big.yml', rules(false));
    const server = servers.add(await startValve({ permissions: file, watch: true, reload: 'rename' }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    const [alice, bob] = await pair(server);
    scratch.write('big.yml.tmp', bigRules(1500, true));
    renameSync(join(scratch.dir, 'big.yml.tmp'), file);
    await server.waitForLog((e) => e.message.includes('compiling it in a worker thread'), 'the reload to start', 15_000);
    // Round trips of a record read while the file compiles: on the event loop, none would
    // finish until the compile had; in the worker, they go on.
    let trips = 0;
    while (!server.logs.some(reloaded)) {
      await alice.roundTrip(`e2e/trip${trips % 4}`);
      trips++;
    }
    expect(trips).toBeGreaterThan(20);
    expect(alice.errors).toEqual([]);
    expect(server.logs.filter((e) => e.level === 'ERROR' || e.level === 'WARN')).toEqual([]);
    expect(server.logs.find(reloaded)!.message).toMatch(/compiled on the worker thread/);
    expect(await delivered(alice, bob, 'marker/a')).toBe(true);
  }, 60_000);
});

describe('special files as the rules file', () => {
  it('refuses to start with a FIFO, saying so, instead of waiting for a writer', async () => {
    const fifo = join(scratch.dir, 'fifo.yml');
    execFileSync('mkfifo', [fifo]);
    const { Deepstream } = (await import('@deepstream/server')) as unknown as { Deepstream: new (c: Record<string, unknown>) => DeepstreamServer };
    const server = new Deepstream({
      ...serveConfig({ permissions: fifo, host: '127.0.0.1', port: await freePort(), watch: false, logLevel: 1 }),
      logger: { path: MEMORY_LOGGER, options: { logLevel: 1 } },
    });
    const fatal = new Promise<void>((resolve) => server.once('FATAL_EXCEPTION', () => resolve()));
    server.start();
    try {
      await fatal;
      const logs = (server.getServices().logger as { entries: LogEntry[] }).entries;
      expect(logs.filter((e) => e.level === 'FATAL').map((e) => e.message)).toEqual([expect.stringMatching(/fifo\.yml.*is a FIFO, not a regular file.*the server will not start$/)]);
      expect(server.isRunning()).toBe(false);
    } finally {
      await new Promise<void>((resolve) => {
        server.once('stopped', () => resolve());
        server.stop();
      });
    }
  });

  it('`valve serve --users` refuses a FIFO instead of waiting for a writer', () => {
    const fifo = join(scratch.dir, 'users.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readUsers(fifo)).toThrow(/users\.fifo: is a FIFO, not a regular file/);
  });

  it('keeps the last good rules when a FIFO is renamed over the rules file', async () => {
    const file = scratch.write('to-fifo.yml', rules(false));
    const server = servers.add(await startValve({ permissions: file, watch: true, settleMs: 50 }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    const [alice, bob] = await pair(server);
    const fifo = join(scratch.dir, 'new.fifo');
    execFileSync('mkfifo', [fifo]);
    renameSync(fifo, file);
    const refused = await server.waitForLog((e) => e.event === 'PLUGIN_ERROR' && e.message.includes('stay in force'), 'the refused reload');
    expect(refused.message).toContain('is a FIFO, not a regular file');
    expect(await delivered(alice, bob, 'marker/a')).toBe(false);
    expect(await delivered(alice, bob, 'secret/a')).toBe(false);
    expect(await delivered(alice, bob, 'other/a')).toBe(true);
  });
});

describe('the log holds client- and file-controlled text escaped', () => {
  const ESC = '\u001b[2J';
  const FORGED = '\n2026-01-01 INFO | forged line';
  const BIDI = '\u202e';

  it('escapes user and event names in decisions and errors', async () => {
    const file = scratch.write('log.yml', `${rules(false)}  "esc/$x": { publish: "data.a.b === 1" }\n`);
    const server = servers.add(await startValve({ permissions: file, logLevel: 'DEBUG' }));
    current = server;
    const mallory = await clients.login('mallory', `mallory${ESC}${FORGED}${BIDI}`);
    const name = `esc/${ESC}${FORGED}${BIDI}`;
    mallory.ds.event.emit(name, {});
    await server.waitForLog((e) => e.namespace === 'PERMISSION' && e.event === 'MESSAGE_PERMISSION_ERROR', 'the failed rule to be logged');
    const ours = server.logs.filter((e) => e.namespace === 'PERMISSION' && e.message.includes('mallory'));
    expect(ours.map((e) => e.event)).toEqual(expect.arrayContaining(['PERMISSION_DECISION', 'MESSAGE_PERMISSION_ERROR']));
    for (const e of ours) {
      expect(hasUnsafe(e.message), e.message).toBe(false);
      expect(e.message).toContain('\\x1b[2J\\x0a2026-01-01 INFO | forged line\\u202e');
    }
  });

  it('escapes the rules file text in the diagnostics logged on reload', async () => {
    const file = scratch.write('diag.yml', rules(false));
    const server = servers.add(await startValve({ permissions: file, watch: true, settleMs: 50 }));
    await server.waitForLog((e) => e.message.includes('watching'), 'the watcher to start');
    scratch.write('diag.yml', `${rules(false)}  "x${BIDI}/*": { publish: "nope${ESC} === 1" }\n`);
    await server.waitForLog((e) => e.event === 'PLUGIN_ERROR' && e.message.includes('stay in force'), 'the refused reload');
    const logged = server.logs.filter((e) => e.event === 'PERMISSION_RULES');
    expect(logged.length).toBeGreaterThan(0);
    for (const e of logged) for (const line of e.message.split('\n')) expect(hasUnsafe(line), line).toBe(false);
    expect(logged.some((e) => e.message.includes('\\u202e'))).toBe(true);
  });
});
