/**
 * Benchmark 7: how long a hot reload holds up the server (issue #13, item 7). A real deepstream
 * server with our plugin runs in its own process (bench/reload-stall-server.ts) on a small rules
 * file; real clients keep sending requests (record `has` and event publishes, each checked by the
 * plugin) while the rules file is replaced, again and again, by a valid rules file just under the
 * compiler's maxFileSize (1 MiB: thousands of patterns and rules, a regex in a quarter of them)
 * and reloaded, then by the small file again. Each reload of the big file is measured in the
 * server: the longest gap between ticks of a 1 ms timer and monitorEventLoopDelay's maximum,
 * over the whole reload; and in the clients: the longest wait for an answer meanwhile. Once
 * compiled as reloads were before (`main`: on the event loop), once as now (`worker`).
 *
 * `npx tsx bench/reload-stall.ts [--quick]` runs it and prints the table (not part of bench/run.ts).
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
import { connect, stopServer } from './lib/servers.js';
import { Report, sectionText } from './lib/report.js';
import { compileFile } from './lib/rules.js';
import type { ReloadTiming } from '../adapters/deepstream/plugin.js';

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

type How = 'main' | 'worker';

interface ServerResult {
  readonly reloadMs: number;
  readonly longestGapsMs: number[];
  /** How long the main thread ran within the longest gap of all (Linux only). */
  readonly longestOnCpuMs?: number;
  readonly delayMaxMs: number;
  /** Absent for IDLE. */
  readonly timing?: ReloadTiming;
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  /** `RELOAD`, or with `how` undefined `IDLE 3000` (the same measurement, no reload). */
  command(line: string): Promise<ServerResult>;
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
            command: (command) =>
              new Promise((done, failed) => {
                waiting = (l) => (l.startsWith('RESULT ') ? done(JSON.parse(l.slice(7)) as ServerResult) : failed(new Error(l)));
                child.stdin!.write(`${command}\n`);
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

/** Publishes an event and tells whether the server denied it (the big file denies every publish). */
function publishDenied(ds: DeepstreamClient, name: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const onError = (_m: unknown, event: string): void => {
      if (event !== 'MESSAGE_DENIED') return;
      clearTimeout(timer);
      ds.off('error', onError);
      resolve(true);
    };
    const timer = setTimeout(() => {
      ds.off('error', onError);
      resolve(false);
    }, 3000);
    ds.on('error', onError);
    ds.event.emit(name, {});
  });
}

const HOW: Record<How, string> = { main: 'before: on the event loop', worker: 'now: worker thread' };

const cpu = (r: ServerResult): string => (r.longestOnCpuMs !== undefined ? fmtMs(r.longestOnCpuMs) : 'n/a');

