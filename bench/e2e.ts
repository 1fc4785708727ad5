/**
 * Benchmark 6: end to end. A real deepstream server on 127.0.0.1 in its own process
 * (bench/e2e-server.ts), once with our plugin and once with its built-in Valve, the same rules
 * (bench/lib/rules.ts e2eFile); N real @deepstream/client clients, each publishing events and
 * writing records (`setDataWithAck`) for a fixed number of messages, with a bounded number in
 * flight per client and a time limit. One more client subscribes to the events, so an event's
 * latency is from `emit` to its arrival there; a write's is from the call to its acknowledgement.
 * Every message is allowed by the rules (each is checked by the permission plugin on the way).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeepstreamClient } from '@deepstream/client';
import type { BenchContext } from './lib/context.js';
import { fmtRatio, median, percentile } from './lib/measure.js';
import { ROOT, RUNS_AS, script } from './lib/paths.js';
import { connect, stopServer } from './lib/servers.js';
import { e2eFile } from './lib/rules.js';
import { TRAFFIC, ZIPF_POPULATION, zipfDraw, type Traffic } from './lib/mix.js';

const ROOMS = 4;

/**
 * The record names a run writes: `repeated`, 16 per client (`bench/c{i}/r{k % 16}`); `unique`, a
 * new one per write (`bench/c{i}/{run}-{k}`); `zipf`, drawn by Zipf's law from a million per client.
 * Events go to the rooms the listener subscribed to in every mix (their latency is measured there).
 */
