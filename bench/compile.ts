/**
 * Benchmark 4: compile. Time to parse, check and compile (code generation and instantiation:
 * `compile()` of the package root) files of 100, 1,000 and 10,000 rules, in this process after
 * warm-up; then `valve check` on the 10,000-rule file as a user runs it: a new Node process,
 * start-up included, wall time measured from spawn to exit.
 *
 * The CLI is run from the private build bench/run.ts makes for a full run (tsc of this checkout's
 * sources into bench/.build/dist, bin/valve.js copied to bench/.build/bin): `node
 * bench/.build/bin/valve.js check FILE`, as an installed `valve` runs, without touching dist/.
 * The quick benchmark (no build) runs `node --import tsx cli/main.ts check FILE` (TypeScript
 * compiled at start-up: slower).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compile } from '../index.js';
import type { BenchContext } from './lib/context.js';
import { fmtMs, median, spread, timeMs } from './lib/measure.js';
import { BUILD, BUILT, ROOT } from './lib/paths.js';
import { compileFile } from './lib/rules.js';

export async function benchCompile(ctx: BenchContext): Promise<void> {
  const section = ctx.report.section('4. Compile (parse + check + compile)');
  const sizes = ctx.quick ? [100, 1000] : [100, 1000, 10000];
  const checked = sizes[sizes.length - 1];
  const rows: string[][] = [];
  compile(compileFile(100)); // warm-up: the parser's first run builds its tables
  let bigFile = '';
  for (const size of sizes) {
    ctx.log(`4. compile ${size} rules`);
    const text = compileFile(size);
    const first = compile(text, { file: `rules-${size}.yml` });
    if (!first.module) throw new Error(`compile benchmark: the ${size}-rule file has errors: ${first.diagnostics.find((d) => d.severity === 'error')?.message}`);
    if (first.module.rules.length !== size) throw new Error(`compile benchmark: ${first.module.rules.length} rules, expected ${size}`);
    const runs = ctx.quick ? (size >= 10000 ? 1 : 3) : size >= 10000 ? 3 : 5;
    const s = timeMs(() => void compile(text, { file: `rules-${size}.yml` }), runs, ctx.quick ? 0 : 1);
    rows.push([size.toLocaleString('en'), `${(text.length / 1024).toFixed(0)} KiB`, fmtMs(s.median), spread(s), `${((s.median * 1000) / size).toFixed(0)} µs`]);
    if (size === checked) {
      bigFile = join(ctx.dir, `rules-${size}.yml`);
      writeFileSync(bigFile, text);
    }
  }
  section.tables.push({ header: ['rules', 'file size', 'compile() time', 'spread', 'per rule'], right: [0, 1, 2, 3, 4], rows });

  const cli = BUILT
    ? { command: process.execPath, args: [join(BUILD, 'bin', 'valve.js'), 'check'], how: '`node bench/.build/bin/valve.js check FILE` (the tsc build of this checkout made at the start of the run, launched as an installed `valve` is)' }
    : { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'check'], how: '`node --import tsx cli/main.ts check FILE` (quick mode: no build, TypeScript compiled at start-up)' };
  const runs = ctx.quick ? 1 : 5;
  const walls: number[] = [];
  const floorWalls: number[] = [];
  const emptyWalls: number[] = [];
  let exit: number | null = null;
  let summary = '';
  const floor = jsYamlFloor();
  const timed = (command: string, args: readonly string[]): { wall: number; p: SpawnSyncReturns<string> } => {
    const t0 = performance.now();
    const p = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { wall: performance.now() - t0, p };
  };
  ctx.log(`4. valve check on ${checked.toLocaleString('en')} rules (${runs} runs)`);
  // Alternating runs: on a shared machine the load changes between runs, not within one round.
  for (let r = 0; r < runs + (ctx.quick ? 0 : 1); r++) {
    const { wall, p } = timed(cli.command, [...cli.args, bigFile]);
    exit = p.status;
    summary = (p.stdout.trim().split('\n').pop() ?? '').slice(0, 120);
    const warm = r > 0 || ctx.quick; // the first full run only warms the file system cache
    if (warm) walls.push(wall);
    if (floor) {
      const f = timed(process.execPath, ['-e', floor.script, bigFile]);
      if (f.p.status !== 0) throw new Error(`compile benchmark: js-yaml could not load the file: ${f.p.stderr}`);
      const e = timed(process.execPath, ['-e', '']);
      if (warm) (floorWalls.push(f.wall), emptyWalls.push(e.wall));
    }
  }
  const wall = median(walls);
  const checkRows = [['valve check', checked.toLocaleString('en'), fmtMs(wall), String(walls.length), String(exit), summary]];
  const ratio = floor ? wall / median(floorWalls) : undefined;
  if (floor) {
    const empty = median(emptyWalls);
    checkRows.push([`node + js-yaml ${floor.version} load (the floor)`, checked.toLocaleString('en'), fmtMs(median(floorWalls)), String(floorWalls.length), '0', '']);
    checkRows.push(['node -e \'\' (start-up alone)', '', fmtMs(empty), String(emptyWalls.length), '0', '']);
    section.notes.push(
      `valve check / node + js-yaml: ${ratio!.toFixed(2)}× with Node start-up in both, ${((wall - empty) / Math.max(1, median(floorWalls) - empty)).toFixed(2)}× without (the start-up alone subtracted from both).`,
    );
  }
  section.tables.push({ header: ['command', 'rules', 'wall time (median)', 'runs', 'exit', 'output (last line)'], right: [1, 2, 3, 4], rows: checkRows });
  section.notes.push(
    'Files generated by bench/lib/rules.ts `compileFile`: record patterns `{word}{i}/$a/x/$b` with read/write/create/delete rules cycling through eight realistic shapes (user and role checks, payload fields, a regex `match`, `_()`, `oldData`, `??`, arithmetic), plus the other sections\' root rules. `compile()` = parse, structure and name checks, type checker, lints, code generation and instantiating the rule functions; in-process, after warm-up.',
    `\`valve check\` wall time: ${cli.how}; includes Node start-up, reading the file and printing the report.`,
  );
  // The file is clean: any other exit means the run failed, however fast it was.
  if (checked === 10000 && ratio !== undefined) {
    ctx.report.target('(4) valve check', '10,000 rules checked in at most 3× node + js-yaml loading the same file (Node start-up in both)', exit === 0 && ratio <= 3, exit === 0 ? `${fmtMs(wall)}, ${ratio.toFixed(2)}×` : `exit ${String(exit)}`);
  } else if (checked === 10000) ctx.report.target('(4) valve check', '10,000 rules checked in under 1 s wall (Node start-up included; js-yaml not installed for the 3× floor)', exit === 0 && wall < 1000, exit === 0 ? fmtMs(wall) : `exit ${String(exit)}`);
  else section.notes.push(`Target (4) is for 10,000 rules: not measured in quick mode (${checked.toLocaleString('en')} rules here).`);
  ctx.report.headline.set('check-10k-ms', wall);
}

/**
 * js-yaml, what deepstream loads permission files with, as the floor for `valve check`. Valve does
 * not depend on it; it is measured when installed (here through @deepstream/server's dependency).
 */
function jsYamlFloor(): { script: string; version: string } | undefined {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('js-yaml');
  } catch {
    return undefined;
  }
  const pkg = JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as { version: string };
  // js-yaml 4's load is the safe one; 3 calls it safeLoad.
  const load = pkg.version.startsWith('3.') ? 'safeLoad' : 'load';
  const script = `const y = require(${JSON.stringify(main)}); const d = y.${load}(require('fs').readFileSync(process.argv[1], 'utf8')); if (!d || !d.record) process.exit(1);`;
  return { script, version: pkg.version };
}
