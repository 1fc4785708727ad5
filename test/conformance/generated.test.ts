/**
 * Generated conformance: fast-check builds random rule files and messages (generate.ts), both
 * engines decide, and every difference must be explained by a section 7 row (classify.ts) or be
 * an open finding already pinned by a failing corpus case (known.ts). Anything else fails and
 * fast-check shrinks it to a minimal file and message.
 *
 * CONFORMANCE_RUNS sets the number of generated files (default 2000); CONFORMANCE_SEED replays a run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RUNS, SEED, runGenerated, type GeneratedStats } from './generated-run.js';

describe('generated rule files decide as upstream does', () => {
  let stats: GeneratedStats | undefined;

  it(`${RUNS} generated files: every difference is a section 7 row or a pinned open finding`, async () => {
    stats = await runGenerated(RUNS, SEED);
    expect(stats.files).toBeGreaterThanOrEqual(RUNS);
    // The generator must exercise real decisions, not only files both refuse.
    expect(stats.agreed).toBeGreaterThan(stats.checks / 2);
    expect(stats.agreedAllowed).toBeGreaterThan(stats.agreed / 10);
  }, 600_000);

  afterAll(() => {
    if (!stats) return;
    const rows = Object.entries(stats.byRow).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
    const known = Object.entries(stats.known).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
    process.stdout.write(`\nconformance (generated): ${stats.files} files, ${stats.checks} checks in ${(stats.ms / 1000).toFixed(1)} s; agreed ${stats.agreed} (${stats.agreedAllowed} allowed), both refused the file ${stats.bothRejected}; section 7 differences: ${rows}; open findings: ${known}\n`);
  });
});
