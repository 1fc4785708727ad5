/**
 * Benchmark 5's child process (run with --expose-gc): `ours-engine`, `ours-plugin` or `upstream`
 * makes COUNT checks over COUNT distinct record names (`user/u0`, `user/u1`, … on
 * examples/permissions.yml: `user/$userId` read) and reports the heap (after a full GC) before
 * the first check and at ten points along the way, as one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../index.js';
import { ROOT } from './lib/paths.js';
import { makeServices, oursPlugin, serverMessage, serverSocket, upstreamPlugin, type Plugin } from './lib/deepstream.js';
import { runMain } from './lib/main.js';

const [who, countArg] = process.argv.slice(2);
const count = Number(countArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const EXAMPLES = join(ROOT, 'examples', 'permissions.yml');
const text = readFileSync(EXAMPLES, 'utf8');
const USER = { id: 'alice', isAuthenticated: true, data: { role: 'member' } };

const heap = (): number => {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
};

async function main(): Promise<void> {
  let check: (i: number) => void;
  let allowed = 0;
  let plugin: Plugin | undefined;
  if (who === 'ours-engine') {
    const engine = createEngine({ rules: { text, file: EXAMPLES } });
    check = (i) => {
      if ((engine.check({ type: 'record', action: 'read', name: `user/u${i}`, user: USER, messageAction: 'READ' }) as { allowed: boolean }).allowed) allowed++;
    };
  } else {
    const services = makeServices();
    plugin = who === 'upstream' ? upstreamPlugin(text, services) : await oursPlugin(EXAMPLES, services);
    const socket = serverSocket(services, USER.id, USER.data);
    // The server's message for a read; each check gets its own copy with its own name.
    const template = serverMessage({ section: 'record', action: 'READ', name: 'user/u' });
    const callback = (_s: unknown, _m: unknown, _p: unknown, e: string | null, ok: boolean): void => {
      if (e === null && ok === true) allowed++;
    };
    const p = plugin;
    check = (i) => p.canPerformAction(socket, { ...template, name: `user/u${i}` } as never, callback as never, null);
  }
  // Warm-up on other names, then the baseline.
  for (let i = 0; i < 10_000; i++) check(count + i);
  allowed = 0;
  const baseline = heap();
  const points: { checks: number; heap: number }[] = [];
  const t0 = performance.now();
  const step = count / 10;
  for (let i = 0; i < count; i++) {
    check(i);
    if ((i + 1) % step === 0) points.push({ checks: i + 1, heap: heap() });
  }
  const seconds = (performance.now() - t0) / 1000;
  await plugin?.close();
  process.stdout.write(`${JSON.stringify({ who, count, allowed, baseline, points, seconds })}\n`);
}

runMain(main);
