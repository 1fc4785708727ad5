/**
 * Benchmark 3: cross-reference checks. One rule with two independent `_()` and one nested
 * (`_('team/' + _('profile/' + user.id).teamId)`), records served from memory, without and with
 * an artificial 1 ms latency per load; checks per second (many checks in flight, as a server has)
 * and the rounds of loads each check used. Ours loads the independent references of a round
 * together; upstream (deepstream's Valve, for comparison) loads one record per run of the rule,
 * so it is run with maxRuleIterations raised until it can decide at all.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type CheckRequest, type Decision } from '../index.js';
import type { BenchContext } from './lib/context.js';
import { makeServices, RuleApplication, serverMessage, serverSocket, upstreamPlugin } from './lib/deepstream.js';
import { compareAsync, fmtRate, fmtRatio, pairedRatio, spread, type AsyncContender } from './lib/measure.js';
import { CROSS_REF_RULE, crossRefFile, crossRefRecords } from './lib/rules.js';

const ROOMS = 20;
const USERS = 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `total` tasks with at most `width` in flight. */
async function pool(total: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, worker));
}

export async function benchCrossRef(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('3. Cross-reference checks (two independent `_()` and one nested)');
  const text = crossRefFile();
  const path = join(ctx.dir, 'crossref.yml');
  writeFileSync(path, text);
  const records = crossRefRecords(ROOMS, USERS);
  const width = 64;
  const requests: CheckRequest[] = [];
  for (let u = 0; u < USERS; u++) for (let r = 0; r < ROOMS; r++) requests.push({ type: 'record', action: 'read', name: `room/r${r}/msg/m${u}`, user: { id: `u${u}` }, messageAction: 'READ' });
  const rows: string[][] = [];
  const rates = new Map<string, number>();
  for (const latency of [0, 1]) {
    ctx.log(`3. cross-references, ${latency} ms load latency`);
    const n = ctx.quick ? (latency ? 400 : 2000) : latency ? 4000 : 20000;
    const loadRecord = latency === 0 ? (name: string) => records.get(name) ?? null : async (name: string) => (await sleep(latency), records.get(name) ?? null);
    const engine = createEngine({ rules: { text, file: path }, loadRecord });
    // Expected decisions and rounds, from one pass.
    const expected = await Promise.all(requests.map((r) => engine.check(r) as Promise<Decision>));
    if (expected.some((d) => d.error !== undefined)) throw new Error(`cross-references: ${expected.find((d) => d.error)!.error}`);
    const roundCounts = new Map<number, number>();
    for (const d of expected) roundCounts.set(d.rounds, (roundCounts.get(d.rounds) ?? 0) + 1);
    const rounds = [...roundCounts].sort((a, b) => b[0] - a[0]).map(([k, v]) => `${k} (${((100 * v) / expected.length).toFixed(0)}%)`).join(', ');
    const allowedShare = expected.filter((d) => d.allowed).length / expected.length;

    // Upstream with the same rules and records (cache service answering after the same latency).
    const services = makeServices(records, latency);
    const upstream = upstreamPlugin(text, services, { maxRuleIterations: 10 });
    const sockets = new Map(requests.map((r) => [r.user!.id, serverSocket(services, r.user!.id)]));
    let runs = 0;
    const originalRun = RuleApplication.prototype.run;
    const upstreamDecide = (r: CheckRequest): Promise<boolean> =>
      new Promise((resolve) => upstream.canPerformAction(sockets.get(r.user!.id)!, serverMessage({ section: 'record', action: 'READ', name: r.name! }) as never, (_s, _m, _p, e, ok) => resolve(e === null && ok === true), null));
    // Count upstream's rule runs (one per record load, plus the last) through its own method.
    RuleApplication.prototype.run = function (this: unknown, ...a: unknown[]) {
      runs++;
      return originalRun.apply(this, a);
    };
    let upstreamRuns: number;
    try {
      for (const [i, r] of requests.entries()) {
        if ((await upstreamDecide(r)) !== expected[i].allowed) throw new Error(`cross-references: upstream disagrees on ${r.name} for ${r.user!.id}`);
      }
      upstreamRuns = runs / requests.length;
    } finally {
      RuleApplication.prototype.run = originalRun;
    }
    const contenders: AsyncContender[] = [
      {
        name: 'ours',
        run: async (count) => {
          let a = 0;
          await pool(count, width, async (i) => {
            if ((await engine.check(requests[i % requests.length])).allowed) a++;
          });
          return a;
        },
      },
      {
        name: 'upstream',
        run: async (count) => {
          let a = 0;
          await pool(count, width, async (i) => {
            if (await upstreamDecide(requests[i % requests.length])) a++;
          });
          return a;
        },
      },
    ];
    const samples = await compareAsync(contenders, n, { runs: ctx.quick ? 2 : 5, warmup: 1 });
    await upstream.close();
    const ours = samples.get('ours')!;
    const up = samples.get('upstream')!;
    rates.set(`ours-${latency}`, pairedRatio(ours, up));
    rates.set(`upstream-${latency}`, 1);
    const load = latency === 0 ? 'in memory' : `in memory + ${latency} ms per load`;
    rows.push([load, 'ours', fmtRate(ours.median), spread(ours), rounds, `${(allowedShare * 100).toFixed(0)}%`, fmtRatio(pairedRatio(ours, up))]);
    rows.push([load, 'upstream (maxRuleIterations 10)', fmtRate(up.median), spread(up), `${upstreamRuns.toFixed(1)} rule runs`, '', '1.00×']);
  }
  section.tables.push({ header: ['records', 'engine', 'checks/s', 'spread', 'rounds per check', 'allowed', 'vs upstream'], right: [2, 3, 6], rows });
  section.notes.push(
    `Rule: \`${CROSS_REF_RULE}\` (record read, ${requests.length} distinct requests over ${ROOMS} rooms × ${USERS} users, ${64} checks in flight). Ours loads \`room/…\`, \`member/…\` and \`profile/…\` in round 1 and \`team/…\` in round 2 (a check whose membership is inactive is decided after round 1).`,
    'Ours gets records through the engine\'s `loadRecord` (a Map lookup; with latency, a promise resolved after a 1 ms timer); upstream through its record handler and the server\'s LocalCache (with latency, the cache answers after a 1 ms timer). Upstream needs one run of the rule per record (it stops at the first missing one) and so more than its default 3 iterations: with the default it denies this rule.',
  );
  ctx.report.headline.set('xref-mem', rates.get('ours-0')! / rates.get('upstream-0')!);
  ctx.report.headline.set('xref-1ms', rates.get('ours-1')! / rates.get('upstream-1')!);
}
