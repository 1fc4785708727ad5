/**
 * The solver: z3-solver (WebAssembly) loaded once per process, lazily, since `init()` costs about
 * a second. Its worker threads keep Node alive, so whoever loads it calls `releaseSolver()` when done.
 */
import { init, killThreads } from 'z3-solver';

export type Z3 = Awaited<ReturnType<typeof init>>;

let loading: Promise<Z3> | undefined;

export function loadSolver(): Promise<Z3> {
  loading ??= init().then((z3) => {
    // Strings are JavaScript's: UTF-16 code units, so a character is one unit of 0..0xFFFF.
    z3.setParam('encoding', 'bmp');
    return z3;
  });
  return loading;
}

/** Ends the solver's worker threads (the process can then exit); a later loadSolver starts afresh. */
export async function releaseSolver(): Promise<void> {
  if (!loading) return;
  const z3 = await loading;
  loading = undefined;
  await killThreads(z3.em);
}
