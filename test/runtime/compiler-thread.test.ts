/**
 * Hot reloads compiled off the event loop (issue #13, item 7): the worker thread compiles, the
 * main thread loads its answer back over many event-loop turns, and the rules it builds decide
 * exactly as compile()'s do. Run from the TypeScript sources here (the worker goes through the
 * tsx shim); test/cli/compile-worker-dist.test.ts runs the build's worker.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompilerThread, loadSlices } from '../../adapters/node/compiler-thread.js';
import { ValvePermission, type DeepstreamLogger } from '../../adapters/deepstream/plugin.js';
import type { CheckRequest, Decision } from '../../engine/check.js';
import { compile } from '../../engine/rules-module.js';

const dir = mkdtempSync(join(tmpdir(), 'valve-compiler-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const threads: CompilerThread[] = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.close();
});

/** `n` record patterns with a rule each (a regex in every third), then an event section. */
function bigRules(n: number, publish: boolean): string {
  const lines = ['record:', '  "*": { read: false, write: false }'];
  for (let i = 0; i < n; i++) {
    const rule = i % 3 === 0 ? `"$id.match(/^u${i}-[a-z]+$/) !== null"` : i % 3 === 1 ? `"user.id === $id"` : `"'${i}' !== $id"`;
    const write = i % 3 === 1 ? `"user.id === $id && data.n < ${i}"` : rule;
    lines.push(`  p${i}/$id: { read: ${rule}, write: ${write} }`);
  }
  lines.push('event:', `  "*": { publish: ${publish}, subscribe: true }`, 'rpc:', '  "*": { provide: true, request: true }', 'presence:', '  "*": { allow: true }');
  return `${lines.join('\n')}\n`;
}

const requests = (n: number): CheckRequest[] => {
  const out: CheckRequest[] = [];
  for (let i = 0; i < n; i += 7) {
    for (const id of [`u${i}-abc`, `${i}`, 'alice'])
      out.push({ type: 'record', action: 'read', name: `p${i}/${id}`, user: { id: 'alice', isAuthenticated: true, data: null } }, { type: 'record', action: 'write', name: `p${i}/${id}`, data: { n: 3 }, user: { id, isAuthenticated: true, data: null } });
  }
  out.push({ type: 'record', action: 'read', name: 'nowhere', user: { id: 'a', isAuthenticated: true, data: null } }, { type: 'event', action: 'publish', name: 'x', user: { id: 'a', isAuthenticated: true, data: null } });
  return out;
};

const decided = (d: Decision | Promise<Decision>): Pick<Decision, 'allowed' | 'pattern'> & { code: string } => {
  if (d instanceof Promise) throw new Error('no rule here loads a record');
  return { allowed: d.allowed, pattern: d.pattern, code: d.reason.code };
};

describe('the compile worker', () => {
  it('compiles in the worker, and the rules loaded back decide as compile()\'s do', async () => {
    const text = bigRules(600, false);
    const thread = new CompilerThread();
    threads.push(thread);
    const answer = await thread.compile(text, 'big.yml');
    expect(thread.answered).toBe(1);
    expect(answer.error).toBeUndefined();
    expect(answer.slices!.ends.length).toBeGreaterThan(10);
    const back = await loadSlices('big.yml', answer.slices!);
    const here = compile(text, { file: 'big.yml' }).module!;
    expect(back!.rules.rules.map((r) => `${r.section} ${r.pattern} ${r.action}`)).toEqual(here.rules.map((r) => `${r.section} ${r.pattern} ${r.action}`));
    const all = requests(600);
    expect(all.map((r) => decided(back!.rules.check(r)))).toEqual(all.map((r) => decided(here.check(r))));
    // Both kinds of answer occur: the comparison is not between two all-deny rule sets.
    expect(new Set(all.map((r) => decided(here.check(r)).allowed))).toEqual(new Set([true, false]));
  });

  it('answers a file with errors with its diagnostics and no code', async () => {
    const thread = new CompilerThread();
    threads.push(thread);
    const answer = await thread.compile('record:\n  "*": { read: "nope(" }\n', 'bad.yml');
    expect(answer.slices).toBeUndefined();
    expect(answer.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('loads a big answer back over many event-loop turns, not in one', async () => {
    const thread = new CompilerThread();
    threads.push(thread);
    const answer = await thread.compile(bigRules(1500, false), 'big.yml');
    const back = await loadSlices('big.yml', answer.slices!);
    expect(back!.turns).toBeGreaterThan(5);
  });
});

function memoryLogger(): DeepstreamLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (event: string, message: string) => void lines.push(`${level} ${event} ${message}`);
  return { lines, fatal: at('FATAL'), error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG') };
}

describe("the plugin's reload", () => {
  it('keeps the event loop turning while a big file compiles, then swaps the new rules in', async () => {
    const file = join(dir, 'reload.yml');
    writeFileSync(file, bigRules(20, true));
    const logger = memoryLogger();
    const plugin = new ValvePermission({ permissions: file }, { logger });
    await plugin.whenReady();
    const publish: CheckRequest = { type: 'event', action: 'publish', name: 'x', user: { id: 'a', isAuthenticated: true, data: null } };
    const engine = (plugin as unknown as { engine: { check(r: CheckRequest): Decision } }).engine;
    expect(engine.check(publish).allowed).toBe(true);
    try {
      writeFileSync(file, bigRules(1500, false));
      // Count 1 ms timer ticks, checking with the engine in force at each, until the reload is
      // done (a timer, not setImmediate: a spinning loop would starve the niced worker).
      let done = false;
      let turns = 0;
      const seen = new Set<boolean>();
      const reload = plugin.reload().then(() => (done = true));
      while (!done) {
        await new Promise((r) => setTimeout(r, 1));
        seen.add((plugin as unknown as { engine: { check(r: CheckRequest): Decision } }).engine.check(publish).allowed);
        turns++;
      }
      await reload;
      expect(logger.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
      expect(logger.lines.some((l) => l.includes('rules reloaded'))).toBe(true);
      // Compiled on the event loop, the reload would have let a handful of ticks through (while
      // the file is read); in the worker, the timer keeps ticking for the whole compile.
      expect(turns).toBeGreaterThan(50);
      expect(plugin.workerCompiles).toBe(1);
      expect(plugin.lastReload?.compiledOn).toBe('worker');
      // Every turn saw either the old rules or the new, and the new ones are in force now.
      expect(seen).toEqual(new Set([true, false]));
      expect((plugin as unknown as { engine: { check(r: CheckRequest): Decision } }).engine.check(publish).allowed).toBe(false);
    } finally {
      await plugin.close();
    }
  }, 60_000);
});
