/**
 * The generated conformance run (see generated.test.ts), shared with the report script.
 */
import fc from 'fast-check';
import { compareCheck, describeComparison } from './compare.js';
import { scenarioArb } from './generate.js';
import { knownFinding } from './known.js';
import type { RowId } from './rows.js';

export const RUNS = Number(process.env.CONFORMANCE_RUNS) || 2000;
export const SEED = process.env.CONFORMANCE_SEED === undefined ? undefined : Number(process.env.CONFORMANCE_SEED);

export interface GeneratedStats {
  files: number;
  checks: number;
  agreed: number;
  /** Of the agreed decisions, how many allowed (a generator that only produces denials proves little). */
  agreedAllowed: number;
  bothRejected: number;
  /** Checks of files one side refused and the other loads (each explained by a row, or the run fails). */
  oneSideRefused: number;
  byRow: Partial<Record<RowId, number>>;
  known: Record<string, number>;
  ms: number;
}

export async function runGenerated(runs: number, seed?: number): Promise<GeneratedStats> {
  const stats: GeneratedStats = { files: 0, checks: 0, agreed: 0, agreedAllowed: 0, bothRejected: 0, oneSideRefused: 0, byRow: {}, known: {}, ms: 0 };
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(scenarioArb(2), async ({ checks }) => {
      stats.files++;
      for (const check of checks) {
        const c = await compareCheck(check);
        stats.checks++;
        const loaderProblems = c.problems.filter((p) => p.startsWith('ours decides differently'));
        if (loaderProblems.length) throw new Error(`${loaderProblems.join('\n')}\n${describeComparison(c)}`);
        if (c.agree) {
          if (c.upstream) {
            stats.agreed++;
            if (c.upstream.allowed) stats.agreedAllowed++;
          }
          else stats.bothRejected++;
          continue;
        }
        if (c.explained.length > 0) {
          if (!c.upstream) stats.oneSideRefused++;
          for (const r of c.explained) stats.byRow[r] = (stats.byRow[r] ?? 0) + 1;
          continue;
        }
        const known = knownFinding(c);
        if (known) {
          stats.known[known.id] = (stats.known[known.id] ?? 0) + 1;
          continue;
        }
        throw new Error(`a difference no section 7 row explains:\n${describeComparison(c)}`);
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: false },
  );
  stats.ms = Math.round(performance.now() - started);
  return stats;
}
