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
import { ANONYMOUS_ID } from '../compiler/scope.js';
import { createEngine, type CheckRequest, type Engine } from '../index.js';
import type { BenchContext } from './lib/context.js';
import { requestFor } from '../adapters/deepstream/plugin.js';
import { makeServices, oursPlugin, resetUpstreamCache, serverMessage, serverSocket, unparse, upstreamPlugin, type Plugin } from './lib/deepstream.js';
import { floorExamples, floorGenerated, floorRepresentative } from './lib/floor.js';
import { compareSync, fmtNs, fmtRate, fmtRatio, pairedRatio, spread, turn, type Sample, type SyncContender } from './lib/measure.js';
import { distinctNames, engineRequest, EXAMPLES_MIX, GENERATED_MIX, REPRESENTATIVE_MIX, TRAFFIC, trafficMix, ZIPF_POPULATION, type MixEntry, type Traffic } from './lib/mix.js';
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
    if (!s) sockets.set(u.id, (s = serverSocket(services, u.id === ANONYMOUS_ID ? undefined : u.id, u.data)));
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
  maxBatch: p.requests.length > 1000 ? p.requests.length : undefined,
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

const pluginContender = (name: string, plugin: Plugin, p: Prepared, before?: () => void): SyncContender => {
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
    maxBatch: p.messages.length > 1000 ? p.messages.length : undefined,
    ...(before ? { before } : {}),
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
  maxBatch: p.requests.length > 1000 ? p.requests.length : undefined,
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
    const user = r.user ?? { id: ANONYMOUS_ID, data: null };
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
      return expr({ name: r.name ?? '', user: { id: r.user?.id ?? ANONYMOUS_ID, data: r.user?.data ?? null }, data: r.data ?? null }) === true;
    } catch {
      return false;
    }
  };
}

// ── the benchmark ────────────────────────────────────────────────────────────────────

/** Requests per unique or Zipf mix: a timed run replays at most this many, so no name repeats in a unique run. */
const POOL = { full: 100_000, quick: 12_000 };

const TRAFFIC_LABEL: Readonly<Record<Traffic, string>> = { unique: 'unique names', zipf: 'Zipf names', repeated: 'repeated names' };

interface MixedContender {
  readonly name: string;
  /** The contender on one prepared mix. */
  readonly make: (p: Prepared, traffic: Traffic) => SyncContender;
  /** Its decision for request i of a prepared mix (checked against ours before timing). */
  readonly decide?: (p: Prepared, i: number) => boolean;
}

/** `name|traffic` → sample: every contender on every mix, all interleaved in one comparison. */
type Results = Map<string, Sample>;

/**
 * Prepares the three mixes of `mix`, checks that every contender agrees with ours on every
 * request of each, and times them all interleaved (run i of every contender and mix together).
 */
async function measureMixes(ctx: BenchContext, label: string, mix: readonly MixEntry[], services: unknown, engine: Engine, contenders: readonly MixedContender[]): Promise<{ results: Results; prepared: Map<Traffic, Prepared> }> {
  const pool = ctx.quick ? POOL.quick : POOL.full;
  const prepared = new Map<Traffic, Prepared>();
  for (const traffic of TRAFFIC) {
    const entries = traffic === 'repeated' ? [...mix] : trafficMix(mix, traffic, pool);
    if (traffic === 'unique' && distinctNames(entries) !== entries.length) throw new Error(`${label}: the unique mix repeats a name`);
    const p = prepare(entries, services, engine);
    agree(`${label} (${traffic})`, p, Object.fromEntries(contenders.filter((c) => c.decide).map((c) => [c.name, (i: number) => c.decide!(p, i)])));
    prepared.set(traffic, p);
  }
  const timed: SyncContender[] = [];
  for (const traffic of TRAFFIC) for (const c of contenders) timed.push({ ...c.make(prepared.get(traffic)!, traffic), name: `${c.name}|${traffic}` });
  return { results: await compareSync(timed, ctx.timing), prepared };
}

const allowedShare = (p: Prepared): string => `${Math.round((100 * p.expected.filter(Boolean).length) / p.expected.length)}%`;

/** One table: a row per contender, per mix its rate (± spread) and its ratio to upstream run for run. */
function mixTable(title: string, names: readonly string[], r: Results, prepared: Map<Traffic, Prepared>): { header: string[]; right: number[]; rows: string[][] } {
  const get = (name: string, t: Traffic): Sample => r.get(`${name}|${t}`)!;
  return {
    header: [title, ...TRAFFIC.flatMap((t) => [`${TRAFFIC_LABEL[t]}, checks/s (${allowedShare(prepared.get(t)!)} allowed)`, 'vs upstream'])],
    right: TRAFFIC.flatMap((_, i) => [1 + 2 * i, 2 + 2 * i]),
    rows: names.map((name) => [name, ...TRAFFIC.flatMap((t) => [`${fmtRate(get(name, t).median)} ${spread(get(name, t))}`, fmtRatio(pairedRatio(get(name, t), get(UPSTREAM, t)))])]),
  };
}

