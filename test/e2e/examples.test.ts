/**
 * examples/permissions.yml ("Chatodo") on a real deepstream server with the Valve plugin, with
 * real clients signed in through deepstream's file authentication (server data → user.data).
 * Records an app's backend would publish are put into the server's cache directly.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ClientPool, type TestClient } from './helpers/client.js';
import { EXAMPLES, ServerPool, scratchDir, seedRecord, startValve, type TestServer } from './helpers/harness.js';

const PASSWORD = 'secret';
const USERS_YAML = `# deepstream file authentication: serverData becomes user.data in the rules
alice: { password: ${PASSWORD}, serverData: { role: member } }
bob: { password: ${PASSWORD}, serverData: { role: member } }
carol: { password: ${PASSWORD}, serverData: { role: member } }
root: { password: ${PASSWORD}, serverData: { role: admin } }
svc: { password: ${PASSWORD}, serverData: { role: service } }
guest: { password: ${PASSWORD} }
`;

const scratch = scratchDir();
const usersFile = scratch.write('users.yml', USERS_YAML);
const servers = new ServerPool();
let server: TestServer;
const clients = new ClientPool(() => server.url);
const as = (id: string): Promise<TestClient> => clients.login(id, id, PASSWORD);

beforeEach(async () => {
  server = servers.add(await startValve({ permissions: join(EXAMPLES, 'permissions.yml'), users: usersFile }));
  await seedRecord(server.server, 'user/alice', { name: 'Alice', username: 'alice', email: 'alice@example.com', teamId: 'core', createdAt: Date.now() - 3_600_000 });
  await seedRecord(server.server, 'team/core', { name: 'Core', owner: 'alice', admins: ['alice', 'bob'], members: ['alice', 'bob'] });
  await seedRecord(server.server, 'chat/secret', { title: 'Secret', createdBy: 'alice', members: ['alice'], moderators: ['alice'], archived: false });
  await seedRecord(server.server, 'todo/groceries-list', { title: 'Groceries', owner: 'alice', editors: ['bob'], priority: 'LOW' });
});
afterEach(async () => {
  clients.closeAll();
  await servers.stopAll();
});
afterAll(async () => {
  await servers.stopAll();
  scratch.cleanup();
});

const DENIED = 'MESSAGE_DENIED';

/** setDataWithAck of one path (the client's types only take objects as values). */
const setPath = (client: TestClient, name: string, path: string, value: unknown): Promise<unknown> =>
  client.ds.record.setDataWithAck(name, path, value as Record<string, never>) as Promise<unknown>;

async function ready(client: TestClient, name: string): Promise<ReturnType<TestClient['getRecord']>> {
  const record = client.getRecord(name);
  await record.whenReady();
  return record;
}

