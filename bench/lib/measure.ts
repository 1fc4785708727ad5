/**
 * Timing: every figure is the median of several timed runs after warm-up runs. Contenders of one
 * comparison are run interleaved (run 1 of each, then run 2 of each, …), so a burst of load on
 * this shared machine hits them alike rather than one of them.
 */

export interface Sample {
  /** Operations per second: median of the runs, and the slowest and fastest run. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const sample = (runs: number[]): Sample => ({ median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs });

export interface SyncContender {
  readonly name: string;
  /**
   * Performs `n` operations; returns a checksum (e.g. how many were allowed) so no work is
   * optimised away. May return a promise (a contender that yields to the event loop between
   * batches, as a server does between socket reads); the time until it settles is measured.
   */
  readonly run: (n: number) => number | Promise<number>;
  /** Called before each timed run (not timed), e.g. to empty a cache. */
  readonly before?: () => void;
  /** Largest batch (e.g. the number of distinct inputs prepared). */
  readonly maxBatch?: number;
}

export interface Timing {
  readonly runs: number;
  readonly warmup: number;
  /** Target duration of one timed run. */
  readonly runMs: number;
}

/** Lets the event loop turn (microtasks and immediates queued by a run drain before the next one). */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function timed(c: SyncContender, n: number): Promise<number> {
  c.before?.();
  const t0 = performance.now();
  const r = c.run(n);
  if (r instanceof Promise) await r;
  const dt = performance.now() - t0;
  await turn();
  return dt;
}

/** Batch size so one run of `c` takes about `ms`. */
async function calibrate(c: SyncContender, ms: number): Promise<number> {
  let n = 1;
  const max = c.maxBatch ?? 1 << 26;
  for (;;) {
    const dt = await timed(c, n);
    if (dt >= ms / 4 || n >= max) return Math.min(max, Math.max(1, Math.round((n * ms) / Math.max(dt, 0.001))));
    n = Math.min(n * 4, max);
  }
}

/** Interleaved, warmed-up, median operations per second of each contender. */
export async function compareSync(contenders: readonly SyncContender[], timing: Timing): Promise<Map<string, Sample>> {
  const sizes: number[] = [];
  for (const c of contenders) sizes.push(await calibrate(c, timing.runMs));
  const results = contenders.map(() => [] as number[]);
  for (let r = 0; r < timing.warmup + timing.runs; r++) {
    for (const [i, c] of contenders.entries()) {
      const dt = await timed(c, sizes[i]);
      if (r >= timing.warmup) results[i].push((sizes[i] * 1000) / dt);
    }
  }
  return new Map(contenders.map((c, i) => [c.name, sample(results[i])]));
}

export interface AsyncContender {
  readonly name: string;
  /** Performs `n` operations (it chooses its own concurrency). */
  readonly run: (n: number) => Promise<number>;
  readonly before?: () => void;
}

/** As compareSync, for operations that complete asynchronously; `n` is fixed. */
export async function compareAsync(contenders: readonly AsyncContender[], n: number, timing: Omit<Timing, 'runMs'>): Promise<Map<string, Sample>> {
  const results = contenders.map(() => [] as number[]);
  for (let r = 0; r < timing.warmup + timing.runs; r++) {
    for (const [i, c] of contenders.entries()) {
      c.before?.();
      const t0 = performance.now();
      await c.run(n);
      const dt = performance.now() - t0;
      if (r >= timing.warmup) results[i].push((n * 1000) / dt);
    }
  }
  return new Map(contenders.map((c, i) => [c.name, sample(results[i])]));
}

/** Median wall time in ms of `fn` over `runs` runs after `warmup` runs. */
export function timeMs(fn: () => void, runs: number, warmup: number): Sample {
  const times: number[] = [];
  for (let r = 0; r < warmup + runs; r++) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    if (r >= warmup) times.push(dt);
  }
  return sample(times);
}

/**
 * Ratio of two contenders' rates (a / b) as the median of the per-run ratios: runs of one
 * comparison are interleaved, so run i of each saw the same moment of this shared machine.
 */
export function pairedRatio(a: Sample, b: Sample): number {
  const n = Math.min(a.runs.length, b.runs.length);
  return median(Array.from({ length: n }, (_, i) => a.runs[i] / b.runs[i]));
}

/** Spread of a sample as ±% around the median (half the range). */
export const spread = (s: Sample): string => `±${((50 * (s.max - s.min)) / s.median).toFixed(0)}%`;

export const fmtRate = (opsPerSec: number): string =>
  opsPerSec >= 1e6 ? `${(opsPerSec / 1e6).toFixed(2)} M/s` : opsPerSec >= 1e3 ? `${(opsPerSec / 1e3).toFixed(1)} k/s` : `${opsPerSec.toFixed(0)} /s`;

export const fmtNs = (opsPerSec: number): string => {
  const ns = 1e9 / opsPerSec;
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
};

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);

export const fmtRatio = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
