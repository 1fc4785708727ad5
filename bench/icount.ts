/**
 * A fixed workload for instruction counts (issue #14 items 1-3): wall-clock is noise on a shared
 * machine, instructions are not. Builds the engine (or our deepstream plugin) on a benchmark file
 * and runs N checks of its unique-name mix after a fixed warm-up; the names are made up front for
 * the largest N, so two runs differ only in the checks. Per-check cost is the difference of two runs:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node bench/.build-X/dist/bench/icount.js N [engine|plugin] [examples|generated]
 *
 * run with two N, (I(N2) − I(N1)) / (N2 − N1). bench/icount.sh does both runs for a build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../index.js';
import { engineRequest, EXAMPLES_MIX, GENERATED_MIX, trafficMix } from './lib/mix.js';
import { makeServices, oursPlugin, serverMessage, serverSocket } from './lib/deepstream.js';
import { ROOT } from './lib/paths.js';
import { generated100 } from './lib/rules.js';
import { runMain } from './lib/main.js';
import { ANONYMOUS_ID } from '../compiler/scope.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const WARMUP = 20_000;
/** Names made up front (setup, the same for every N): enough for N up to POOL − WARMUP. */
const POOL = 140_000;
/**
 * Check k's request: past the pool (long profiling runs) the names come round again, still
 * unique as far as the matcher's memo of 1,024 recent names can tell.
 */
const at = (k: number): number => (k < POOL ? k : WARMUP + ((k - WARMUP) % (POOL - WARMUP)));

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const mode = process.argv[3] ?? 'engine';
  const which = process.argv[4] ?? 'examples';
  if (!(n >= 0) || (mode !== 'engine' && mode !== 'plugin')) throw new Error('usage: icount.js N [engine|plugin] [examples|generated]');
  const text = which === 'generated' ? generated100() : readFileSync(join(ROOT, 'examples', 'permissions.yml'), 'utf8');
  const mix = trafficMix(which === 'generated' ? GENERATED_MIX : EXAMPLES_MIX, 'unique', POOL);
  let allowed = 0;
  if (mode === 'engine') {
    const engine = createEngine({ rules: { text, file: 'permissions.yml' } });
    const requests = mix.map(engineRequest);
    const run = (from: number, count: number): void => {
      for (let k = from; k < from + count; k++) if ((engine.check(requests[at(k)]) as { allowed: boolean }).allowed) allowed++;
    };
    run(0, WARMUP);
    run(WARMUP, n);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'valve-icount-'));
    const path = join(dir, 'permissions.yml');
    writeFileSync(path, text);
    const services = makeServices();
    const plugin = await oursPlugin(path, services);
    const sockets = new Map<string, ReturnType<typeof serverSocket>>();
    const socketOf = (u: (typeof mix)[number]['user']): ReturnType<typeof serverSocket> => {
      let s = sockets.get(u.id);
      if (!s) sockets.set(u.id, (s = serverSocket(services, u.id === ANONYMOUS_ID ? undefined : u.id, u.data)));
      return s;
    };
    const messages = mix.map((e) => serverMessage(e.wire));
    const socks = mix.map((e) => socketOf(e.user));
    const callback = (_s: unknown, _m: unknown, _p: unknown, error: string | null, ok: boolean): void => {
      if (error === null && ok === true) allowed++;
    };
    const run = (from: number, count: number): void => {
      for (let k = from; k < from + count; k++) {
        const i = at(k);
        // a new message: its payload is parsed again (as the benchmark's plugin contender does)
        messages[i].parsedData = undefined;
        plugin.canPerformAction(socks[i], messages[i] as never, callback as never, null);
      }
    };
    run(0, WARMUP);
    run(WARMUP, n);
    await plugin.close();
  }
  process.stdout.write(`${mode} ${which} n=${n} allowed=${allowed}\n`);
}

runMain(main);
