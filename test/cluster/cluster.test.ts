/**
 * Valve on a deepstream cluster (issue 16, first slice): three `valve serve` processes and one
 * plain `deepstream start -c config.yml` (the README's config, fixtures/config.yml) joined over
 * one Redis (clusternode-redis + cache-redis) with their records in one Postgres
 * (storage-postgres), every server started by this file on random 127.0.0.1 ports, and real
 * @deepstream/client clients on different nodes. Covers: events cross nodes only when their rule
 * allows; a `_()` rule on one node reads the fresh value of a record written through another; a
 * write acknowledged on a node is in Postgres; a changed rules file reaches every node (GET /valve
 * reports the new version, the time is printed) and a broken one is refused by every node, each
 * keeping its last good rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { rulesVersion } from '../../adapters/deepstream/index.js';
import { POSTGRES_SCHEMA } from '../../cli/commands/serve-cluster.js';
import { TestClient } from '../e2e/helpers/client.js';
import { built, startDeepstream, startNode, untilEveryNode, valveStatus, type DeepstreamNode, type Node } from './helpers/nodes.js';
import { serversOrSkip, startPostgres, startRedis, type Service } from './helpers/services.js';

const WAIT = 15_000;

/** `rollout/*` publishers: the one user the current version lets publish there. */
const rules = (publisher: string): string => `record:
  "*": { create: true, read: true, write: true, delete: true }
  "gate/$id": { read: "_('flag/' + $id) !== null && _('flag/' + $id).open === true" }
event:
  "*": { publish: true, subscribe: true }
  "secret/*": { publish: "user.id === 'alice'", subscribe: true }
  "rollout/*": { publish: "user.id === '${publisher}'", subscribe: true }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
`;

const missing = serversOrSkip();
if (missing) console.warn(`skipping the cluster tests: ${missing}`);