describe('examples/permissions.yml on deepstream', () => {
  it('records: create, read, write, patch and delete, allowed and denied', async () => {
    const [carol, bob, root] = [await as('carol'), await as('bob'), await as('root')];
    // A second connection of carol's holds the record; \`carol\` itself writes with setData (a
    // client that holds a record writes it through the record, whose versions a refused write skews).
    const carolsTab = await as('carol');

    // create: only the user themselves (user/$userId); read: any signed-in user.
    const profile = await ready(carolsTab, 'user/carol');
    bob.getRecord('user/zed');
    await bob.expectError('RECORD', DENIED, 'user/zed');

    // write (a whole record): valid username and e-mail, not created in the future.
    const good = { name: 'Carol', username: 'carol', email: 'carol@example.com', createdAt: Date.now() - 1000 };
    await expect(carol.ds.record.setDataWithAck('user/carol', good)).resolves.toBeUndefined();
    await expect(bob.ds.record.snapshot('user/carol')).resolves.toEqual(good);
    await expect(carol.ds.record.setDataWithAck('user/carol', { ...good, username: 'Carol!' })).rejects.toBe(DENIED);
    await expect(bob.ds.record.setDataWithAck('user/carol', good)).rejects.toBe(DENIED); // not bob's profile

    // patch: the rule sees the stored record with the new value merged in.
    await expect(setPath(carol, 'user/carol', 'name', 'Carol C.')).resolves.toBeUndefined();
    await expect(setPath(carol, 'user/carol', 'email', 'CAROL@EXAMPLE.COM')).rejects.toBe(DENIED);
    await expect(bob.ds.record.snapshot('user/carol')).resolves.toEqual({ ...good, name: 'Carol C.' });

    // oldData: a user can not move themselves to another team; an admin can. (setData checks
    // `create` too, which only the owner passes, so the admin writes through the record.)
    await expect(setPath(root, 'user/alice', 'teamId', 'ops')).rejects.toBe(DENIED);
    const aliceAsSeenByRoot = await ready(root, 'user/alice');
    await expect(aliceAsSeenByRoot.setWithAck('teamId', 'ops')).resolves.toBeUndefined();
    const alice = await as('alice');
    await expect(setPath(alice, 'user/alice', 'teamId', 'core')).rejects.toBe(DENIED);
    await expect(setPath(alice, 'user/alice', 'name', 'Alice A.')).resolves.toBeUndefined();

    // delete: admins only.
    await expect(profile.delete()).rejects.toBe(DENIED);
    // After a refused delete the client leaves its record in state DELETING (a client quirk that
    // prints a trace on the next message for it), so this connection is done.
    carolsTab.close();
    const asAdmin = await ready(root, 'user/carol');
    await expect(asAdmin.delete()).resolves.toBeUndefined();
    await expect(bob.ds.record.has('user/carol')).resolves.toBe(false);
  });

  it('a write allowed only through `_()` of another record, which sees a change made just before', async () => {
    const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
    const item = (n: number, by: string) => ({ text: `item ${n}`, done: false, by });

    // todo items: only the list's owner and editors (read from todo/<list> with `_()`).
    await expect(bob.ds.record.setDataWithAck('todo/groceries-list/item/item-1', item(1, 'bob'))).resolves.toBeUndefined();
    await expect(carol.ds.record.setDataWithAck('todo/groceries-list/item/item-2', item(2, 'carol'))).rejects.toBe(DENIED);
    await expect(bob.ds.record.setDataWithAck('todo/groceries-list/item/not-an-item', item(3, 'bob'))).rejects.toBe(DENIED);

    // The owner takes bob off the list; bob's next item, sent right after, is refused.
    alice.ds.record.setData('todo/groceries-list', { title: 'Groceries', owner: 'alice', editors: [], priority: 'high' });
    await expect(bob.ds.record.setDataWithAck('todo/groceries-list/item/item-4', item(4, 'bob'))).rejects.toBe(DENIED);
    await expect(alice.ds.record.setDataWithAck('todo/groceries-list/item/item-5', item(5, 'alice'))).resolves.toBeUndefined();
    await expect(carol.ds.record.snapshot('todo/groceries-list/item/item-1')).rejects.toBe(DENIED); // reading needs the list too
    await expect(bob.ds.record.snapshot('todo/groceries-list/item/item-5')).rejects.toBe(DENIED);
    await expect(alice.ds.record.snapshot('todo/groceries-list/item/item-5')).resolves.toEqual(item(5, 'alice'));
  });

  it("`action` is the message action's name: a HEAD passes where a READ of the same room does not", async () => {
    const [alice, bob] = [await as('alice'), await as('bob')];
    await expect(bob.ds.record.has('chat/secret')).resolves.toBe(true); // HEAD
    await expect(bob.ds.record.snapshot('chat/secret')).rejects.toBe(DENIED); // READ
    bob.getRecord('chat/secret'); // subscribe: checked as READ
    await bob.expectError('RECORD', DENIED, 'chat/secret');
    await expect(alice.ds.record.snapshot('chat/secret')).resolves.toMatchObject({ members: ['alice'] });
  });

  it('events: subscribe and publish, allowed and denied', async () => {
    const [alice, bob, svc, root] = [await as('alice'), await as('bob'), await as('svc'), await as('root')];
    alice.subscribeEvent('notifications/alice');
    bob.subscribeEvent('notifications/alice'); // only alice may listen to her notifications
    await bob.expectError('EVENT', DENIED);
    await alice.roundTrip();

    svc.ds.event.emit('notifications/alice', { text: 'hello' });
    await alice.until(() => alice.received('notifications/alice').length === 1, 'the notification');
    alice.ds.event.emit('notifications/alice', { text: 'me' }); // members do not send notifications
    await alice.expectError('EVENT', DENIED);

    bob.subscribeEvent('broadcast/news');
    await bob.roundTrip();
    root.ds.event.emit('broadcast/news', { severity: 'fatal' });
    await root.expectError('EVENT', DENIED); // severity must be info or warning
    root.ds.event.emit('broadcast/news', { severity: 'info' });
    await bob.until(() => bob.received('broadcast/news').length === 1, 'the broadcast');
    expect(bob.received('broadcast/news')).toEqual([{ severity: 'info' }]);
    expect(bob.received('notifications/alice')).toEqual([]);
  });

  it('rpc: provide and request, allowed and denied', async () => {
    const [alice, carol, svc] = [await as('alice'), await as('carol'), await as('svc')];
    svc.ds.rpc.provide('todo-export/csv', (data: { listId: string }, response: { send(v: unknown): void }) => response.send(`csv of ${data.listId}`));
    alice.ds.rpc.provide('todo-export/json', () => undefined); // only services provide
    await alice.expectError('RPC', DENIED);
    await svc.roundTrip();

    await expect(alice.ds.rpc.make('todo-export/csv', { listId: 'groceries-list' })).resolves.toBe('csv of groceries-list');
    await expect(carol.ds.rpc.make('todo-export/csv', { listId: 'groceries-list' })).rejects.toBe(DENIED); // not an editor
    await expect(alice.ds.rpc.make('todo-export/xml', { listId: 'groceries-list' })).rejects.toBe(DENIED); // unknown format
  });

  it('presence: everyone signed in sees users; only admins see bots', async () => {
    const [alice, root, guest] = [await as('alice'), await as('root'), await as('guest')];
    await expect(alice.ds.presence.getAll()).resolves.toEqual(expect.arrayContaining(['root', 'guest']));
    await expect(alice.ds.presence.getAll(['bot-1'])).rejects.toBe(DENIED);
    await expect(root.ds.presence.getAll(['bot-1', 'alice'])).resolves.toEqual({ 'bot-1': false, alice: true });
    await expect(guest.ds.presence.getAll(['alice'])).resolves.toEqual({ alice: true }); // user.data is null for guest
  });
});
