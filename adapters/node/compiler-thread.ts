/**
 * The server's side of the compile worker (adapters/node/compile-worker.ts): one worker thread per
 * plugin, started on the first reload and terminated by close(). A reload sends the file's text
 * and gets back diagnostics and generated code; this side only turns that code into rule
 * functions and pattern lists, a few milliseconds per event-loop turn, so no turn holds the
 * loop for long (issue #13, item 7). Node-only.
 *
 * Which file the worker runs: the build's dist/adapters/node/compile-worker.js beside this module, or,
 * when this module is the TypeScript source (a checkout, tests through tsx or vitest), the
 * TypeScript worker through tsx (compile-worker-tsx.mjs), as adapters/deepstream/plugin.cjs does.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../grammar/index.js';
import { RuleSet, RuleSetBuilder, instantiateSource, type RuntimeRule } from '../../engine/index.js';

export interface CompileJob {
  readonly id: number;
  readonly text: string;
  readonly file: string;
  /** `${NAME}` values for path patterns (substituteEnv); absent: patterns as written. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface CompileAnswer {
  readonly id: number;
  readonly diagnostics: Diagnostic[];
  /** Present when the file compiled: the generated code, cut into factories of some of the rules each. */
  readonly slices?: Slices;
  readonly rules?: number;
  /** The compiler failed unexpectedly (a bug): the file is not used. */
  readonly error?: string;
}

const FROM_SOURCE = new URL(import.meta.url).pathname.endsWith('.ts');
const ENTRY = new URL(FROM_SOURCE ? './compile-worker-tsx.mjs' : './compile-worker.js', import.meta.url);

/**
 * Factories `function valveRules(r) { … }`, in file order, as UTF-8 in one buffer: the buffer is
 * transferred, not copied, so receiving megabytes of code costs the event loop nothing; each
 * factory is decoded in the turn that uses it.
 */
export interface Slices {
  readonly bytes: ArrayBuffer;
  /** Where each factory ends in `bytes` (the first starts at 0). */
  readonly ends: readonly number[];
}

/** The worker's side: the factories in one buffer (and the buffer to transfer). */
export function packSlices(code: readonly string[]): Slices {
  const ends: number[] = [];
  let end = 0;
  for (const c of code) ends.push((end += Buffer.byteLength(c)));
  const bytes = new TextEncoder().encode(code.join(''));
  // A fresh encoder buffer spans exactly the text: the whole buffer is the code.
  return { bytes: bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer, ends };
}

const utf8 = new TextDecoder();
const sliceText = (s: Slices, i: number): string => utf8.decode(new Uint8Array(s.bytes, i === 0 ? 0 : s.ends[i - 1], s.ends[i] - (i === 0 ? 0 : s.ends[i - 1])));

export class CompilerThread {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(a: CompileAnswer): void; reject(e: Error): void }>();
  private closed = false;
  /** Jobs answered by the worker (tests and the benchmark check that reloads went through it). */
  answered = 0;

  /** Compiles `text` in the worker; rejects when the worker can not start or dies. */
  compile(text: string, file: string, env?: Readonly<Record<string, string | undefined>>): Promise<CompileAnswer> {
    if (this.closed) return Promise.reject(new Error('the compile worker is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<CompileAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage((env ? { id, text, file, env } : { id, text, file }) satisfies CompileJob);
    });
  }

  /** Terminates the worker; jobs under way reject. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.fail(new Error('the compile worker was closed'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    // execArgv: [] keeps the server's own flags (e.g. --inspect, --cpu-prof) out of the worker.
    const worker = new Worker(ENTRY, { execArgv: [] });
    // The worker never keeps the process alive: a server that stops, stops.
    worker.unref();
    worker.on('message', (answer: CompileAnswer) => {
      const job = this.pending.get(answer.id);
      if (!job) return;
      this.pending.delete(answer.id);
      this.answered++;
      job.resolve(answer);
    });
    const gone = (e: Error): void => {
      if (this.worker === worker) this.worker = undefined; // the next reload starts a new one
      this.fail(e);
    };
    worker.on('error', (e: Error) => gone(e));
    worker.on('exit', (code) => gone(new Error(`the compile worker exited (code ${code})`)));
    return worker;
  }

  private fail(e: Error): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(e);
  }
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Main-thread work per event-loop turn while loading a worker's answer back: well under the
 * 20 ms a client may notice, leaving room for the turn's own I/O.
 */
const TURN_BUDGET_MS = 2;

/** A worker's slices made into a RuleSet, and how the main thread's turns went. */
export interface LoadedBack {
  readonly rules: RuleSet;
  readonly turns: number;
  readonly longestTurnMs: number;
}

/**
 * The RuleSet of every slice, in order, built over many event-loop turns: each turn turns the
 * next slice into rule functions (`new Function` on a few kilobytes of code) or adds rules to
 * the pattern lists, until TURN_BUDGET_MS is spent; I/O runs in between. Undefined when
 * `stop()` said to give up.
 */
export async function loadSlices(file: string, slices: Slices, stop: () => boolean = () => false): Promise<LoadedBack | undefined> {
  const builder = new RuleSetBuilder(file);
  let pending: RuntimeRule[] = [];
  let next = 0; // the next rule of `pending` to add
  let slice = 0;
  let turns = 0;
  let longestTurnMs = 0;
  const count = slices.ends.length;
  while (slice < count || next < pending.length) {
    await nextTurn();
    if (stop()) return undefined;
    const t0 = performance.now();
    do {
      if (next < pending.length) builder.add(pending[next++]);
      else {
        pending = instantiateSource(sliceText(slices, slice++));
        next = 0;
      }
    } while ((slice < count || next < pending.length) && performance.now() - t0 < TURN_BUDGET_MS);
    turns++;
    longestTurnMs = Math.max(longestTurnMs, performance.now() - t0);
  }
  return { rules: new RuleSet(file, builder), turns, longestTurnMs };
}
