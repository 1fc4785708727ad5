/**
 * What the decision log costs the plugin (issue 16 item 3): checks per second of
 * ValvePermission.canPerformAction on server message objects, without a log and with denies
 * logged to a file, on a mix with 10% denies and on denies only. Runs alternate, the median of
 * each is reported. `npx tsx bench/decision-log.ts [--quick]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValvePermission, type DeepstreamMessage, type DeepstreamSocket } from '../adapters/deepstream/plugin.js';
import { makeServices, serverMessage, serverSocket, unparse } from './lib/deepstream.js';

const quick = process.argv.includes('--quick');
const CHECKS = quick ? 50_000 : 200_000;
const ROUNDS = quick ? 3 : 7;
const dir = mkdtempSync(join(tmpdir(), 'valve-bench-decisions-'));
const rules = join(dir, 'rules.yml');
writeFileSync(rules, `record:\n  "*": { read: true }\nevent:\n  "*": { subscribe: true }\n  "news/$id": { publish: "user.id !== 'mallory' && data.text.length < 200" }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n`);

async function plugin(log: boolean): Promise<ValvePermission> {
  const p = new ValvePermission({ permissions: rules, ...(log ? { decisionLog: { to: join(dir, 'decisions.jsonl') } } : {}) }, makeServices());
  await p.whenReady();
  return p;
}

/** Checks per second over `CHECKS` messages, every name new; `denyEvery`: one in that many is mallory's. */
function run(p: ValvePermission, denyEvery: number): number {
  const services = makeServices();
  const alice = serverSocket(services, 'alice');
  const mallory = serverSocket(services, 'mallory');
  const messages: (DeepstreamMessage & Record<string, unknown>)[] = [];
  for (let i = 0; i < CHECKS; i++) messages.push(serverMessage({ section: 'event', action: 'EMIT', name: `news/${i}`, data: { text: 'hello' } }));
  let answered = 0;
  const callback = (): void => void answered++;
  const t0 = performance.now();
  for (let i = 0; i < CHECKS; i++) p.canPerformAction((i % denyEvery === 0 ? mallory : alice) as DeepstreamSocket, messages[i]!, callback, null);
  const s = (performance.now() - t0) / 1000;
  if (answered !== CHECKS) throw new Error(`${answered} answers for ${CHECKS} checks`);
  for (const m of messages) unparse(m);
  return CHECKS / s;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const without = await plugin(false);
const withLog = await plugin(true);
for (const [label, denyEvery] of [['10% denies', 10], ['denies only', 1]] as const) {
  const a: number[] = [];
  const b: number[] = [];
  run(without, denyEvery);
  run(withLog, denyEvery); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    a.push(run(without, denyEvery));
    b.push(run(withLog, denyEvery));
  }
  const [x, y] = [median(a), median(b)];
  console.log(`${label}: ${Math.round(x).toLocaleString('en')} checks/s without a log, ${Math.round(y).toLocaleString('en')} with denies logged to a file: ${((1 - y / x) * 100).toFixed(1)}% slower`);
}
await without.close();
await withLog.close();
rmSync(dir, { recursive: true, force: true });
