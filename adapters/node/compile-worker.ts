/**
 * The worker thread that compiles a rules file for a hot reload (started by
 * adapters/node/compiler-thread.ts), so a big file's parse, check and code generation never hold up
 * the server's event loop (issue #13, item 7). It answers with plain data only: the diagnostics
 * and the generated factory code, cut into slices of a few dozen rules that the server turns
 * into functions a few at a time per event-loop turn.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { emitFactory, compileProgram, type CheckedRule } from '../../compiler/index.js';
import { packSlices, type CompileJob, type CompileAnswer } from './compiler-thread.js';
import { errorText } from '../../grammar/index.js';

/**
 * A slice's size, counted in characters of rule text and patterns (the generated code is about
 * eight times that): small enough that `new Function` and the factory call of one slice take
 * a millisecond or two on the server (bench/reload-stall.ts).
 */
const SLICE_TEXT = 2_000;
const SLICE_RULES = 40;

const weight = (rule: CheckedRule): number => 64 + rule.pattern.length + (rule.body.kind === 'expression' ? rule.body.text.length : 0);

/** The rules cut into slices, each emitted as its own `function valveRules(r) { … }`. */
export function emitSlices(file: string, rules: readonly CheckedRule[]): string[] {
  const slices: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < rules.length; i++) {
    size += weight(rules[i]);
    if (size >= SLICE_TEXT || i + 1 - start >= SLICE_RULES || i === rules.length - 1) {
      // Each slice hoists its own regex and array constants: a rule only uses those it defined.
      slices.push(emitFactory({ file, rules: rules.slice(start, i + 1) }));
      start = i + 1;
      size = 0;
    }
  }
  return slices;
}

export function compileJob(job: CompileJob): CompileAnswer {
  try {
    const { diagnostics, program } = compileProgram(job.text, job.env ? { file: job.file, emit: false, env: job.env } : { file: job.file, emit: false });
    if (!program) return { id: job.id, diagnostics: [...diagnostics] };
    return { id: job.id, diagnostics: [...diagnostics], slices: packSlices(emitSlices(program.file, program.rules)), rules: program.rules.length };
  } catch (e) {
    // INVARIANT: compileProgram does not throw; a bug is reported, never a dead worker.
    return { id: job.id, diagnostics: [], error: errorText(e) };
  }
}

/**
 * A compile is background work: on a busy machine the server's event loop must win the CPU
 * over it. Linux gives each thread its own nice value (its id is in /proc/thread-self);
 * elsewhere the worker keeps the process's priority.
 */
function runInBackground(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or no /proc: nothing to lower.
  }
}

if (parentPort) runInBackground();
parentPort?.on('message', (job: CompileJob) => {
  const answer = compileJob(job);
  parentPort!.postMessage(answer, answer.slices ? [answer.slices.bytes] : []);
});