const ENGINE = 'ours, engine API';
const PLUGIN = 'ours, deepstream plugin';
const UPSTREAM = 'upstream ConfigPermission';
const FLOOR = 'floor (hand-written JS)';

/** The four contenders of every file: ours (engine API and plugin), upstream, the floor. */
function coreContenders(engine: Engine, ours: Plugin, upstream: Plugin, floor: (r: CheckRequest) => boolean): MixedContender[] {
  // Upstream keeps every name it has seen (for 60 s): on unique and Zipf traffic its cache is
  // emptied before each run, or names from the previous run would be hits.
  const reset = (t: Traffic): (() => void) | undefined => (t === 'repeated' ? undefined : () => resetUpstreamCache(upstream));
  return [
    { name: ENGINE, make: (p) => engineContender(ENGINE, engine, p) },
    { name: PLUGIN, make: (p) => pluginContender(PLUGIN, ours, p), decide: (p, i) => pluginDecides(ours, p.sockets[i], p.messages[i]) },
    { name: UPSTREAM, make: (p, t) => pluginContender(UPSTREAM, upstream, p, reset(t)), decide: (p, i) => pluginDecides(upstream, p.sockets[i], p.messages[i]) },
    { name: FLOOR, make: (p) => fnContender(FLOOR, floor, p), decide: (p, i) => floor(p.requests[i]) },
  ];
}