export async function benchReloadStall(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('7. Hot reload: event-loop stall while a 1 MiB rules file reloads');
  const big = maxSizeFile();
  const bigPath = join(ctx.dir, 'big.yml');
  const smallPath = join(ctx.dir, 'small.yml');
  writeFileSync(bigPath, big.text);
  writeFileSync(smallPath, SMALL);
  const runs = ctx.quick ? 2 : 5;
  const rows: string[][] = [];
  const stalls: Record<How, number[]> = { main: [], worker: [] };
  const idle: number[] = [];
  const loadBack: number[] = [];
  for (const how of ['main', 'worker'] as const) {
    const permissions = join(ctx.dir, `rules-${how}.yml`);
    writeFileSync(permissions, SMALL);
    ctx.log(`7. ${how}: starting a server`);
    const server = await startServer(permissions);
    const clients: DeepstreamClient[] = [];
    try {
      for (let c = 0; c < 4; c++) clients.push(await connect(`127.0.0.1:${server.port}/deepstream`, `c${c}`));
      // Warm-up: the first requests of each connection are not part of the reload.
      await Promise.all(clients.map((ds) => ds.record.has('bench/warm')));
      {
        // The same clients and monitors for 3 s with no reload: what this machine's load alone does.
        const sending = keepSending(clients);
        const result = await server.command('IDLE 3000');
        const seen = await sending.stop();
        idle.push(result.longestGapsMs[0]);
        rows.push(['no reload (3 s)', '', fmtMs(result.longestGapsMs[0]), cpu(result), fmtMs(result.delayMaxMs), fmtMs(seen.longestMs), String(seen.answered), '', '', '', '', '']);
      }
      for (let r = 0; r < runs; r++) {
        ctx.log(`7. ${how} ${r + 1}/${runs}: reloading ${(big.text.length / 1024).toFixed(0)} KiB (${big.rules.toLocaleString('en')} rules) while 4 clients send`);
        const sending = keepSending(clients);
        const result = await server.command(`RELOAD ${how} ${bigPath}`);
        const seen = await sending.stop();
        const inForce = await publishDenied(clients[0], `bench/after${r}`);
        // Back to the small file (not measured): the next run replaces it with the big one again.
        await server.command(`RELOAD ${how} ${smallPath}`);
        const t = result.timing!;
        stalls[how].push(result.longestGapsMs[0]);
        if (how === 'worker') loadBack.push(t.longestTurnMs, t.swapMs);
        rows.push([
          HOW[how],
          String(r + 1),
          fmtMs(result.longestGapsMs[0]),
          cpu(result),
          fmtMs(result.delayMaxMs),
          fmtMs(seen.longestMs),
          `${seen.answered}${seen.unanswered ? ` (${seen.unanswered} unanswered)` : ''}`,
          fmtMs(t.compileMs),
          how === 'worker' ? `${t.turns} × ≤ ${fmtMs(t.longestTurnMs)}` : '–',
          fmtMs(t.swapMs),
          fmtMs(result.reloadMs),
          inForce ? 'yes' : 'NO',
        ]);
      }
    } finally {
      for (const ds of clients) ds.close();
      await stopServer(server);
    }
  }
  section.tables.push({
    header: ['compiled', 'run', 'longest stall (1 ms timer)', 'main thread on CPU in a stall', 'loop delay max', "clients' longest wait", 'answered meanwhile', 'compile', 'loaded back (turns × longest)', 'swap (engine.replace)', 'reload took', 'new rules in force'],
    right: [1, 2, 3, 4, 5, 6, 7, 9, 10],
    rows,
  });
  const worst = Math.max(...stalls.worker);
  section.notes.push(
    `The file: bench/lib/rules.ts \`compileFile(${big.rules})\`, ${big.text.length.toLocaleString('en')} characters (maxFileSize is ${COMPILE_LIMITS.maxFileSize.toLocaleString('en')}): record patterns \`{word}{i}/$a/x/$b\` with read/write/create/delete rules cycling through eight shapes, a regex \`match\` among them. One server (bench/reload-stall-server.ts, ${RUNS_AS}) per way of compiling; the rules file is replaced by the big file and reloaded, then by the small one again, ${runs} times. "before": read, compile() and engine.replace() on the event loop, as reloads were before issue #13 item 7; "now": the plugin's reload(), the path a settled file change takes. 4 clients send a record \`has\` after another (an event publish between two), the whole time. "Longest stall": the longest gap between two ticks of a 1 ms timer in the server from the start of the reload to 200 ms after it; "main thread on CPU": the longest time the server's main thread actually ran within one gap (Linux schedstat, which the kernel updates at its own ticks, so it can read a few ms more than the gap; the rest of a gap the thread waited for a CPU, which the machine's other load decides); "loop delay": perf_hooks.monitorEventLoopDelay (1 ms resolution) over the same time. "no reload": the same for 3 s without one. Median longest stall: no reload ${fmtMs(median(idle))}, before ${fmtMs(median(stalls.main))}, now ${fmtMs(median(stalls.worker))}; the longest main-thread turn of loading the worker's result back (making rules and pattern lists, or the swap): ${fmtMs(Math.max(...loadBack))}.`,
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
