/**
 * Benchmark 7's server process: deepstream with our plugin on 127.0.0.1 (a free port) and the
 * rules file given, logging off. Prints `READY <port>`. On a line `RELOAD <how> <file>` on its
 * standard input it copies that file over the rules file, reloads it and prints `RESULT <json>`:
 * the longest event-loop stalls while reloading, seen by a 1 ms timer and by
 * perf_hooks.monitorEventLoopDelay (and, on Linux, how long the main thread ran within the
 * longest), and where the time went. `<how>`:
 *
 * - `worker`: the plugin's reload(), the path a settled file change takes (compiled in the
 *   worker thread, loaded back a slice per turn, swapped in);
 * - `main`: what a reload did before issue #13 item 7, all on the event loop: read the file,
 *   compile() it, engine.replace().
 *
 * `IDLE <ms>` measures the same for that long with no reload (the noise of a busy machine).
 * Stops when its standard input closes.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startServer } from '../cli/commands/serve.js';
import { hasErrors } from '../grammar/diagnostic.js';
import type { Engine } from '../engine/create.js';
import type { ReloadTiming } from '../adapters/deepstream/plugin.js';
import { compile } from '../engine/rules-module.js';
import { errorText } from '../grammar/text.js';
import { runMain } from './lib/main.js';

const [permissions] = process.argv.slice(2);

interface PluginLike {
  reload(): Promise<void>;
  readonly workerCompiles: number;
  readonly lastReload?: ReloadTiming;
  /** Private in the plugin: the `main` reload swaps through it as the plugin's reload used to. */
  readonly engine?: Engine;
}

/** The reload before issue #13 item 7 (adapters/deepstream/plugin.ts reloadNow at d6f24cd), timed. */
async function reloadOnMainThread(plugin: PluginLike): Promise<ReloadTiming> {
  const source = await readFile(permissions, 'utf8');
  const t0 = performance.now();
  const { diagnostics, module } = compile(source, { file: permissions });
  const compileMs = performance.now() - t0;
  if (!module || hasErrors(diagnostics)) throw new Error(`${permissions} does not compile`);
  if (!plugin.engine) throw new Error('the plugin has no engine');
  const t1 = performance.now();
  plugin.engine.replace(module);
  return { compiledOn: 'main', compileMs, turns: 0, longestTurnMs: 0, swapMs: performance.now() - t1 };
}

/**
 * Nanoseconds the main thread has run on a CPU (Linux: /proc's schedstat for the thread whose
 * id is the process id); undefined elsewhere. A gap between timer ticks is the event loop's
 * own work only as far as the thread ran: on a loaded machine it also waits for a CPU.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
function onCpuNs(): number | undefined {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

interface Gaps {
  /** The five longest gaps between ticks of a 1 ms timer, longest first. */
  readonly longestGapsMs: number[];
  /** The longest time the main thread ran within one gap (undefined off Linux). */
  readonly longestOnCpuMs?: number;
}

/** Gaps between ticks of a 1 ms interval timer: what a client waiting on the server waits at worst. */
function gapMonitor(): { stop(): Gaps } {
  const gaps: number[] = [];
  let longestOnCpu: number | undefined;
  let last = performance.now();
  let lastCpu = onCpuNs();
  const tick = (): void => {
    const now = performance.now();
    const cpu = onCpuNs();
    gaps.push(now - last);
    if (cpu !== undefined && lastCpu !== undefined) longestOnCpu = Math.max(longestOnCpu ?? 0, (cpu - lastCpu) / 1e6);
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(tick, 1);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { longestGapsMs: gaps.sort((a, b) => b - a).slice(0, 5), ...(longestOnCpu !== undefined ? { longestOnCpuMs: longestOnCpu } : {}) };
    },
  };
}

/** Runs `work` with both monitors on, and 200 ms after it (turns right after a swap count too). */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; delayMaxMs: number } & Gaps> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const gaps = gapMonitor();
  delay.enable();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  delay.disable();
  return { result, ms, delayMaxMs: delay.max / 1e6, ...gaps.stop() };
}

async function main(): Promise<void> {
  const running = await startServer({ permissions, port: 0, host: '127.0.0.1', watch: false, logLevel: 'OFF' });
  const plugin = (running.server.getServices().permission as { plugin?: PluginLike }).plugin;
  if (!plugin) throw new Error('the permission plugin is not the Valve plugin');
  process.stdout.write(`READY ${running.port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    void (async () => {
      // IDLE <ms>: the same measurement with no reload, for the machine's own noise.
      const idle = /^IDLE (\d+)$/.exec(line);
      if (idle) {
        const m = await measured(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), Number(idle[1]))));
        process.stdout.write(`RESULT ${JSON.stringify({ reloadMs: m.ms, longestGapsMs: m.longestGapsMs, longestOnCpuMs: m.longestOnCpuMs, delayMaxMs: m.delayMaxMs })}\n`);
        return;
      }
      const m = /^RELOAD (main|worker) (.+)$/.exec(line);
      if (!m) return;
      copyFileSync(m[2], permissions);
      const before = plugin.workerCompiles;
      const r = await measured(async (): Promise<ReloadTiming | undefined> => {
        if (m[1] === 'main') return reloadOnMainThread(plugin);
        await plugin.reload();
        return plugin.lastReload;
      });
      if (m[1] === 'worker' && (plugin.workerCompiles !== before + 1 || r.result?.compiledOn !== 'worker')) throw new Error('the reload was not compiled in the worker thread');
      process.stdout.write(`RESULT ${JSON.stringify({ reloadMs: r.ms, longestGapsMs: r.longestGapsMs, longestOnCpuMs: r.longestOnCpuMs, delayMaxMs: r.delayMaxMs, timing: r.result })}\n`);
    })().catch((e: unknown) => process.stdout.write(`FAILED ${errorText(e)}\n`));
  });
  const stop = async (): Promise<void> => {
    const timer = setTimeout(() => process.exit(0), 3000);
    await running.stop().catch(() => undefined);
    clearTimeout(timer);
    process.exit(0);
  };
  lines.on('close', () => void stop());
  process.once('SIGTERM', () => void stop());
}

runMain(main);
