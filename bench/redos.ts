/**
 * Regular expressions (issue #7): how long classic ReDoS patterns take to decide on 100 kB evil
 * inputs, end to end (a compiled rule `data.s.match(/…/) !== null` deciding a record write),
 * next to JavaScript's own backtracking engine on short inputs of the same shape (in a child
 * process with a time limit, since those hang). The tests (test/security/redos.test.ts) only
 * assert that each is denied or rejected; the times are here.
 *
 *   npx tsx bench/redos.ts            # prints the table
 *   npx tsx bench/redos.ts --quick    # fewer runs
 *
 * `benchReDoS(ctx)` follows the other benchmarks (bench/lib): bench/run.ts can list it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Decision } from '../engine/check.js';
import { compile } from '../engine/rules-module.js';
import { REDOS } from '../test/security/redos-patterns.js';
import type { BenchContext } from './lib/context.js';
import { fmtMs, timeMs } from './lib/measure.js';
import { Report, sectionText } from './lib/report.js';

const TARGET_MS = 10;

const file = (rule: string): string =>
  `record:\n  "*":\n    read: true\n    write: ${JSON.stringify(rule)}\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;

/** Milliseconds JavaScript's RegExp needs on `input`, or `> limit` when it did not finish. */
function native(literal: string, input: string, limitMs: number): string {
  const script = `const re = ${literal}; const s = ${JSON.stringify(input)}; const t = performance.now(); re.test(s); process.stdout.write(String(performance.now() - t));`;
  try {
    return fmtMs(Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: limitMs })));
  } catch {
    return `> ${fmtMs(limitMs)}`;
  }
}

export async function benchReDoS(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('ReDoS: classic patterns on 100 kB evil inputs (issue #7)');
  const runs = ctx.quick ? 3 : 9;
  const rows: string[][] = [];
  let worst = 0;
  for (const r of REDOS) {
    ctx.log(`redos ${r.name}`);
    const { module, diagnostics } = compile(file(`data.s.match(${r.literal}) !== null`));
    if (!module) {
      rows.push([r.name, r.literal, `rejected ${diagnostics[0]?.code ?? '?'}`, '-', '-', '-']);
      continue;
    }
    const request = { type: 'record', action: 'write', name: 'r/x', user: { id: 'u' }, data: { s: r.input }, oldData: {} } as const;
    let decision: Decision | undefined;
    const sample = timeMs(() => {
      decision = module.check(request) as Decision;
    }, runs, 1);
    worst = Math.max(worst, sample.median);
    rows.push([
      r.name,
      r.literal.length > 36 ? `${r.literal.slice(0, 35)}…` : r.literal,
      `${decision!.allowed ? 'allow' : 'deny'} ${decision!.reason.code}`,
      fmtMs(sample.median),
      native(r.literal, r.evil(24), 2000),
      native(r.literal, r.evil(32), 2000),
    ]);
  }
  section.tables.push({ header: ['pattern', 'regex', 'Valve decides', 'Valve, 100 kB', 'JS RegExp, n = 24', 'JS RegExp, n = 32'], rows, right: [3, 4, 5] });
  section.notes.push(
    `median of ${runs} runs after one warm-up; VLV0906: the match ran to the end and found nothing; VLV0911: refused by maxRegexWork (input length × program size) without running`,
    're2js is linear in the input but a pure-JavaScript NFA: about 10–100 ns per character and program instruction',
  );
  ctx.report.target('(7) ReDoS', `every classic pattern decided on 100 kB in under ${TARGET_MS} ms`, worst < TARGET_MS, `worst median ${fmtMs(worst)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = mkdtempSync(join(tmpdir(), 'valve-bench-redos-'));
  const report = new Report();
  const started = Date.now();
  try {
    await benchReDoS({
      report,
      quick: process.argv.includes('--quick'),
      timing: { runs: 5, warmup: 1, runMs: 50 },
      dir,
      log: (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}\n`),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const s of report.sections) process.stdout.write(`${sectionText(s)}\n`);
  for (const t of report.targets) process.stdout.write(`\n${t.id}: ${t.text}: ${t.met ? 'met' : 'MISSED'} (${t.measured})\n`);
}
