/**
 * Benchmark 6's server process: deepstream on 127.0.0.1 (a free port), with the rules file given,
 * decided either by our plugin (`ours`: started as `valve serve` starts it, the plugin loaded by
 * deepstream from `permission.path`) or by deepstream's built-in Valve (`upstream`:
 * `permission.type: config` with the same file). Open authentication (the login name is
 * `user.id`), records in memory, logging off. Prints `READY <port>` once started; stops when its
 * standard input closes (the parent exited or is done) or on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { freePort, serveConfig, startServer, type DeepstreamServer } from '../cli/commands/serve.js';
import { runMain } from './lib/main.js';

const [who, permissions] = process.argv.slice(2);
const HOST = '127.0.0.1';

async function startUpstream(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort(HOST);
  const base = serveConfig({ permissions, host: HOST, port, watch: false, logLevel: 100 });
  const rules = parseYaml(readFileSync(permissions, 'utf8')) as unknown;
  const { Deepstream } = (await import('@deepstream/server')) as unknown as { Deepstream: new (c: Record<string, unknown>) => DeepstreamServer };
  const server = new Deepstream({ ...base, permission: { type: 'config', options: { permissions: rules, maxRuleIterations: 3, cacheEvacuationInterval: 60_000 } } });
  await new Promise<void>((resolve, reject) => {
    server.once('FATAL_EXCEPTION', () => reject(new Error('deepstream did not start')));
    server.once('started', () => resolve());
    server.start();
  });
  return { port, stop: () => new Promise<void>((done) => (server.once('stopped', () => done()), server.stop())) };
}

async function main(): Promise<void> {
  const running = who === 'upstream' ? await startUpstream() : await startServer({ permissions, port: 0, host: HOST, watch: false, logLevel: 'OFF' });
  process.stdout.write(`READY ${running.port}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 3000);
    await running.stop().catch(() => undefined);
    clearTimeout(timer);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.once('SIGTERM', () => void stop());
}

runMain(main);
