/**
 * Benchmark 7: how long a hot reload holds up the server (issue #13, item 7). A real deepstream
 * server with our plugin runs in its own process (bench/reload-stall-server.ts) on a small rules
 * file; real clients keep sending requests (record `has` and event publishes, each checked by the
 * plugin) while the server reloads a valid rules file just under the compiler's maxFileSize
 * (1 MiB): thousands of patterns and rules, a regex in a quarter of them. Measured in the server:
 * the longest gap between ticks of a 1 ms timer and monitorEventLoopDelay's maximum, over the
 * whole reload; measured in the clients: the longest wait for an answer meanwhile.
 *
 * `npx tsx bench/reload-stall.ts` runs it alone and prints the table; bench/run.ts runs it as
 * benchmark 7.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeepstreamClient } from '@deepstream/client';
import { COMPILE_LIMITS } from '../compiler/limits.js';
import type { BenchContext } from './lib/context.js';
import { fmtMs, median } from './lib/measure.js';
import { ROOT, RUNS_AS, script } from './lib/paths.js';
import { Report, sectionText } from './lib/report.js';
import { compileFile } from './lib/rules.js';

/** The largest compileFile within maxFileSize (its size grows with the rule count). */
export function maxSizeFile(limit = COMPILE_LIMITS.maxFileSize): { text: string; rules: number } {
  let lo = 100;
  let hi = 40_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (compileFile(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return { text: compileFile(lo), rules: lo };
}

/** Before the reload: everything allowed. The big file denies every event publish. */
const SMALL = `record:
  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
event:
  "*": { publish: true, subscribe: true, listen: true }
rpc:
  "*": { provide: true, request: true }
presence:
  "*": { allow: true }
`;

interface ServerResult {
  readonly reloadMs: number;
  readonly longestGapsMs: number[];
  readonly delayMaxMs: number;
  readonly delayP99Ms: number;
  readonly worker: number;
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  reload(file: string): Promise<ServerResult>;
}

function startServer(permissions: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const profile = process.env.VALVE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.VALVE_BENCH_PROFILE}`] : [];
    const child = spawn(process.execPath, [...profile, ...script('reload-stall-server'), permissions], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let waiting: ((line: string) => void) | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 60 s: ${err.slice(-500)}`));
    }, 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const ready = /^READY (\d+)$/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve({
            child,
            port: Number(ready[1]),
            reload: (file) =>
              new Promise((done, failed) => {
                waiting = (l) => (l.startsWith('RESULT ') ? done(JSON.parse(l.slice(7)) as ServerResult) : failed(new Error(l)));
                child.stdin!.write(`RELOAD ${file}\n`);
              }),
          });
        } else if (/^(RESULT|FAILED) /.test(line)) waiting?.(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}): ${err.slice(-500)}`));
    });
  });
}

function stopServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 5000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.child.stdin!.end();
  });
}

async function connect(url: string, username: string): Promise<DeepstreamClient> {
  const ds = new DeepstreamClient(url, { maxReconnectAttempts: 0, subscriptionInterval: 0, offlineEnabled: false });
  ds.on('error', () => undefined);
  await ds.login({ username });
  return ds;
}

/** Clients sending one request after another until stopped: answers and the longest wait for one. */
function keepSending(clients: DeepstreamClient[]): { stop(): Promise<{ answered: number; longestMs: number; unanswered: number }> } {
  let running = true;
  let answered = 0;
  let longestMs = 0;
  let unanswered = 0;
  const loops = clients.map(async (ds, c) => {
    for (let k = 0; running; k++) {
      const t0 = performance.now();
      // A record `has` (HEAD, the record's read rule) is answered by the server; the event between
      // two of them is checked by the plugin on the way (its answer is the next `has`).
      if (k % 2 === 1) ds.event.emit(`bench/c${c}`, { k });
      const ok = await Promise.race([ds.record.has(`bench/c${c}/r${k % 8}`).then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000))]);
      if (!ok) unanswered++;
      else answered++;
      longestMs = Math.max(longestMs, performance.now() - t0);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { answered, longestMs, unanswered };
    },
  };
}

export async function benchReloadStall(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('7. Hot reload: event-loop stall while a 1 MiB rules file reloads');
  const big = maxSizeFile();
  const bigPath = join(ctx.dir, 'big.yml');
  writeFileSync(bigPath, big.text);
  const runs = ctx.quick ? 2 : 4;
  const rows: string[][] = [];
  const stalls: number[] = [];
  const results: ServerResult[] = [];
  for (let r = 0; r < runs; r++) {
    const permissions = join(ctx.dir, `rules-${r}.yml`);
    writeFileSync(permissions, SMALL);
    ctx.log(`7. run ${r + 1}/${runs}: starting a server`);
    const server = await startServer(permissions);
    const clients: DeepstreamClient[] = [];
    try {
      for (let c = 0; c < 4; c++) clients.push(await connect(`127.0.0.1:${server.port}/deepstream`, `c${c}`));
      // Warm-up: the first requests of each connection are not part of the reload.
      await Promise.all(clients.map((ds) => ds.record.has('bench/warm')));
      ctx.log(`7. run ${r + 1}/${runs}: reloading ${(big.text.length / 1024).toFixed(0)} KiB (${big.rules.toLocaleString('en')} rules) while 4 clients send`);
      const sending = keepSending(clients);
      const result = await server.reload(bigPath);
      const seen = await sending.stop();
      // The big file is in force: it denies every event publish.
      const denied = await new Promise<boolean>((resolve) => {
        const ds = clients[0];
        ds.on('error', (_m: unknown, event: string) => event === 'MESSAGE_DENIED' && resolve(true));
        ds.event.emit('bench/after', {});
        setTimeout(() => resolve(false), 5000);
      });
      results.push(result);
      stalls.push(result.longestGapsMs[0]);
      rows.push([
        String(r + 1),
        fmtMs(result.longestGapsMs[0]),
        fmtMs(result.delayMaxMs),
        fmtMs(result.delayP99Ms),
        result.longestGapsMs.slice(1).map((g) => g.toFixed(0)).join(', '),
        fmtMs(seen.longestMs),
        `${seen.answered}${seen.unanswered ? ` (${seen.unanswered} unanswered)` : ''}`,
        fmtMs(result.reloadMs),
        result.worker > 0 ? 'worker thread' : 'main thread',
        denied ? 'yes' : 'NO',
      ]);
    } finally {
      for (const ds of clients) ds.close();
      await stopServer(server);
    }
  }
  section.tables.push({
    header: ['run', 'longest stall (1 ms timer)', 'loop delay max', 'loop delay p99', 'next longest (ms)', "clients' longest wait", 'answered meanwhile', 'reload took', 'compiled on', 'new rules in force'],
    right: [1, 2, 3, 5, 6, 7],
    rows,
  });
  const worst = Math.max(...stalls);
  section.notes.push(
    `The file: bench/lib/rules.ts \`compileFile(${big.rules})\`, ${big.text.length.toLocaleString('en')} characters (maxFileSize is ${COMPILE_LIMITS.maxFileSize.toLocaleString('en')}): record patterns \`{word}{i}/$a/x/$b\` with read/write/create/delete rules cycling through eight shapes, a regex \`match\` among them. The server (bench/reload-stall-server.ts, ${RUNS_AS}) reloads through the plugin's reload(), the path a settled file change takes; 4 clients send a record \`has\` after another (an event publish between two), the whole time. "Longest stall": the longest gap between two ticks of a 1 ms timer in the server from the start of the reload to 200 ms after it; "loop delay": perf_hooks.monitorEventLoopDelay (1 ms resolution) over the same time. Median of the runs' longest stalls: ${fmtMs(median(stalls))}.`,
  );
  ctx.report.target('(7) reload stall', 'a 1 MiB rules file reloads with no event-loop stall over 20 ms', worst < 20, fmtMs(worst));
}

// `npx tsx bench/reload-stall.ts`: this benchmark alone.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'valve-bench-'));
  const report = new Report();
  const quick = process.argv.includes('--quick');
  try {
    await benchReloadStall({ report, quick, timing: { runs: 1, warmup: 0, runMs: 0 }, dir, log: (m) => process.stderr.write(`[bench] ${m}\n`) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const s of report.sections) process.stdout.write(`${sectionText(s)}\n`);
  for (const t of report.targets) process.stdout.write(`\n${t.id}: ${t.text}: ${t.measured} (${t.met ? 'met' : 'MISSED'})\n`);
}
