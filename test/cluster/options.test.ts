/**
 * `valve serve`'s cluster options without any server: the deepstream blocks they become, the
 * URLs and names refused, and what the plugin reports as the rules version (status()) across
 * start-up, a good reload and a refused one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig, postgresOptions, redacted, redisOptions, serverName } from '../../cli/commands/serve-cluster.js';
import { freePort, startServer } from '../../cli/commands/serve.js';
import { UsageError } from '../../cli/io.js';
import { rulesVersion, RulesVersions, ValvePermission, type DeepstreamLogger } from '../../adapters/deepstream/index.js';
import { statusUrl } from '../../cli/commands/status.js';
import { built, valveStatus } from './helpers/nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-cluster-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const okRules = (): string => {
  const file = join(dir, 'ok.yml');
  writeFileSync(file, 'record:\n  "*": { read: true }\nevent:\n  "*": { publish: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n');
  return file;
};

describe('cluster options', () => {
  it('turn a Redis URL into ioredis options for both connectors', () => {
    expect(redisOptions('redis://127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(redisOptions('redis://:s3cret@cache.internal/2')).toEqual({ host: 'cache.internal', port: 6379, password: 's3cret', db: 2 });
    expect(redisOptions('rediss://[::1]:7000')).toEqual({ host: '::1', port: 7000, tls: {} });
    const blocks = clusterConfig({ redis: 'redis://127.0.0.1:7000', storage: 'postgres://ds@db:5432/ds' }) as Record<string, { path: string; options: Record<string, unknown> }>;
    expect(Object.keys(blocks).sort()).toEqual(['cache', 'clusterNode', 'storage']);
    expect(blocks.clusterNode!.path).toMatch(/@deepstream[/\\]clusternode-redis/);
    expect(blocks.cache!.path).toMatch(/@deepstream[/\\]cache-redis/);
    expect(blocks.storage!.path).toMatch(/@deepstream[/\\]storage-postgres/);
    // The connectors write into their options: the two Redis blocks must not share one object.
    expect(blocks.clusterNode!.options).not.toBe(blocks.cache!.options);
    expect(blocks.storage!.options).toEqual({ connectionString: 'postgres://ds@db:5432/ds', schema: 'ds' });
    expect(clusterConfig({})).toEqual({});
  });

  it('refuse URLs that are not Redis or Postgres URLs, and bad server names', () => {
    expect(() => redisOptions('127.0.0.1:6379')).toThrow(UsageError);
    expect(() => redisOptions('http://127.0.0.1:6379')).toThrow(/invalid --redis URL `http:\/\/127\.0\.0\.1:6379`/);
    expect(() => redisOptions('redis://127.0.0.1:6379/cache')).toThrow(/database number/);
    expect(() => postgresOptions('mysql://db/ds')).toThrow(/invalid --storage URL/);
    expect(() => serverName({ name: 'node a' })).toThrow(/invalid --name `node a`/);
    expect(() => serverName({ name: '' })).toThrow(UsageError);
  });

  it('give each node of a cluster its own name unless --name says otherwise', () => {
    expect(serverName({})).toBeUndefined();
    expect(serverName({ name: 'node-a' })).toBe('node-a');
    expect(serverName({ redis: 'redis://h:1' })).toMatch(new RegExp(`^valve-[A-Za-z0-9.-]+-${process.pid}$`));
  });

  it('print URLs without their password', () => {
    expect(redacted('postgres://ds:hunter2@db:5432/ds')).toBe('postgres://ds:***@db:5432/ds');
    expect(redacted('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('are checked before any server starts', async () => {
    const rules = okRules();
    await expect(startServer({ permissions: rules, port: 0, redis: 'localhost' })).rejects.toThrow(/invalid --redis URL `localhost`/);
    await expect(startServer({ permissions: rules, port: 0, storage: 'localhost:5432' })).rejects.toThrow(UsageError);
  });

  it('name a Redis or Postgres nobody listens on before deepstream starts (instead of its connectors\u2019 crash or time-out)', async () => {
    const rules = okRules();
    const nobody = await freePort();
    await expect(startServer({ permissions: rules, port: 0, redis: `redis://127.0.0.1:${nobody}` })).rejects.toThrow(new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${nobody} \\(--redis\\): .*ECONNREFUSED`));
    await expect(startServer({ permissions: rules, port: 0, storage: `postgres://ds:pw@127.0.0.1:${nobody}/ds` })).rejects.toThrow(new RegExp(`cannot reach Postgres at 127\\.0\\.0\\.1:${nobody} \\(--storage\\)`));
  });
});

describe('the rules version a node enforces', () => {
  const logger = (): DeepstreamLogger & { lines: string[] } => {
    const lines: string[] = [];
    const at = (level: string) => (event: string, message: string) => void lines.push(`${level} ${event} ${message}`);
    return { lines, fatal: at('FATAL'), error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG') };
  };

  it('is a hash of the rules text, whatever file it is in', () => {
    expect(rulesVersion('record: {}\n')).toMatch(/^[0-9a-f]{16}$/);
    expect(rulesVersion('record: {}\n')).toBe(rulesVersion('record: {}\n'));
    expect(rulesVersion('record: {}\n')).not.toBe(rulesVersion('record: {} \n'));
  });

  it('a refusal is forgotten once a newer file loads', () => {
    const times = ['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z', '2030-01-01T00:00:02.000Z'];
    const v = new RulesVersions('p.yml', 'n1', () => new Date(times.shift()!));
    v.loaded('aaaa');
    v.refused('broken', [], 'bbbb');
    expect(v.status()).toEqual({ server: 'n1', file: 'p.yml', version: 'aaaa', loadedAt: '2030-01-01T00:00:00.000Z', loads: 1, refused: { version: 'bbbb', at: '2030-01-01T00:00:01.000Z', reason: 'broken', diagnostics: [] } });
    v.loaded('cccc');
    expect(v.status()).toMatchObject({ version: 'cccc', loadedAt: '2030-01-01T00:00:02.000Z', loads: 2, refused: null });
  });

  it('is logged at every load and kept, with the refused file\u2019s diagnostics, across a broken reload', async () => {
    const file = join(dir, 'rules.yml');
    const good = (publish: boolean): string => `record:\n  "*": { read: true }\nevent:\n  "*": { publish: ${publish} }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n`;
    writeFileSync(file, good(true));
    const log = logger();
    const plugin = new ValvePermission({ permissions: file }, { logger: log }, { serverName: 'node-x' });
    try {
      expect(plugin.status()).toMatchObject({ server: 'node-x', version: null, loadedAt: null, loads: 0, refused: null });
      await plugin.whenReady();
      const v1 = rulesVersion(good(true));
      expect(plugin.status()).toMatchObject({ version: v1, loads: 1, refused: null });
      expect(log.lines.some((l) => l.startsWith('INFO') && l.includes(`version ${v1}`))).toBe(true);

      writeFileSync(file, good(false));
      await plugin.reload();
      const v2 = rulesVersion(good(false));
      expect(plugin.status()).toMatchObject({ version: v2, loads: 2, refused: null });
      expect(log.lines.some((l) => l.includes('rules reloaded') && l.includes(`version ${v2}`))).toBe(true);

      const broken = `${good(true)}event: {}\n`;
      writeFileSync(file, broken);
      await plugin.reload();
      const status = plugin.status();
      expect(status).toMatchObject({ version: v2, loads: 2, refused: { version: rulesVersion(broken) } });
      expect(status.refused!.diagnostics[0]).toMatchObject({ code: 'VLV0002', severity: 'error', startLine: 9, startColumn: 1 });
      expect(log.lines.some((l) => l.startsWith('ERROR') && l.includes(`version ${rulesVersion(broken)} refused`) && l.includes(`(version ${v2}) stay in force`))).toBe(true);
    } finally {
      await plugin.close();
    }
  });
});

describe('valve status', () => {
  it('asks each node at /valve', () => {
    expect(statusUrl('http://127.0.0.1:6021')).toBe('http://127.0.0.1:6021/valve');
    expect(statusUrl('127.0.0.1:6021')).toBe('http://127.0.0.1:6021/valve');
    expect(statusUrl('http://10.0.0.5:80/valve')).toBe('http://10.0.0.5/valve');
    expect(() => statusUrl('ftp://h')).toThrow(/invalid node URL `ftp:\/\/h`/);
  });

  it('exits 1 naming a node that does not answer, 2 for a bad URL', async () => {
    expect(built(), 'run `npx tsc -p tsconfig.build.json` first').toBe(true);
    const nobody = await freePort();
    const down = await valveStatus([`127.0.0.1:${nobody}`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`http://127.0.0.1:${nobody}/valve  unreachable: connect ECONNREFUSED`);
    expect(down.stdout).toContain('not settled: 1 unreachable');
    const bad = await valveStatus(['ftp://h']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('valve: invalid node URL `ftp://h`; give http://HOST:PORT\n');
    const noFile = await valveStatus([`127.0.0.1:${nobody}`, '--expect', join(dir, 'missing.yml')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--expect `.*missing\.yml` is neither a version \(16 hex digits\) nor a readable rules file: no such file/);
  });
});
