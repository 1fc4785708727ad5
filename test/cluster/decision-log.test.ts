/**
 * The decision log (issue 16 item 3) on a real server with real clients: one JSON line per deny,
 * allows only when sampled, no payload unless asked for, and the rules version in force on every
 * line, before and after a reload.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesVersion, type DecisionLine } from '../../adapters/deepstream/index.js';
import { startServer, type RunningServer, type ServeOptions } from '../../cli/commands/serve.js';
import { UsageError } from '../../cli/io.js';
import { TestClient } from '../e2e/helpers/client.js';
import { publisherRules, getJson } from './helpers/nodes.js';

const rules = publisherRules;

const dir = mkdtempSync(join(tmpdir(), 'valve-decisions-'));
const servers: RunningServer[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(name: string, options: Partial<ServeOptions>): Promise<{ server: RunningServer; log: string; file: string }> {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, rules('alice'));
  const log = join(dir, `${name}.jsonl`);
  const server = await startServer({ permissions: file, port: 0, logLevel: 'OFF', reload: 'rename', decisionLog: log, name, ...options });
  servers.push(server);
  return { server, log, file };
}

async function publish(server: RunningServer, user: string, data: string | Record<string, string | number>): Promise<void> {
  const c = new TestClient(user, server.url);
  clients.push(c);
  await c.login(user);
  c.ds.event.emit('news/today', data);
  await c.roundTrip();
}

/** The log's lines once it holds `count` of them (the file is written asynchronously). */
async function lines(log: string, count: number): Promise<DecisionLine[]> {
  for (let i = 0; ; i++) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const all = text.split('\n').filter(Boolean);
    if (all.length >= count) return all.map((l) => JSON.parse(l) as DecisionLine);
    expect(i, `the decision log has ${all.length} of ${count} lines`).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the decision log', () => {
  it('has a JSON line per deny, none for allows by default, and never the payload unless asked', async () => {
    const { server, log } = await serve('denies', {});
    await publish(server, 'alice', { secret: 'allowed text' });
    await publish(server, 'mallory', { secret: 'denied text' });
    await publish(server, 'alice', { secret: 'allowed again' });
    const got = await lines(log, 1);
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      node: 'denies',
      user: 'mallory',
      section: 'event',
      action: 'publish',
      messageAction: 'EMIT',
      name: 'news/today',
      allowed: false,
      pattern: '*',
      location: expect.stringMatching(/denies\.yml:4:\d+$/),
      version: rulesVersion(rules('alice')),
      reason: 'VLV0906',
    });
    expect(readFileSync(log, 'utf8')).not.toContain('text');
  });

  it('logs allows at the sampled rate and the payload when asked', async () => {
    const { server, log } = await serve('sampled', { decisionLogAllows: 1, decisionLogPayload: true });
    await publish(server, 'alice', { n: 1 });
    await publish(server, 'bob', { n: 2 });
    // Every allow is logged: the clients' record reads (roundTrip) too.
    const got = (await lines(log, 4)).filter((l) => l.section === 'event');
    expect(got.map((l) => [l.user, l.allowed, l.data])).toEqual([
      ['alice', true, { n: 1 }],
      ['bob', false, { n: 2 }],
    ]);
  });

  it('carries the version in force after a reload', async () => {
    const { server, log, file } = await serve('reloaded', { decisionLogAllows: 1 });
    await publish(server, 'alice', 'before');
    writeFileSync(`${file}.tmp`, rules('bob'));
    renameSync(`${file}.tmp`, file);
    const v2 = rulesVersion(rules('bob'));
    for (let i = 0; ((await getJson(server.statusUrl)) as { version: string }).version !== v2; i++) {
      expect(i, 'the reload never happened').toBeLessThan(600);
      await new Promise((r) => setTimeout(r, 50));
    }
    await publish(server, 'alice', 'after');
    const got = (await lines(log, 4)).filter((l) => l.section === 'event');
    expect(got.map((l) => [l.allowed, l.version])).toEqual([
      [true, rulesVersion(rules('alice'))],
      [false, v2],
    ]);
  });

  it('options are checked before the server starts', async () => {
    const file = join(dir, 'ok.yml');
    writeFileSync(file, rules('alice'));
    await expect(startServer({ permissions: file, port: 0, decisionLogAllows: 0.5 })).rejects.toThrow(new UsageError('--decision-log-allows and --decision-log-payload need --decision-log'));
    await expect(startServer({ permissions: file, port: 0, decisionLog: 'stdout', decisionLogAllows: 2 })).rejects.toThrow(/invalid --decision-log-allows 2/);
  });
});
