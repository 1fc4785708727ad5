/**
 * Benchmark 1: check throughput with no cross-references, on examples/permissions.yml and a
 * generated 100-pattern file, for a mix of record read/write, event publish and RPC request:
 * ours through the engine API (compiled module, sync path), ours through our deepstream plugin
 * fed the server's message objects, upstream's ConfigPermission fed the same objects, and the
 * hand-written floor. Then one representative rule alone, adding cedar-wasm and cel-js.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { parse as celParse } from '@marcbachmann/cel-js';
import { createEngine, type CheckRequest, type Engine } from '../index.js';
import type { BenchContext } from './lib/context.js';
import { requestFor } from '../runtime/deepstream.js';
import { makeServices, oursPlugin, serverMessage, serverSocket, unparse, upstreamPlugin, type Plugin } from './lib/deepstream.js';
import { floorExamples, floorGenerated, floorRepresentative } from './lib/floor.js';
import { compareSync, fmtNs, fmtRate, fmtRatio, pairedRatio, spread, turn, type Sample, type SyncContender } from './lib/measure.js';
import { engineRequest, EXAMPLES_MIX, GENERATED_MIX, REPRESENTATIVE_MIX, type MixEntry } from './lib/mix.js';
import { ROOT, RUNS_AS } from './lib/paths.js';
import { generated100, representativeFile } from './lib/rules.js';

const EXAMPLES = join(ROOT, 'examples', 'permissions.yml');

/** Everything a contender needs to replay a mix: client messages and engine requests, side by side. */
interface Prepared {
  readonly requests: CheckRequest[];
  readonly messages: Record<string, unknown>[];
  readonly sockets: ReturnType<typeof serverSocket>[];
  readonly expected: boolean[];
}

function prepare(mix: readonly MixEntry[], services: unknown, engine: Engine): Prepared {
  const sockets = new Map<string, ReturnType<typeof serverSocket>>();
  const socketFor = (u: MixEntry['user']): ReturnType<typeof serverSocket> => {
    let s = sockets.get(u.id);
    if (!s) sockets.set(u.id, (s = serverSocket(services, u.id === 'open' ? undefined : u.id, u.data)));
    return s;
  };
  const requests = mix.map(engineRequest);
  const expected = requests.map((r) => {
    const d = engine.check(r);
    if (d instanceof Promise) throw new Error(`benchmark 1 needs sync checks; ${r.name} loads records`);
    if (d.error !== undefined) throw new Error(`benchmark 1: ${r.name} failed: ${d.error}`);
    return d.allowed;
  });
  return { requests, messages: mix.map((e) => serverMessage(e.wire)), sockets: mix.map((e) => socketFor(e.user)), expected };
}

/** One synchronous decision of a plugin for a message (throws when it does not answer synchronously). */
function pluginDecides(plugin: Plugin, socket: Prepared['sockets'][number], message: Record<string, unknown>): boolean {
  let answer: boolean | undefined;
  unparse(message);
  plugin.canPerformAction(socket, message as never, (_s, _m, _p, error, allowed) => (answer = error === null && allowed === true), null);
  if (answer === undefined) throw new Error(`the plugin did not answer ${String(message.name)} synchronously`);
  return answer;
}

/** Every contender must give every request of the mix the same answer, or the figures mean nothing. */
function agree(label: string, p: Prepared, deciders: Record<string, (i: number) => boolean>): void {
  for (const [who, decide] of Object.entries(deciders)) {
    p.requests.forEach((r, i) => {
      const got = decide(i);
      if (got !== p.expected[i]) throw new Error(`${label}: ${who} says ${got ? 'allow' : 'deny'} for ${r.type} ${r.action} ${r.name} as ${r.user?.id}; ours says ${p.expected[i] ? 'allow' : 'deny'}`);
    });
  }
}

const engineContender = (name: string, engine: Engine, p: Prepared): SyncContender => ({
  name,
  run: (n) => {
    const { requests } = p;
    let allowed = 0;
    for (let i = 0, j = 0; i < n; i++, j = j + 1 === requests.length ? 0 : j + 1) if ((engine.check(requests[j]) as { allowed: boolean }).allowed) allowed++;
    return allowed;
  },
});

/**
 * A plugin fed messages in batches of BATCH, the event loop turning between batches as it does
 * between a server's socket reads (work a plugin defers to callbacks runs there, as in a
 * server, and is timed).
 */
export const BATCH = 64;

/** Runs `n` operations as batches of BATCH (a synchronous function) with a turn of the event loop after each. */
export async function batches(n: number, batch: (count: number) => void): Promise<void> {
  for (let done = 0; done < n; done += BATCH) {
    batch(Math.min(BATCH, n - done));
    await turn();
  }
}

