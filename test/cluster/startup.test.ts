/**
 * Nodes started together against a fresh database (issue 16): storage-postgres initialises the
 * database on every start (CREATE SCHEMA IF NOT EXISTS, CREATE OR REPLACE FUNCTION), and two
 * nodes doing it at the same moment collide in Postgres's catalogue (a duplicate key in
 * pg_namespace or pg_proc) — deepstream then exits with 1. `valve serve` prepares the database
 * first under an advisory lock, so every node of every round starts.
 *
 * Left to themselves the nodes rarely reach that statement within the same milliseconds, so the
 * test lines them up: it creates the schema in a transaction it keeps open, which makes every
 * node's CREATE SCHEMA wait on it, and rolls back once all of them wait — they then go at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { POSTGRES_SCHEMA } from '../../cli/commands/serve-cluster.js';
import { built, publisherRules, startNode, type Node } from './helpers/nodes.js';
import { serversOrSkip, startPostgres, startRedis, type Service } from './helpers/services.js';

const missing = serversOrSkip();
const ROUNDS = 4;
const NODES = 3;

describe.skipIf(missing !== undefined)('nodes started at the same moment on a fresh database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'valve-startup-'));
  const file = join(dir, 'permissions.yml');
  let redis: Service | undefined;
  let postgres: Service | undefined;
  const nodes: Node[] = [];

  beforeAll(async () => {
    expect(built(), 'run `npx tsc -p tsconfig.build.json` first: the nodes run the built CLI').toBe(true);
    writeFileSync(file, publisherRules('alice'));
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all([redis?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(`${NODES} nodes at once, ${ROUNDS} times, each time on a new database: every node starts`, async () => {
    const admin = new pg.Client({ connectionString: postgres!.url });
    await admin.connect();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const db = `fresh${round}`;
        await admin.query(`CREATE DATABASE ${db}`);
        const storage = postgres!.url.replace(/\/postgres$/, `/${db}`);
        const args = ['--permissions', file, '--redis', `${redis!.url}/${round}`, '--storage', storage, '--log-level', 'WARN'];
        const gate = new pg.Client({ connectionString: storage });
        await gate.connect();
        await gate.query(`BEGIN; CREATE SCHEMA "${POSTGRES_SCHEMA}"`);
        const starting = Array.from({ length: NODES }, (_, i) => startNode(`r${round}-n${i}`, args));
        let waiting = 0;
        for (let i = 0; i < 600 && waiting < NODES; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [db]);
          waiting = (rows[0] as { n: number }).n;
        }
        await gate.query('ROLLBACK');
        await gate.end();
        expect(waiting, `round ${round}: nodes waiting on the schema`).toBe(NODES);
        const started = await Promise.allSettled(starting);
        const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        nodes.push(...up);
        const failed = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason).split('\n').slice(0, 6).join('\n')] : []));
        expect(failed, `round ${round}`).toEqual([]);
        await Promise.all(up.map((n) => n.stop()));
      }
    } finally {
      await admin.end();
    }
  }, 300_000);

  it('a database that does not exist: the node exits 2 saying so, before deepstream starts', async () => {
    const storage = postgres!.url.replace(/\/postgres$/, '/nosuchdb');
    const refused = await startNode('nodb', ['--permissions', file, '--storage', storage, '--log-level', 'WARN']).then(
      (n) => (nodes.push(n), 'started'),
      (e: unknown) => String(e),
    );
    expect(refused).toMatch(/exited with 2/);
    expect(refused).toContain(`cannot prepare the Postgres database at ${storage} (--storage): database "nosuchdb" does not exist`);
  }, 120_000);
});
