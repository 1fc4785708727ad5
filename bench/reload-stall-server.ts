/**
 * Benchmark 7's server process: deepstream with our plugin on 127.0.0.1 (a free port) and the
 * rules file given, logging off. Prints `READY <port>`. On a line `RELOAD <file>` on its standard
 * input it copies that file over the rules file, reloads (the plugin's reload(), the path a file
 * change takes after the watcher's settle wait) and prints `RESULT <json>`: the longest event-loop
 * stall while reloading, seen by a 1 ms timer and by perf_hooks.monitorEventLoopDelay. Stops when
 * its standard input closes.
 */
import { copyFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startServer } from '../cli/commands/serve.js';

const [permissions] = process.argv.slice(2);

interface PluginLike {
  reload(): Promise<void>;
  /** Absent before issue #13 item 7 (reloads compiled on the main thread). */
  readonly workerCompiles?: number;
}

/** The longest gaps between ticks of a 1 ms interval timer: what a client waiting on the server waits at worst. */
function gapMonitor(): { stop(): number[] } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    if (now - last > 15) process.stderr.write(`PROF gap ${(now - last).toFixed(1)} at ${now.toFixed(0)}\n`);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      gaps.push(performance.now() - last);
      return gaps.sort((a, b) => b - a).slice(0, 5);
    },
  };
}

async function main(): Promise<void> {
  const running = await startServer({ permissions, port: 0, host: '127.0.0.1', watch: false, logLevel: 'OFF' });
  const plugin = (running.server.getServices().permission as { plugin?: PluginLike }).plugin;
  if (!plugin) throw new Error('the permission plugin is not the Valve plugin');
  process.stdout.write(`READY ${running.port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const m = /^RELOAD (.+)$/.exec(line);
    if (!m) return;
    void (async () => {
      copyFileSync(m[1], permissions);
      const before = plugin.workerCompiles ?? 0;
      const delay = monitorEventLoopDelay({ resolution: 1 });
      const gaps = gapMonitor();
      delay.enable();
      const t0 = performance.now();
      await plugin.reload();
      const reloadMs = performance.now() - t0;
      // Turns right after the swap (the old rules becoming garbage) count too.
      await new Promise((r) => setTimeout(r, 200));
      delay.disable();
      const longest = gaps.stop();
      process.stdout.write(
        `RESULT ${JSON.stringify({ reloadMs, longestGapsMs: longest, delayMaxMs: delay.max / 1e6, delayP99Ms: delay.percentile(99) / 1e6, worker: (plugin.workerCompiles ?? 0) - before })}\n`,
      );
    })().catch((e: unknown) => process.stdout.write(`FAILED ${e instanceof Error ? e.message : String(e)}\n`));
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

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
