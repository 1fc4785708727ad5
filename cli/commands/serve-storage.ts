/**
 * Prepares the Postgres database for @deepstream/storage-postgres before deepstream starts.
 *
 * The connector initialises the database on every start (CREATE SCHEMA IF NOT EXISTS and CREATE
 * OR REPLACE FUNCTION, in one statement). Postgres's IF NOT EXISTS is not safe against a second
 * session doing the same at the same moment: nodes of a cluster started together fail with a
 * duplicate key in pg_namespace (or pg_proc), which the connector does not retry, and the node
 * exits. Here each node runs the connector's own initialisation statement once, serialised by an
 * advisory lock; afterwards the connector's run finds the schema there and only replaces
 * functions, whose concurrent replacement ("tuple concurrently updated") it does retry.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type PgModule from 'pg';
import { errorText } from '../../grammar/index.js';
import { UsageError } from '../io.js';
import { shownUrl } from '../../adapters/deepstream/index.js';

/** The lock every `valve serve` node takes to initialise one database (any schema). */
const LOCK_NAME = 'valve-toolchain: storage-postgres initialisation';
const CONNECT_TIMEOUT_MS = 5000;

interface Statements {
  initDb(schema: string): string;
}

/** The connector's own initialisation statement, and the `pg` it connects with (its own copy). */
function fromConnector(connectorPath: string): { initDb: (schema: string) => string; pg: typeof PgModule } {
  const require = createRequire(connectorPath);
  const { Statements } = require(join(dirname(connectorPath), 'statements.js')) as { Statements: new (options: object) => Statements };
  const statements = new Statements({});
  return { initDb: (schema) => statements.initDb(schema), pg: require('pg') as typeof PgModule };
}

/**
 * Runs storage-postgres's initialisation of `schema` in `connectionString`'s database under a
 * transaction-scoped advisory lock (released by COMMIT, or by Postgres if this process dies).
 */
export async function prepareStorage(connectorPath: string, connectionString: string, schema: string): Promise<void> {
  const { pg, initDb } = fromConnector(connectorPath);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost later would otherwise be an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_NAME]);
    await client.query(initDb(schema));
    await client.query('COMMIT');
  } catch (e) {
    throw new UsageError(`cannot prepare the Postgres database at ${shownUrl(connectionString)} (--storage): ${errorText(e).split('\n')[0]}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
