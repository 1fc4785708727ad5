/**
 * One client must not be able to take a node down or stall the others (issue #13): a real
 * deepstream server with the Valve plugin, real @deepstream/client clients.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ClientPool } from './helpers/client.js';
import { scratchDir, ServerPool, startValve, type TestServer } from './helpers/harness.js';

const RULES = `record:
  "*": { read: true, create: true, write: "data.owner === user.id" }
event:
  "*": { publish: true, subscribe: true }
rpc:
  "*": { request: true, provide: true }
presence:
  "*": { allow: true }
`;

const scratch = scratchDir();
const servers = new ServerPool();
let server: TestServer | undefined;
const clients = new ClientPool(() => server!.url);
afterEach(() => clients.closeAll());
afterAll(async () => {
  await servers.stopAll();
  scratch.cleanup();
});

/** A write through the client with its acknowledgement: the error text, or null when it was stored. */
const setData = (client: { ds: { record: { setData(name: string, path: string, data: unknown, cb: (e: string | null) => void): void } } }, name: string, path: string, data: unknown): Promise<string | null> =>
  new Promise((resolve) => client.ds.record.setData(name, path, data, (e) => resolve(e ?? null)));
const setWhole = (client: { ds: { record: { setData(name: string, data: unknown, cb: (e: string | null) => void): void } } }, name: string, data: unknown): Promise<string | null> =>
  new Promise((resolve) => client.ds.record.setData(name, data, (e) => resolve(e ?? null)));

describe('a hostile client against a live server', () => {
  it('an allowed-looking patch 5,000 segments deep is refused, and the record stays readable by others', async () => {
    server = servers.add(await startValve({ permissions: scratch.write('permissions.yml', RULES) }));
    const alice = await clients.login('alice', 'alice');
    const bob = await clients.login('bob', 'bob');
    expect(await setWhole(alice, 'x/d', { owner: 'alice' })).toBeNull();

    // 10 kB of path: deepstream would store a record nested 5,000 deep, and every read of it
    // (JSON.stringify) would overflow the stack and end the process.
    const deepPath = Array(5000).fill('a').join('.');
    const refused = await setData(alice, 'x/d', deepPath, 1);
    expect(refused).not.toBeNull();
    expect(server.logs.some((e) => e.message.includes('VLV0912'))).toBe(true);

    // A whole record nested as deep is refused the same way, whatever the rule reads. The client
    // library could not even serialise it (its own JSON.stringify overflows); a hostile client
    // sends the JSON text itself, which the server parses without recursion.
    const marker = { owner: 'alice' };
    const deepText = '{"owner":"alice","a":'.repeat(5000) + '{"owner":"alice"}' + '}'.repeat(5000);
    const stringify = JSON.stringify;
    JSON.stringify = ((value: unknown, ...rest: []) => (value === marker ? deepText : stringify(value, ...rest))) as typeof JSON.stringify;
    let wholeAnswer: Promise<string | null>;
    try {
      wholeAnswer = setWhole(alice, 'x/d', marker);
    } finally {
      JSON.stringify = stringify;
    }
    expect(await wholeAnswer).not.toBeNull();

    const record = bob.getRecord('x/d');
    await record.whenReady();
    expect(record.get()).toEqual({ owner: 'alice' });
    // The server still answers everyone.
    expect(await setWhole(alice, 'x/d', { owner: 'alice', n: 2 })).toBeNull();
    await bob.until(() => (record.get() as { n?: number }).n === 2, 'bob to see the next write');
  });
});
