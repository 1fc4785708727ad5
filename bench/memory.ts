/**
 * Benchmark 5: memory. Heap after 1,000,000 checks over 1,000,000 distinct record names, ours
 * (engine API and deepstream plugin) vs upstream, each in its own child process started with
 * --expose-gc so every reading follows a full GC of a heap holding nothing else (bench/memory-child.ts).
 */
import { spawn } from 'node:child_process';
import type { BenchContext } from './lib/context.js';
import { fmtRatio } from './lib/measure.js';
import { ROOT, script } from './lib/paths.js';


interface ChildResult {
  readonly who: string;
  readonly count: number;
  readonly allowed: number;
  readonly baseline: number;
  readonly points: readonly { checks: number; heap: number }[];
  readonly seconds: number;
}

function runChild(who: string, count: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...script('memory-child'), who, String(count)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`memory child ${who} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 2 ** 20).toFixed(2)} MiB`;

export async function benchMemory(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('5. Memory (heap after N checks over N distinct record names)');
  const count = ctx.quick ? 50_000 : 1_000_000;
  const results: ChildResult[] = [];
  for (const who of ['ours-engine', 'ours-plugin', 'upstream']) {
    ctx.log(`5. memory: ${who}, ${count.toLocaleString('en')} checks`);
    const r = await runChild(who, count);
    if (r.allowed !== count) throw new Error(`memory: ${who} allowed ${r.allowed} of ${count} reads`);
    results.push(r);
  }
  const growth = (r: ChildResult): number => r.points[r.points.length - 1].heap - r.baseline;
  /** Growth over the last 90% of the run: a bounded cache fills in the first tenth. */
  const late = (r: ChildResult): number => r.points[r.points.length - 1].heap - r.points[0].heap;
  section.tables.push({
    header: ['contender', 'heap before', `heap after ${(count / 10).toLocaleString('en')}`, `heap after ${count.toLocaleString('en')}`, 'growth', `growth ${(count / 10).toLocaleString('en')} → ${count.toLocaleString('en')}`, 'bytes per name', 'checks/s'],
    right: [1, 2, 3, 4, 5, 6, 7],
    rows: results.map((r) => [
      r.who === 'ours-engine' ? 'ours, engine API' : r.who === 'ours-plugin' ? 'ours, deepstream plugin' : 'upstream ConfigPermission',
      mib(r.baseline),
      mib(r.points[0].heap),
      mib(r.points[r.points.length - 1].heap),
      signedMib(growth(r)),
      signedMib(late(r)),
      (growth(r) / count).toFixed(1),
      `${((count / r.seconds) / 1000).toFixed(0)} k/s`,
    ]),
  });
  section.tables.push({
    header: ['checks', ...results.map((r) => r.who)],
    right: [0, 1, 2, 3],
    rows: results[0].points.map((p, i) => [p.checks.toLocaleString('en'), ...results.map((r) => mib(r.points[i].heap))]),
  });
  const ours = results.filter((r) => r.who.startsWith('ours'));
  const worstLate = Math.max(...ours.map(late));
  const up = results.find((r) => r.who === 'upstream')!;
  section.notes.push(
    `Each contender in its own \`node --expose-gc\` child; heap = \`process.memoryUsage().heapUsed\` after two full GCs, before the first check (after 10,000 warm-up checks on other names) and after every ${(count / 10).toLocaleString('en')} checks. Checks: record reads \`user/u0\` … \`user/u${count - 1}\` on examples/permissions.yml (\`user/$userId\`), all allowed. "checks/s" includes the ten GCs.`,
    `Ours keeps at most 1,024 recent names per section and action (rule selection memo, two generations of 512); upstream keeps every name it has seen in its rule cache until the cache's sweep (every 60 s by default, a name is dropped when it was not used for a whole interval), so it grows with the number of distinct names in a minute: ${signedMib(growth(up))} here.`,
  );
  ctx.report.target('(5) flat memory', `ours: heap growth from ${(count / 10).toLocaleString('en')} to ${count.toLocaleString('en')} checks under 1 MiB (engine API and plugin)`, worstLate < 2 ** 20, `${signedMib(worstLate)} (upstream ${signedMib(late(up))})`);
  ctx.report.headline.set('mem-ours', Math.max(...ours.map(growth)));
  ctx.report.headline.set('mem-upstream', growth(up));
  void fmtRatio;
}
