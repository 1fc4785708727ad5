/**
 * Benchmark 2: lookup scaling. A record section of 10, 100, 1,000 and 10,000 patterns
 * (`{word}{n}/i/$itemId/r/$revId`, spread over shared prefixes); time per check for names
 * that hit a deep pattern and for names that share a prefix with the patterns but only hit `*`.
 * The names of a run are all distinct and upstream's name → rule cache is emptied before each
 * run (it keeps every name for 60 s); ours keeps at most 1,024 recent names, fewer than a run uses. So
 * the lookup itself is measured, not a cache. The names hit 10 patterns spread evenly over the
 * section at every size (pattern k·size/10), so each size runs the same number of distinct rule
 * functions, equally warm: what grows with the section is the lookup, not the JIT's work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type CheckRequest } from '../index.js';
import type { BenchContext } from './lib/context.js';
import { makeServices, oursPlugin, resetUpstreamCache, serverMessage, serverSocket, upstreamPlugin, type Plugin } from './lib/deepstream.js';
import { compareSync, fmtNs, fmtRatio, pairedRatio, spread, type Sample, type SyncContender } from './lib/measure.js';
import { batches } from './throughput.js';
import { deepName, scalingFile, starName } from './lib/rules.js';

const USER = { id: 'alice', isAuthenticated: true, data: { role: 'member' } };
const CONTENDERS = ['ours, engine API', 'ours, deepstream plugin', 'upstream ConfigPermission'] as const;
type Kind = 'deep' | 'star';
/** Distinct patterns the names hit, at every size. */
const TARGETS = 10;

export async function benchScaling(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('2. Lookup scaling (patterns in one section)');
  const sizes = ctx.quick ? [10, 100, 1000] : [10, 100, 1000, 10000];
  const poolSize = ctx.quick ? 10_000 : 50_000;
  const services = makeServices();
  const socket = serverSocket(services, USER.id, USER.data);
  const perSize = new Map<number, Map<string, Sample>>();
  for (const size of sizes) {
    ctx.log(`2. lookup scaling: ${size} patterns`);
    const text = scalingFile(size);
    const path = join(ctx.dir, `scaling-${size}.yml`);
    writeFileSync(path, text);
    const engine = createEngine({ rules: { text, file: path } });
    const upstream = upstreamPlugin(text, services);
    const ours = await oursPlugin(path, services);
    const contenders: SyncContender[] = [];
    let serial = 0;
    for (const kind of ['deep', 'star'] as const) {
      const target = (n: number): number => Math.floor(((n % TARGETS) * size) / TARGETS);
      const names = Array.from({ length: poolSize }, () => (kind === 'deep' ? deepName(target(serial), serial++) : starName(target(serial), serial++)));
      const requests: CheckRequest[] = names.map((name) => ({ type: 'record', action: 'read', name, user: USER, messageAction: 'READ' }));
      const messages = names.map((name) => serverMessage({ section: 'record', action: 'READ', name }));
      // Sanity: a deep name is decided by its own pattern, a `*` name by the root; upstream agrees.
      for (let i = 0; i < 5; i++) {
        const d = engine.check(requests[i]);
        if (d instanceof Promise || d.allowed !== true || (kind === 'deep') !== (d.pattern !== '*')) throw new Error(`scaling: ours decided ${names[i]} by ${d instanceof Promise ? 'a load' : d.pattern}`);
        let up: boolean | undefined;
        upstream.canPerformAction(socket, messages[i] as never, (_s, _m, _p, e, ok) => (up = e === null && ok === true), null);
        if (up !== true) throw new Error(`scaling: upstream said ${String(up)} for ${names[i]}`);
      }
      contenders.push({
        name: `ours, engine API|${kind}`,
        maxBatch: poolSize,
        run: (n) => {
          let a = 0;
          for (let i = 0; i < n; i++) if ((engine.check(requests[i]) as { allowed: boolean }).allowed) a++;
          return a;
        },
      });
      const pluginC = (label: string, plugin: Plugin, before?: () => void): SyncContender => {
        let a = 0;
        const cb = (_s: unknown, _m: unknown, _p: unknown, e: string | null, ok: boolean): void => {
          if (e === null && ok === true) a++;
        };
        return {
          name: `${label}|${kind}`,
          maxBatch: poolSize,
          ...(before ? { before } : {}),
          run: async (n) => {
            a = 0;
            let i = 0;
            await batches(n, (count) => {
              for (const end = i + count; i < end; i++) plugin.canPerformAction(socket, messages[i] as never, cb as never, null);
            });
            return a;
          },
        };
      };
      contenders.push(pluginC('ours, deepstream plugin', ours), pluginC('upstream ConfigPermission', upstream, () => resetUpstreamCache(upstream)));
    }
    perSize.set(size, await compareSync(contenders, { ...ctx.timing, runMs: Math.min(ctx.timing.runMs, ctx.quick ? 30 : 100) }));
    await ours.close();
    await upstream.close();
  }
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const get = (size: number, name: string, kind: Kind): Sample => perSize.get(size)!.get(`${name}|${kind}`)!;
  const rows: string[][] = [];
  for (const kind of ['deep', 'star'] as const) {
    for (const name of CONTENDERS) {
      rows.push([
        kind === 'deep' ? 'a deep pattern' : 'only `*`',
        name,
        ...sizes.map((s) => `${fmtNs(get(s, name, kind).median)} ${spread(get(s, name, kind))}`),
        fmtRatio(get(first, name, kind).median / get(last, name, kind).median),
      ]);
    }
  }
  section.tables.push({
    header: ['names hitting', 'contender', ...sizes.map((s) => `${s.toLocaleString('en')} patterns`), `time ${last.toLocaleString('en')} / ${first}`],
    right: [2, 3, 4, 5, 6],
    rows,
  });
  const slow = (kind: Kind): number => get(first, 'ours, engine API', kind).median / get(last, 'ours, engine API', kind).median;
  const worst = Math.max(slow('deep'), slow('star'));
  const vsUp = (kind: Kind): number => pairedRatio(get(last, 'ours, engine API', kind), get(last, 'upstream ConfigPermission', kind));
  section.notes.push(
    `Time per check (median, ± half the range of the runs): a record read of a name not seen before, hitting one of ${TARGETS} patterns spread evenly over the section (or, for \`*\`, sharing a prefix with one); the rule is \`user.isAuthenticated && $revId !== '{n}'\` (the root \`*\`: \`user.isAuthenticated\`). The plugins get the server's message objects.`,
    `With ${last.toLocaleString('en')} patterns ours (engine API) checks ${fmtRatio(vsUp('deep'))} as many deep names and ${fmtRatio(vsUp('star'))} as many \`*\` names per second as upstream, which tests the RegExp of every pattern of the section for each new name.`,
  );
  ctx.report.target('(2) lookup scaling', `${last.toLocaleString('en')} patterns within 2× of ${first} (ours, engine API; worse of deep and \`*\` names)`, worst <= 2, `${fmtRatio(worst)} the time`);
  ctx.report.headline.set('scaling', worst);
  ctx.report.headline.set('scaling-vs-upstream', vsUp('deep'));
  ctx.report.headline.set('scaling-size', last);
}