export async function benchThroughput(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('1. Check throughput (no cross-references)');
  const services = makeServices();
  const files = [
    { label: 'examples/permissions.yml', text: readFileSync(EXAMPLES, 'utf8'), mix: EXAMPLES_MIX, floor: floorExamples },
    { label: 'generated, 100 patterns', text: generated100(), mix: GENERATED_MIX, floor: floorGenerated },
  ];
  const ratios: { label: string; ratio: (a: string, b: string, t: Traffic) => number }[] = [];
  const plugins: Plugin[] = [];
  for (const [k, f] of files.entries()) {
    ctx.log(`1. throughput on ${f.label} (unique, Zipf and repeated names)`);
    const path = join(ctx.dir, `throughput-${k}.yml`);
    writeFileSync(path, f.text);
    const engine = createEngine({ rules: { text: f.text, file: path } });
    const ours = await oursPlugin(path, services);
    const upstream = upstreamPlugin(f.text, services);
    plugins.push(ours, upstream);
    const { results, prepared } = await measureMixes(ctx, f.label, f.mix, services, engine, coreContenders(engine, ours, upstream, f.floor));
    section.tables.push(mixTable(`${f.label} (mix of ${f.mix.length} requests)`, [ENGINE, PLUGIN, UPSTREAM, FLOOR], results, prepared));
    ratios.push({ label: f.label, ratio: (a, b, t) => pairedRatio(results.get(`${a}|${t}`)!, results.get(`${b}|${t}`)!) });
  }

  ctx.log('1. representative rule: ours, upstream, floor, cedar-wasm, cel-js');
  const repText = representativeFile();
  const repPath = join(ctx.dir, 'representative.yml');
  writeFileSync(repPath, repText);
  const repEngine = createEngine({ rules: { text: repText, file: repPath } });
  const repOurs = await oursPlugin(repPath, services);
  const repUpstream = upstreamPlugin(repText, services);
  plugins.push(repOurs, repUpstream);
  const cedarDecide = cedarDecider();
  const celDecide = celDecider();
  const cedarName = `@cedar-policy/cedar-wasm ${cedar.getCedarVersion()}`;
  const celName = '@marcbachmann/cel-js';
  const rep = await measureMixes(ctx, 'representative rule', REPRESENTATIVE_MIX, services, repEngine, [
    ...coreContenders(repEngine, repOurs, repUpstream, floorRepresentative),
    { name: cedarName, make: (p) => fnContender(cedarName, cedarDecide, p), decide: (p, i) => cedarDecide(p.requests[i]) },
    { name: celName, make: (p) => fnContender(celName, celDecide, p), decide: (p, i) => celDecide(p.requests[i]) },
  ]);
  for (const pl of plugins) await pl.close();
  section.tables.push(mixTable(`representative rule (event broadcast/* publish, ${REPRESENTATIVE_MIX.length} requests)`, [ENGINE, PLUGIN, UPSTREAM, FLOOR, cedarName, celName], rep.results, rep.prepared));

  // Ratios and targets, per mix.
  const lines = ratios.map((r) => ({
    label: r.label,
    per: new Map(TRAFFIC.map((t) => [t, { eu: r.ratio(ENGINE, UPSTREAM, t), pu: r.ratio(PLUGIN, UPSTREAM, t), fo: r.ratio(FLOOR, ENGINE, t), fu: r.ratio(FLOOR, UPSTREAM, t) }])),
  }));
  section.tables.push({
    header: ['file', ...TRAFFIC.map((t) => `engine / upstream, ${t}`), ...TRAFFIC.map((t) => `plugin / upstream, ${t}`), ...TRAFFIC.map((t) => `floor / engine, ${t}`)],
    right: Array.from({ length: 9 }, (_, i) => i + 1),
    rows: lines.map((l) => [l.label, ...(['eu', 'pu', 'fo'] as const).flatMap((k) => TRAFFIC.map((t) => fmtRatio(l.per.get(t)![k])))]),
  });
  const pool = ctx.quick ? POOL.quick : POOL.full;
  section.notes.push(
    `Ours runs as ${RUNS_AS}.`,
    `Three mixes of the same requests (sections, actions, users and payloads in the same order): **unique names**, every request a name not used before in its run (${pool.toLocaleString('en')} requests, e.g. \`user/alice\` becomes \`user/alice41\`, \`user/alice53\`, …: a number appended to the name's last segment, or put in its \`$variable\` segment where the last one is literal, so the same pattern decides it); **Zipf names**, each request's number drawn by Zipf's law (exponent 1) from ${ZIPF_POPULATION.toLocaleString('en')} per entry; **repeated names**, the mix's own names over and over. Names are made before timing; a run of a unique or Zipf mix replays at most its ${pool.toLocaleString('en')} requests, from the first.`,
    'Some decisions differ between the mixes (a number appended to a name can change what a rule says, e.g. `$topic !== \'closed\'`): each header gives the share allowed.',
    'Every contender gave every request of each mix the same decision (checked before timing).',
    "Upstream's name → rule cache keeps every name for 60 s: it is emptied before each run of the unique and Zipf mixes (else the previous run's names would be hits), not for the repeated mix. Ours keeps no names (issue #14: its memo of recent names cost more than it saved on unique names).",
    'All contenders and mixes of one table run interleaved; ratios ("vs upstream" and the table of ratios) are medians of per-run ratios: run i of each met the same load on this shared machine.',
    `The plugins get messages in batches of ${BATCH} with the event loop turning between batches (as between a server's socket reads; the turn is in the timed figure for both plugins).`,
    'The engine API and the floor take requests whose payload is already an object; both plugins get the server\'s message objects, whose payload is JSON text that the plugin parses where it needs it (`parsedData` is cleared before every check, as for a new message). Upstream parses only when the rule text mentions `data`; ours parses every write/publish/request payload.',
    `cedar-wasm: the rule as a Cedar policy (\`resource.name like "broadcast/*" && principal.role == "admin" && ["info","warning"].contains(context.data.severity)\`), preparsed once, \`statefulIsAuthorized\` per check, the request turned into principal/resource entities and a context each time. cel-js: \`${CEL_EXPRESSION}\`, parsed once, evaluated per check; an evaluation error (missing key) denies.`,
  );
  // Targets are judged on the unique-name mix (real traffic), the worst file each time.
  const at = (t: Traffic, k: 'eu' | 'pu' | 'fo' | 'fu'): number[] => lines.map((l) => l.per.get(t)![k]);
  const eu = Math.min(...at('unique', 'eu'));
  const pu = Math.min(...at('unique', 'pu'));
  const fo = Math.max(...at('unique', 'fo'));
  // How fast the floor itself is against upstream on the engine's worst file: the ceiling of (1).
  const fu = lines.find((l) => l.per.get('unique')!.eu === eu)!.per.get('unique')!.fu;
  ctx.report.target('(1) engine vs upstream', '≥ 5× upstream (engine API, unique names, worst file)', eu >= 5, `${fmtRatio(eu)} (the floor there: ${fmtRatio(fu)})`);
  ctx.report.target('(1) plugin vs upstream', '≥ 3× upstream (plugin, same messages, unique names, worst file)', pu >= 3, fmtRatio(pu));
  ctx.report.target('(1) floor', 'within 1.5× of the floor (floor / ours engine ≤ 1.5, unique names, worst file)', fo <= 1.5, `${fmtRatio(fo)} (floor/ours)`);
  const repR = (a: string, b: string): number => pairedRatio(rep.results.get(`${a}|unique`)!, rep.results.get(`${b}|unique`)!);
  const vsCedar = repR(ENGINE, cedarName);
  const vsCel = repR(ENGINE, celName);
  ctx.report.target('(1) peers', 'ahead of cedar-wasm and cel-js (representative rule, unique names)', vsCedar > 1 && vsCel > 1, `${fmtRatio(vsCedar)} cedar-wasm, ${fmtRatio(vsCel)} cel-js`);
  await pluginBreakdown(ctx, section, services);
  ctx.report.headline.set('engine/upstream', eu);
  ctx.report.headline.set('plugin/upstream', pu);
  ctx.report.headline.set('floor/ours', fo);
  ctx.report.headline.set('floor/upstream', fu);
  ctx.report.headline.set('engine/upstream-repeated', Math.min(...at('repeated', 'eu')));
  ctx.report.headline.set('engine/upstream-zipf', Math.min(...at('zipf', 'eu')));
  ctx.report.headline.set('ours/cedar', vsCedar);
  ctx.report.headline.set('ours/cel', vsCel);
}

/**
 * Where our plugin's time goes before the engine is called, measured here: turning a publish
 * message into a request (adapters/deepstream/messages.ts requestFor, payload parse included), the
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