const pluginContender = (name: string, plugin: Plugin, p: Prepared): SyncContender => {
  let allowed = 0;
  const callback = (_s: unknown, _m: unknown, _p: unknown, error: string | null, ok: boolean): void => {
    if (error === null && ok === true) allowed++;
  };
  let j = 0;
  /** One batch, synchronous (the hot loop stays out of the async function: see batches()). */
  const batch = (count: number): void => {
    const { messages, sockets } = p;
    for (let i = 0; i < count; i++, j = j + 1 === messages.length ? 0 : j + 1) {
      const m = messages[j];
      m.parsedData = undefined; // a new message: its payload is parsed again by whoever reads it
      plugin.canPerformAction(sockets[j], m as never, callback as never, null);
    }
  };
  return {
    name,
    run: async (n) => {
      allowed = 0;
      j = 0;
      await batches(n, batch);
      return allowed;
    },
  };
};

const fnContender = (name: string, fn: (r: CheckRequest) => boolean, p: Prepared): SyncContender => ({
  name,
  run: (n) => {
    const { requests } = p;
    let allowed = 0;
    for (let i = 0, j = 0; i < n; i++, j = j + 1 === requests.length ? 0 : j + 1) if (fn(requests[j])) allowed++;
    return allowed;
  },
});

// ── the peers, on the representative rule ─────────────────────────────────────────────

/** Cedar: the rule as a policy; the request becomes principal/action/resource/context and entities. */
const CEDAR_POLICY = `permit (principal, action == Action::"publish", resource)
when {
  resource.name like "broadcast/*" &&
  principal has role && principal.role == "admin" &&
  context.data has severity && ["info", "warning"].contains(context.data.severity)
};`;

function cedarDecider(): (r: CheckRequest) => boolean {
  const parsed = cedar.preparsePolicySet('valve-bench', { staticPolicies: CEDAR_POLICY });
  if (parsed.type !== 'success') throw new Error(`cedar refused the policy: ${JSON.stringify(parsed)}`);
  return (r) => {
    const user = r.user ?? { id: 'open', data: null };
    const name = r.name ?? '';
    const answer = cedar.statefulIsAuthorized({
      principal: { type: 'User', id: user.id },
      action: { type: 'Action', id: r.action },
      resource: { type: 'Topic', id: name },
      context: { data: (r.data ?? {}) as never },
      preparsedPolicySetId: 'valve-bench',
      entities: [
        { uid: { type: 'User', id: user.id }, attrs: (user.data ?? {}) as never, parents: [] },
        { uid: { type: 'Topic', id: name }, attrs: { name }, parents: [] },
      ],
    });
    return answer.type === 'success' && answer.response.decision === 'allow';
  };
}

/** CEL: the rule as one expression, parsed once; an evaluation error (a missing key) denies. */
const CEL_EXPRESSION = `name.startsWith("broadcast/") && user.data != null && user.data.role == "admin" && data.severity in ["info", "warning"]`;

function celDecider(): (r: CheckRequest) => boolean {
  const expr = celParse(CEL_EXPRESSION);
  return (r) => {
    if (r.type !== 'event' || r.action !== 'publish') return false;
    try {
      return expr({ name: r.name ?? '', user: { id: r.user?.id ?? 'open', data: r.user?.data ?? null }, data: r.data ?? null }) === true;
    } catch {
      return false;
    }
  };
}

// ── the benchmark ────────────────────────────────────────────────────────────────────

interface FileResult {
  readonly label: string;
  readonly samples: Map<string, Sample>;
}

const rateRow = (name: string, s: Sample, base: Sample | undefined): string[] => [name, fmtRate(s.median), fmtNs(s.median), spread(s), base ? fmtRatio(pairedRatio(s, base)) : ''];