describe.skipIf(missing !== undefined)('a cluster of three valve serve nodes and a deepstream node over Redis and Postgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'valve-cluster-'));
  const file = join(dir, 'permissions.yml');
  let redis: Service | undefined;
  let postgres: Service | undefined;
  let nodes: Node[] = [];
  /** node-d: `deepstream start` with fixtures/config.yml (no GET /valve: that is `valve serve`'s). */
  let plain: DeepstreamNode | undefined;
  const clients: TestClient[] = [];
  const client = async (node: DeepstreamNode, user: string): Promise<TestClient> => {
    const c = new TestClient(`${user}@${node.name}`, node.url);
    clients.push(c);
    return c.login(user);
  };

  /** Saves the rules the way the README says to: a new file renamed over the old one. */
  const save = (text: string): void => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };

  beforeAll(async () => {
    expect(built(), 'run `npx tsc -p tsconfig.build.json` first: the nodes run the built CLI').toBe(true);
    save(rules('alice'));
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    const args = ['--permissions', file, '--redis', redis.url, '--storage', postgres.url, '--reload', 'rename', '--log-level', 'WARN'];
    const [d, ...serve] = await Promise.all([startDeepstream('node-d', { permissions: file, redis, postgres }), ...['node-a', 'node-b', 'node-c'].map((name) => startNode(name, args))]);
    plain = d as DeepstreamNode;
    nodes = serve as Node[];
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([...nodes, ...(plain ? [plain] : [])].map((n) => n.stop()));
    await Promise.all([redis?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('every node says which rules it enforces at GET /valve', async () => {
    const version = rulesVersion(rules('alice'));
    for (const [i, node] of nodes.entries()) {
      const status = await node.status();
      expect(status).toMatchObject({ server: ['node-a', 'node-b', 'node-c'][i], file, version, loads: 1, refused: null });
      expect(Date.parse(status.loadedAt!)).not.toBeNaN();
    }
  });

  it('an event published on one node reaches subscribers on others only when the rule allows', async () => {
    const [a, b] = nodes;
    const bob = await client(b!, 'bob');
    const dora = await client(plain!, 'dora');
    const alice = await client(a!, 'alice');
    const aliceOnD = await client(plain!, 'alice');
    const mallory = await client(a!, 'mallory');
    const malloryOnD = await client(plain!, 'mallory');
    for (const s of [bob, dora]) s.subscribeEvent('secret/x');
    // Subscriptions reach the other nodes over the bus in their own time: alice's probes show when.
    let probes = 0;
    while (bob.received('secret/x').length === 0 || dora.received('secret/x').length === 0) {
      expect(probes++, 'the subscriptions on nodes B and D never reached node A').toBeLessThan(200);
      alice.ds.event.emit('secret/x', 'probe');
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = [bob.received('secret/x').length, dora.received('secret/x').length];
    mallory.ds.event.emit('secret/x', 'from mallory on A');
    malloryOnD.ds.event.emit('secret/x', 'from mallory on D');
    await mallory.expectError('EVENT', 'MESSAGE_DENIED');
    await malloryOnD.expectError('EVENT', 'MESSAGE_DENIED');
    alice.ds.event.emit('secret/x', 'from alice on A');
    aliceOnD.ds.event.emit('secret/x', 'from alice on D');
    const both = (c: TestClient): boolean => c.received('secret/x').includes('from alice on A') && c.received('secret/x').includes('from alice on D');
    await bob.until(() => both(bob) && both(dora), 'alice\u2019s events on nodes B and D', WAIT, [dora]);
    // Each subscriber gets the events of the other nodes only; its own node's come directly.
    expect(bob.received('secret/x').slice(before[0]).filter((e) => e !== 'probe').sort()).toEqual(['from alice on A', 'from alice on D']);
    expect(dora.received('secret/x').slice(before[1]).filter((e) => e !== 'probe').sort()).toEqual(['from alice on A', 'from alice on D']);
  });

  it('a _() rule on nodes C and D reads the fresh value of a record written through node A', async () => {
    const [a, , c] = nodes;
    const writer = await client(a!, 'writer');
    const readers = [await client(c!, 'reader'), await client(plain!, 'reader')];
    await writer.ds.record.setDataWithAck('gate/1', { title: 'the gated record' });
    const reads = (reader: TestClient): Promise<boolean> =>
      reader.ds.record.snapshot('gate/1').then(
        () => true,
        (e: unknown) => {
          if (e === 'MESSAGE_DENIED') return false;
          throw e;
        },
      );
    // Alternating values: a stale read (a cache of node C's own, or the write not yet stored) would
    // give the previous decision at least once.
    for (const open of [true, false, true, false, true]) {
      await writer.ds.record.setDataWithAck('flag/1', { open });
      for (const reader of readers) expect(await reads(reader), `${reader.label}: flag/1 open: ${open}`).toBe(open);
    }
  });

  it('a write acknowledged on one node is in Postgres', async () => {
    const [, b] = nodes;
    const writer = await client(b!, 'writer');
    await writer.ds.record.setDataWithAck('orders/o-17', { item: 'tea', count: 3 });
    const db = new pg.Client({ connectionString: postgres!.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT version, val FROM "${POSTGRES_SCHEMA}"."orders" WHERE id = $1`, ['o-17']);
      expect(rows).toHaveLength(1);
      const val: unknown = typeof rows[0].val === 'string' ? JSON.parse(rows[0].val) : rows[0].val;
      expect(val).toEqual({ item: 'tea', count: 3 });
    } finally {
      await db.end();
    }
  });

  it('a changed rules file reaches every node; a broken one is refused by every node, which keep the last good rules', async () => {
    const subscriber = await client(nodes[0]!, 'watcher');
    subscriber.subscribeEvent('rollout/x');
    /** Whether `user` may publish on `rollout/x` through `node` (a denial comes back as an error). */
    const publishes = async (node: DeepstreamNode, user: string): Promise<boolean> => {
      const c = await client(node, user);
      c.ds.event.emit('rollout/x', `${user}@${node.name}`);
      await c.roundTrip();
      const denied = c.errors.some((e) => e.topic === 'EVENT' && e.event === 'MESSAGE_DENIED');
      c.close();
      return !denied;
    };

    const v2 = rulesVersion(rules('bob'));
    save(rules('bob'));
    const ms = await untilEveryNode(nodes, (s) => s.version === v2, `version ${v2}`);
    console.log(`rollout: all ${nodes.length} nodes reported version ${v2} ${Math.round(ms)} ms after the rename`);
    for (const node of nodes) {
      expect(await publishes(node, 'bob'), `bob on ${node.name}`).toBe(true);
      expect(await publishes(node, 'alice'), `alice on ${node.name}`).toBe(false);
    }
    const urls = nodes.map((n) => n.statusUrl.replace(/\/valve$/, ''));
    const settled = await valveStatus([...urls, '--expect', v2]);
    expect(settled, settled.stdout + settled.stderr).toMatchObject({ code: 0 });
    expect(settled.stdout).toContain(`all 3 nodes are on version ${v2}`);
    for (const node of nodes) expect(settled.stdout).toMatch(new RegExp(`^${node.name}  ${node.statusUrl.replace(/[.]/g, '\\.')}  version ${v2} `, 'm'));
    expect(await valveStatus([...urls, '--expect', rulesVersion(rules('alice'))])).toMatchObject({ code: 1 });
    // The file the operator just deployed names the version to wait for.
    expect(await valveStatus([...urls, '--expect', file])).toMatchObject({ code: 0 });
    // node-d has no GET /valve: its log says when it has the new rules.
    const logged = async (text: string): Promise<void> => {
      for (let i = 0; !plain!.output().includes(text); i++) {
        expect(i, `node-d never logged ${text}:\n${plain!.output()}`).toBeLessThan(300);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await logged(`version ${v2}`);
    expect(await publishes(plain!, 'bob'), 'bob on node-d').toBe(true);
    expect(await publishes(plain!, 'alice'), 'alice on node-d').toBe(false);

    const broken = `${rules('mallory')}  "oops": [\n`;
    save(broken);
    const refusedMs = await untilEveryNode(nodes, (s) => s.refused?.version === rulesVersion(broken), 'the refusal of the broken file');
    console.log(`rollout: all ${nodes.length} nodes refused the broken file ${Math.round(refusedMs)} ms after the rename`);
    for (const node of nodes) {
      const status = await node.status();
      expect(status.version).toBe(v2);
      expect(status.refused!.diagnostics.length).toBeGreaterThan(0);
      expect(status.refused!.diagnostics[0]).toMatchObject({ file, severity: 'error' });
      expect(await publishes(node, 'bob'), `bob on ${node.name} after the broken file`).toBe(true);
      expect(await publishes(node, 'mallory'), `mallory on ${node.name} after the broken file`).toBe(false);
    }
    const refusing = await valveStatus(urls);
    expect(refusing.code, refusing.stdout).toBe(1);
    expect(refusing.stdout).toContain(`not settled: 3 on ${v2}; 3 refused a newer file`);
    expect(refusing.stdout).toContain(`refused ${rulesVersion(broken)} at `);
    await logged(`version ${rulesVersion(broken)} refused`);
    expect(await publishes(plain!, 'bob'), 'bob on node-d after the broken file').toBe(true);
    expect(await publishes(plain!, 'mallory'), 'mallory on node-d after the broken file').toBe(false);

    // The first reload started each node's compile worker; a second one finds it running.
    const v3 = rulesVersion(rules('carol'));
    save(rules('carol'));
    const warmMs = await untilEveryNode(nodes, (s) => s.version === v3 && s.refused === null, `version ${v3}`);
    console.log(`rollout: all ${nodes.length} nodes reported version ${v3} ${Math.round(warmMs)} ms after the rename (compile workers already running)`);
    for (const node of nodes) expect(await publishes(node, 'carol'), `carol on ${node.name}`).toBe(true);
  });
});
