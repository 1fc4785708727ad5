/**
 * The server's side of the compile worker (runtime/compile-worker.ts): one worker thread per
 * plugin, started on the first reload and terminated by close(). A reload sends the file's text
 * and gets back diagnostics and generated code; this side only turns that code into rule
 * functions, one slice per event-loop turn, so no turn holds the loop for long (issue #13,
 * item 7). Node-only.
 *
 * Which file the worker runs: the build's dist/runtime/compile-worker.js beside this module, or,
 * when this module is the TypeScript source (a checkout, tests through tsx or vitest), the
 * TypeScript worker through tsx (compile-worker-tsx.mjs), as deepstream-plugin.cjs does.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { instantiateSource, type RuntimeRule } from './module.js';

export interface CompileJob {
  readonly id: number;
  readonly text: string;
  readonly file: string;
}

export interface CompileAnswer {
  readonly id: number;
  readonly diagnostics: Diagnostic[];
  /** Present when the file compiled: each a factory `function valveRules(r) { … }` of some of the rules, in file order. */
  readonly slices?: string[];
  readonly rules?: number;
  /** The compiler failed unexpectedly (a bug): the file is not used. */
  readonly error?: string;
}

const FROM_SOURCE = new URL(import.meta.url).pathname.endsWith('.ts');
const ENTRY = new URL(FROM_SOURCE ? './compile-worker-tsx.mjs' : './compile-worker.js', import.meta.url);

export class CompilerThread {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(a: CompileAnswer): void; reject(e: Error): void }>();
  private closed = false;
  /** Jobs answered by the worker (tests and the benchmark check that reloads went through it). */
  answered = 0;

  /** Compiles `text` in the worker; rejects when the worker can not start or dies. */
  compile(text: string, file: string): Promise<CompileAnswer> {
    if (this.closed) return Promise.reject(new Error('the compile worker is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<CompileAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, text, file } satisfies CompileJob);
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
      process.stderr.write(`PROF message at ${performance.now().toFixed(0)}\n`);
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
 * The rule functions of every slice, in order, one slice per event-loop turn (each slice is a
 * few milliseconds of `new Function` and regex compilation; I/O runs in between).
 */
export async function instantiateSlices(slices: readonly string[], stop: () => boolean = () => false): Promise<RuntimeRule[] | undefined> {
  const rules: RuntimeRule[] = [];
  for (const slice of slices) {
    await nextTurn();
    if (stop()) return undefined;
    const t0 = performance.now();
    for (const rule of instantiateSource(slice)) rules.push(rule);
    const ms = performance.now() - t0;
    if (ms > 5) process.stderr.write(`PROF slice ${ms.toFixed(1)} ${slice.length}\n`);
  }
  return rules;
}