function recordNames(traffic: Traffic, tag: string): (user: string, k: number) => string {
  if (traffic === 'repeated') return (user, k) => `bench/${user}/r${k % 16}`;
  if (traffic === 'unique') return (user, k) => `bench/${user}/${tag}-${k}`;
  const draw = zipfDraw(ZIPF_POPULATION, tag.length * 7919 + 14);
  return (user) => `bench/${user}/z${draw()}`;
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

function startServer(who: string, permissions: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // VALVE_BENCH_PROFILE=DIR: the servers write CPU profiles there (node --cpu-prof) when they stop.
    const profile = process.env.VALVE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VALVE_BENCH_PROFILE}`] : [];
    const child = spawn(process.execPath, [...profile, ...script('e2e-server'), who, permissions], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${who} server did not start within 60 s: ${err.slice(-500)}`));
    }, 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `127.0.0.1:${m[1]}/deepstream`, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${who} server exited (${code}): ${err.slice(-500)}`));
    });
  });
}

interface RunResult {
  readonly sent: number;
  readonly done: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly eventLatencies: number[];
  readonly writeLatencies: number[];
  readonly timedOut: boolean;
}

/** Each client sends `perClient` messages (alternating event and record write), at most `window` in flight. */
async function drive(clients: DeepstreamClient[], listener: DeepstreamClient, perClient: number, window: number, limitMs: number, tag: string, traffic: Traffic): Promise<RunResult> {
  const recordName = recordNames(traffic, tag);
  const latencies: number[] = [];
  const eventLatencies: number[] = [];
  const writeLatencies: number[] = [];
  const pendingEvents = new Map<string, number>();
  let done = 0;
  let wake: (() => void) | undefined;
  const onEvent = (data: unknown): void => {
    const id = (data as { id?: string } | null)?.id;
    const t = id === undefined ? undefined : pendingEvents.get(id);
    if (t === undefined) return;
    pendingEvents.delete(id!);
    latencies.push(performance.now() - t);
    eventLatencies.push(performance.now() - t);
    done++;
    wake?.();
  };
  for (let r = 0; r < ROOMS; r++) listener.event.subscribe(`bench/room${r}`, onEvent);
  await listener.record.has('bench/flush/x').catch(() => undefined); // subscriptions are in place
  const deadline = performance.now() + limitMs;
  const t0 = performance.now();
  let sent = 0;
  let timedOut = false;
  await Promise.all(
    clients.map(async (ds, c) => {
      const user = `c${c}`;
      let inFlight = 0;
      for (let k = 0; k < perClient; k++) {
        while (inFlight >= window) {
          if (performance.now() > deadline) {
            timedOut = true;
            return;
          }
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 5);
          });
        }
        inFlight++;
        sent++;
        const started = performance.now();
        if (k % 2 === 0) {
          const id = `${tag}-${c}-${k}`;
          pendingEvents.set(id, started);
          // Completion is counted when the listener receives it (onEvent); inFlight is released there too.
          const release = (): void => void inFlight--;
          const check = setInterval(() => {
            if (!pendingEvents.has(id)) {
              clearInterval(check);
              release();
            } else if (performance.now() > deadline) {
              clearInterval(check);
              timedOut = true;
              release();
            }
          }, 1);
          ds.event.emit(`bench/room${k % ROOMS}`, { id, from: user, text: `message ${k} from ${user}` });
        } else {
          void (ds.record.setDataWithAck(recordName(user, k), { n: k, at: Date.now() }) as Promise<unknown>)
            .then(() => {
              latencies.push(performance.now() - started);
              writeLatencies.push(performance.now() - started);
              done++;
            })
            .catch(() => undefined)
            .finally(() => {
              inFlight--;
              wake?.();
            });
        }
      }
      while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (inFlight > 0) timedOut = true;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (let r = 0; r < ROOMS; r++) listener.event.unsubscribe(`bench/room${r}`, onEvent);
  return { sent, done, seconds, latencies, eventLatencies, writeLatencies, timedOut };
}

export async function benchE2E(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('6. End to end: a real deepstream server on 127.0.0.1');
  const path = join(ctx.dir, 'e2e.yml');
  writeFileSync(path, e2eFile());
  const clientsN = ctx.quick ? 4 : 8;
  const perClient = ctx.quick ? 200 : 1500;
  const window = 16;
  const runs = ctx.quick ? 2 : 4;
  const limitMs = ctx.quick ? 15_000 : 60_000;
  const servers: Record<string, Server> = {};
  const connections: DeepstreamClient[] = [];
  const results = new Map<string, RunResult[]>();
  try {
    for (const who of ['ours', 'upstream']) {
      ctx.log(`6. starting the ${who} server`);
      servers[who] = await startServer(who, path);
    }
    const sessions: Record<string, { clients: DeepstreamClient[]; listener: DeepstreamClient }> = {};
    for (const who of ['ours', 'upstream']) {
      const clients = await Promise.all(Array.from({ length: clientsN }, (_, c) => connect(servers[who].url, `c${c}`)));
      const listener = await connect(servers[who].url, 'listener');
      connections.push(...clients, listener);
      sessions[who] = { clients, listener };
      // Warm-up: a tenth of a run, not counted.
      ctx.log(`6. warm-up on ${who}`);
      await drive(clients, listener, Math.max(20, perClient / 10), window, limitMs, `${who}-warm`, 'repeated');
      for (const t of TRAFFIC) results.set(`${who}|${t}`, []);
    }
    for (let r = 0; r < runs; r++) {
      for (const traffic of TRAFFIC) {
        // Alternate which server goes first, so neither always runs right after the other.
        for (const who of r % 2 === 0 ? ['ours', 'upstream'] : ['upstream', 'ours']) {
          ctx.log(`6. run ${r + 1}/${runs} on ${who}, ${traffic} record names: ${clientsN} clients × ${perClient} messages`);
          results.get(`${who}|${traffic}`)!.push(await drive(sessions[who].clients, sessions[who].listener, perClient, window, limitMs, `${who}-${traffic}-${r}`, traffic));
        }
      }
    }
  } finally {
    for (const c of connections) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await Promise.all(Object.values(servers).map(stopServer));
  }
  const rows: string[][] = [];
  const rate = new Map<string, number>();
  for (const [key, rs] of results) {
    const [who, traffic] = key.split('|') as [string, Traffic];
    const rates = rs.map((x) => x.done / x.seconds);
    const p50 = median(rs.map((x) => percentile([...x.latencies].sort((a, b) => a - b), 50)));
    const p99 = median(rs.map((x) => percentile([...x.latencies].sort((a, b) => a - b), 99)));
    const p50of = (pick: (x: RunResult) => number[]): number => median(rs.map((x) => percentile([...pick(x)].sort((a, b) => a - b), 50)));
    const incomplete = rs.filter((x) => x.done < clientsN * perClient || x.timedOut).length;
    rate.set(key, median(rates));
    rows.push([
      who === 'ours' ? 'ours (Valve plugin)' : 'upstream (built-in Valve)',
      traffic,
      `${(median(rates) / 1000).toFixed(1)} k/s`,
      `±${((50 * (Math.max(...rates) - Math.min(...rates))) / median(rates)).toFixed(0)}%`,
      `${p50.toFixed(2)} ms`,
      `${p99.toFixed(2)} ms`,
      `${p50of((x) => x.eventLatencies).toFixed(2)} ms`,
      `${p50of((x) => x.writeLatencies).toFixed(2)} ms`,
      `${rs.reduce((a, x) => a + x.done, 0)}/${rs.length * clientsN * perClient}${incomplete ? ` (${incomplete} run(s) incomplete)` : ''}`,
    ]);
  }
  rows.sort((a, b) => TRAFFIC.indexOf(a[1] as Traffic) - TRAFFIC.indexOf(b[1] as Traffic));
  section.tables.push({ header: ['server', 'record names', 'messages/s', 'spread', 'p50 latency', 'p99 latency', 'p50 event', 'p50 write', 'completed'], right: [2, 3, 4, 5, 6, 7], rows });
  const ratioOf = (t: Traffic): number => rate.get(`ours|${t}`)! / rate.get(`upstream|${t}`)!;
  const ratio = ratioOf('unique');
  section.notes.push(
    `${clientsN} clients (logins \`c0\`…), each sending ${perClient} messages per run, alternately an event \`bench/room{k % ${ROOMS}}\` (rule: \`user.isAuthenticated && data.from === user.id && data.text.length <= 500\`) and a record write \`setDataWithAck(NAME, …)\` where NAME is, by mix, a new name per write (\`bench/c{i}/{run}-{k}\`, unique), a Zipf draw from ${ZIPF_POPULATION.toLocaleString('en')} per client (\`bench/c{i}/z{rank}\`) or one of 16 (\`bench/c{i}/r{k % 16}\`, repeated) (CREATEANDUPDATE: create rule \`user.id === $owner\` and write rule \`user.id === $owner && typeof data.n === 'number' && data.n >= 0\`), at most ${window} in flight per client; one listener client subscribed to the rooms. ${runs} runs per server and mix after a warm-up run, the mixes in turn and alternating which server goes first; median shown, latencies are the medians over runs of each run's p50/p99. Limit: ${limitMs / 1000} s per run.`,
    `Both servers run in their own process (bench/e2e-server, ${RUNS_AS})`+' with the same configuration apart from `permission`; the clients run in the benchmark process, so on this 2-core machine clients and server share the CPUs: messages/s is the throughput of the whole system, of which permission checks are one part.',
    `ours / upstream messages/s: ${TRAFFIC.map((t) => `${fmtRatio(ratioOf(t))} (${t})`).join(', ')}.`,
  );
  ctx.report.headline.set('e2e', ratio);
}
