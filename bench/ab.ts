/**
 * Before/after in one process: two builds of Valve (each a tsc output directory holding
 * index.js and engine/matcher.js — or runtime/matcher.js, the layout before issue 18 — e.g.
 * bench/.build/dist of two checkouts) measured
 * interleaved on the same requests, so the ratio between them survives a loaded machine.
 *
 *   tsx bench/ab.ts BEFORE_DIST AFTER_DIST [--quick]
 *
 * Prints: engine API checks/s on the unique, Zipf and repeated mixes of benchmark 1 (both files),
 * and PatternList lookups of names never seen before with 10 and 10,000 patterns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckRequest, Engine } from '../index.js';
import type { PatternList as List, Selectable } from '../engine/matcher.js';
import { compareSync, fmtRate, fmtRatio, pairedRatio, spread, type SyncContender } from './lib/measure.js';
import { engineRequest, EXAMPLES_MIX, GENERATED_MIX, TRAFFIC, trafficMix } from './lib/mix.js';
import { ROOT } from './lib/paths.js';
import { deepName, generated100, scalingPattern } from './lib/rules.js';
import { parsePattern } from '../grammar/pattern.js';
import { runMain } from './lib/main.js';

const [beforeDir, afterDir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');
if (!beforeDir || !afterDir) {
  process.stderr.write('usage: tsx bench/ab.ts BEFORE_DIST AFTER_DIST [--quick]\n');
  process.exit(2);
}
const timing = quick ? { runs: 5, warmup: 1, runMs: 40 } : { runs: 15, warmup: 3, runMs: 100 };
const POOL = quick ? 12_000 : 100_000;

interface Build {
  readonly label: string;
  readonly createEngine: (o: { rules: { text: string; file: string } }) => Engine;
  readonly PatternList: new (items: readonly Selectable[]) => List<Selectable>;
}

async function load(label: string, dir: string): Promise<Build> {
  const base = pathToFileURL(resolve(dir)).href;
  const index = (await import(`${base}/index.js`)) as { createEngine: Build['createEngine'] };
  const where = existsSync(join(resolve(dir), 'engine', 'matcher.js')) ? 'engine' : 'runtime';
  const matcher = (await import(`${base}/${where}/matcher.js`)) as { PatternList: Build['PatternList'] };
  return { label, createEngine: index.createEngine, PatternList: matcher.PatternList };
}

function engineRun(name: string, engine: Engine, requests: readonly CheckRequest[]): SyncContender {
  return {
    name,
    maxBatch: requests.length > 1000 ? requests.length : undefined,
    run: (n) => {
      let a = 0;
      for (let i = 0, j = 0; i < n; i++, j = j + 1 === requests.length ? 0 : j + 1) if ((engine.check(requests[j]) as { allowed: boolean }).allowed) a++;
      return a;
    },
  } as SyncContender;
}

async function main(): Promise<void> {
  const builds = [await load('before', beforeDir), await load('after', afterDir)];
  const files = [
    { label: 'examples/permissions.yml', text: readFileSync(join(ROOT, 'examples', 'permissions.yml'), 'utf8'), mix: EXAMPLES_MIX },
    { label: 'generated, 100 patterns', text: generated100(), mix: GENERATED_MIX },
  ];
  for (const f of files) {
    const contenders: SyncContender[] = [];
    for (const t of TRAFFIC) {
      const requests = (t === 'repeated' ? [...f.mix] : trafficMix(f.mix, t, POOL)).map(engineRequest);
      for (const b of builds) contenders.push(engineRun(`${b.label}|${t}`, b.createEngine({ rules: { text: f.text, file: f.label } }), requests));
    }
    const r = await compareSync(contenders, timing);
    process.stdout.write(`\n${f.label}, engine API\n`);
    for (const t of TRAFFIC) {
      const a = r.get(`before|${t}`)!;
      const b = r.get(`after|${t}`)!;
      process.stdout.write(`  ${t.padEnd(9)} before ${fmtRate(a.median).padStart(10)} ${spread(a).padStart(5)}   after ${fmtRate(b.median).padStart(10)} ${spread(b).padStart(5)}   after/before ${fmtRatio(pairedRatio(b, a))}\n`);
    }
  }
  // The matcher alone: names never seen before (builds before issue #14 kept a memo of 1,024), 10 and 10,000 patterns.
  const names = Array.from({ length: POOL }, (_, i) => deepName(i % 10, i));
  const lookups: SyncContender[] = [];
  for (const size of [10, 10_000]) {
    const items: Selectable[] = [{ pattern: '*', order: 0, parts: [{ kind: 'wildcard' }] }];
    for (let i = 0; i < size; i++) {
      const text = scalingPattern(i);
      items.push({ pattern: text, order: i + 1, parts: parsePattern(text, () => {})!.parts });
    }
    // The names hit 10 patterns spread over the section (pattern k·size/10), as in benchmark 2.
    const spreadNames = names.map((_, i) => deepName(Math.floor(((i % 10) * size) / 10), i));
    for (const b of builds) {
      const list = new b.PatternList(items);
      lookups.push({
        name: `${b.label}|${size}`,
        maxBatch: POOL,
        run: (n) => {
          let hit = 0;
          for (let i = 0; i < n; i++) if (list.match(spreadNames[i])!.vars.length === 2) hit++;
          return hit;
        },
      });
    }
  }
  const r = await compareSync(lookups, timing);
  process.stdout.write('\nPatternList lookup, names never seen before (a deep pattern with two $variables)\n');
  for (const b of builds) {
    const ten = r.get(`${b.label}|10`)!;
    const big = r.get(`${b.label}|10000`)!;
    process.stdout.write(`  ${b.label.padEnd(6)} 10 patterns ${fmtRate(ten.median).padStart(10)} ${spread(ten).padStart(5)}   10,000 patterns ${fmtRate(big.median).padStart(10)} ${spread(big).padStart(5)}   time 10,000 / 10 ${fmtRatio(pairedRatio(ten, big))}\n`);
  }
  process.stdout.write(`  after/before: 10 patterns ${fmtRatio(pairedRatio(r.get('after|10')!, r.get('before|10')!))}, 10,000 patterns ${fmtRatio(pairedRatio(r.get('after|10000')!, r.get('before|10000')!))}\n`);
}

runMain(main);
