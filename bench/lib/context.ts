/** What every benchmark gets: the report, the mode's sizes and timings, a scratch folder. */
import type { Timing } from './measure.js';
import type { Report } from './report.js';

export interface BenchContext {
  readonly report: Report;
  readonly quick: boolean;
  /** Sync micro-benchmarks: runs, warm-up runs, duration of one run. */
  readonly timing: Timing;
  /** Scratch folder for rule files (removed at the end). */
  readonly dir: string;
  /** Progress line on stderr. */
  log(message: string): void;
}