export async function benchThroughput(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('1. Check throughput (no cross-references)');
  const services = makeServices();
  const files = [
    { label: 'examples/permissions.yml', text: readFileSync(EXAMPLES, 'utf8'), mix: EXAMPLES_MIX, floor: floorExamples },
    { label: 'generated, 100 patterns', text: generated100(), mix: GENERATED_MIX, floor: floorGenerated },
  ];
  const results: FileResult[] = [];
  const plugins: Plugin[] = [];
  for (const [k, f] of files.entries()) {
    ctx.log(`1. throughput on ${f.label}`);
    const path = join(ctx.dir, `throughput-${k}.yml`);
    writeFileSync(path, f.text);
    const engine = createEngine({ rules: { text: f.text, file: path } });
    const ours = await oursPlugin(path, services);
    const upstream = upstreamPlugin(f.text, services);
    plugins.push(ours, upstream);
    const p = prepare(f.mix, services, engine);
    agree(f.label, p, {
      'our plugin': (i) => pluginDecides(ours, p.sockets[i], p.messages[i]),
      upstream: (i) => pluginDecides(upstream, p.sockets[i], p.messages[i]),
      floor: (i) => f.floor(p.requests[i]),
    });
    const samples = await compareSync(
      [engineContender('ours, engine API', engine, p), pluginContender('ours, deepstream plugin', ours, p), pluginContender('upstream ConfigPermission', upstream, p), fnContender('floor (hand-written JS)', f.floor, p)],
      ctx.timing,
    );
    results.push({ label: f.label, samples });
  }

  ctx.log('1. representative rule: ours, upstream, floor, cedar-wasm, cel-js');
  const repText = representativeFile();
  const repPath = join(ctx.dir, 'representative.yml');
  writeFileSync(repPath, repText);
  const repEngine = createEngine({ rules: { text: repText, file: repPath } });
  const repOurs = await oursPlugin(repPath, services);
  const repUpstream = upstreamPlugin(repText, services);
  plugins.push(repOurs, repUpstream);
  const rp = prepare(REPRESENTATIVE_MIX, services, repEngine);
  const cedarDecide = cedarDecider();
  const celDecide = celDecider();
  agree('representative rule', rp, {
    'our plugin': (i) => pluginDecides(repOurs, rp.sockets[i], rp.messages[i]),
    upstream: (i) => pluginDecides(repUpstream, rp.sockets[i], rp.messages[i]),
    floor: (i) => floorRepresentative(rp.requests[i]),
    'cedar-wasm': (i) => cedarDecide(rp.requests[i]),
    'cel-js': (i) => celDecide(rp.requests[i]),
  });
  const rep = await compareSync(
    [
      engineContender('ours, engine API', repEngine, rp),
      pluginContender('ours, deepstream plugin', repOurs, rp),
      pluginContender('upstream ConfigPermission', repUpstream, rp),
      fnContender('floor (hand-written JS)', floorRepresentative, rp),
      fnContender(`@cedar-policy/cedar-wasm ${cedar.getCedarVersion()}`, cedarDecide, rp),
      fnContender('@marcbachmann/cel-js', celDecide, rp),
    ],
    ctx.timing,
  );
  for (const pl of plugins) await pl.close();

  const header = ['contender', 'checks/s', 'per check', 'spread', 'vs upstream'];
  for (const r of results) {
    const up = r.samples.get('upstream ConfigPermission')!;
    section.tables.push({
      header: [`${r.label} (mix of ${r.label.startsWith('examples') ? EXAMPLES_MIX.length : GENERATED_MIX.length} requests)`, ...header.slice(1)],
      right: [1, 2, 3, 4],
      rows: [...r.samples].map(([name, s]) => rateRow(name, s, up)),
    });
  }
  const repUp = rep.get('upstream ConfigPermission')!;
  section.tables.push({
    header: ['representative rule (event broadcast/* publish, 4 requests)', ...header.slice(1)],
    right: [1, 2, 3, 4],
    rows: [...rep].map(([name, s]) => rateRow(name, s, repUp)),
  });

  // Ratios and targets.
  const ratio = (r: FileResult, a: string, b: string): number => pairedRatio(r.samples.get(a)!, r.samples.get(b)!);
  const lines = results.map((r) => {
    const eu = ratio(r, 'ours, engine API', 'upstream ConfigPermission');
    const pu = ratio(r, 'ours, deepstream plugin', 'upstream ConfigPermission');
    const fo = ratio(r, 'floor (hand-written JS)', 'ours, engine API');
    const fu = ratio(r, 'floor (hand-written JS)', 'upstream ConfigPermission');
    return { label: r.label, eu, pu, fo, fu };
  });
  section.tables.push({
    header: ['file', 'ours engine / upstream', 'ours plugin / upstream', 'floor / ours engine'],
    right: [1, 2, 3],
    rows: lines.map((l) => [l.label, fmtRatio(l.eu), fmtRatio(l.pu), fmtRatio(l.fo)]),
  });
  section.notes.push(
    `Ours runs as ${RUNS_AS}.`,
    'Every contender gave every request of each mix the same decision (checked before timing).',
    'Ratios ("vs upstream" and the table of ratios) are medians of per-run ratios: the contenders\' runs are interleaved, so run i of each met the same load on this shared machine.',
    `The plugins get messages in batches of ${BATCH} with the event loop turning between batches (as between a server's socket reads; the turn is in the timed figure for both plugins).`,
    'The engine API and the floor take requests whose payload is already an object; both plugins get the server\'s message objects, whose payload is JSON text that the plugin parses where it needs it (`parsedData` is cleared before every check, as for a new message). Upstream parses only when the rule text mentions `data`; ours parses every write/publish/request payload.',
    `cedar-wasm: the rule as a Cedar policy (\`resource.name like "broadcast/*" && principal.role == "admin" && ["info","warning"].contains(context.data.severity)\`), preparsed once, \`statefulIsAuthorized\` per check, the request turned into principal/resource entities and a context each time. cel-js: \`${CEL_EXPRESSION}\`, parsed once, evaluated per check; an evaluation error (missing key) denies.`,
  );
  const worst = (xs: number[]): number => Math.min(...xs);
  const eu = worst(lines.map((l) => l.eu));
  const pu = worst(lines.map((l) => l.pu));
  const fo = Math.max(...lines.map((l) => l.fo));
  // How fast the floor itself is against upstream on the engine's worst file: the ceiling of (1).
  const fu = lines.find((l) => l.eu === eu)!.fu;
  ctx.report.target('(1) engine vs upstream', '≥ 10× upstream (engine API, worst file)', eu >= 10, `${fmtRatio(eu)} (the floor there: ${fmtRatio(fu)})`);
  ctx.report.target('(1) plugin vs upstream', '≥ 10× upstream (plugin, same messages, worst file)', pu >= 10, fmtRatio(pu));
  ctx.report.target('(1) floor', 'within 2× of the floor (floor / ours engine ≤ 2, worst file)', fo <= 2, `${fmtRatio(fo)} (floor/ours)`);
  const oursRep = rep.get('ours, engine API')!;
  const vsCedar = pairedRatio(oursRep, [...rep].find(([n]) => n.startsWith('@cedar'))![1]);
  const vsCel = pairedRatio(oursRep, rep.get('@marcbachmann/cel-js')!);
  ctx.report.target('(1) peers', 'ahead of cedar-wasm and cel-js (representative rule)', vsCedar > 1 && vsCel > 1, `${fmtRatio(vsCedar)} cedar-wasm, ${fmtRatio(vsCel)} cel-js`);
  await pluginBreakdown(ctx, section, services);
  ctx.report.headline.set('engine/upstream', eu);
  ctx.report.headline.set('plugin/upstream', pu);
  ctx.report.headline.set('floor/ours', fo);
  ctx.report.headline.set('floor/upstream', fu);
  ctx.report.headline.set('ours/cedar', vsCedar);
  ctx.report.headline.set('ours/cel', vsCel);
}

/**
 * Where our plugin's time goes before the engine is called, measured here: turning a publish
 * message into a request (runtime/deepstream-messages.ts requestFor, payload parse included), the
 * parse alone, and the object construction requestFor used before issue #9 (`{ ...base, data }`)
 * against the literal with the same keys it builds now: on Node 20 a spread object that then
 * gets a new key takes a slow path.
 */
async function pluginBreakdown(ctx: BenchContext, section: ReturnType<BenchContext['report']['section']>, services: unknown): Promise<void> {
  const socket = serverSocket(services, 'root', { role: 'admin' });
  const msg = serverMessage({ section: 'event', action: 'EMIT', name: 'broadcast/news', data: { severity: 'info', text: 'maintenance at noon' } });
  const base = { type: 'event', action: 'publish', name: 'broadcast/news', user: { id: 'root', isAuthenticated: true, data: null }, messageAction: 'EMIT' };
  let sink = 0;
  // Objects are kept (in `keep`) so the optimiser can not drop their allocation.
  const keep: unknown[] = new Array(16);
  const samples = [
    { name: 'requestFor(publish message), payload parse included', run: (n: number) => { for (let i = 0; i < n; i++) { msg.parsedData = undefined; if (requestFor(msg as never, socket)) sink++; } return sink; } },
    { name: 'JSON.parse of the same payload alone', run: (n: number) => { for (let i = 0; i < n; i++) if (JSON.parse(msg.data as string)) sink++; return sink; } },
    { name: '`{ ...base, data }` (spread, then a new key: requestFor before #9)', run: (n: number) => { for (let i = 0; i < n; i++) keep[i & 15] = { ...base, data: i }; return sink; } },
    { name: 'literal with the same six keys (requestFor now)', run: (n: number) => { for (let i = 0; i < n; i++) keep[i & 15] = { type: base.type, action: base.action, name: base.name, user: base.user, messageAction: base.messageAction, data: i }; return sink; } },
  ];
  const m = await compareSync(samples, { ...ctx.timing, runs: Math.min(ctx.timing.runs, 5), runMs: Math.min(ctx.timing.runMs, 50) });
  section.tables.push({ header: ['our plugin, before the engine (one publish message)', 'time', 'spread'], right: [1, 2], rows: [...m].map(([name, x]) => [name, fmtNs(x.median), spread(x)]) });
}
