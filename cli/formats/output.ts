/**
 * Where a command writes: the process by default, a buffer in tests (commands then run in-process
 * and their exit code and output are checked without spawning a CLI).
 */
import { useColor } from '../io.js';

export interface Output {
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** Colour on standard output (a TTY without NO_COLOR). */
  readonly color: boolean;
  /** Colour on standard error. */
  readonly errColor: boolean;
  /** Directory that relative paths in SARIF and GitHub output are relative to. */
  readonly cwd: string;
}

export function processOutput(): Output {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: useColor(process.stdout),
    errColor: useColor(process.stderr),
    cwd: process.cwd(),
  };
}

/** An Output that keeps everything, for tests. */
export function bufferOutput(cwd: string = process.cwd()): Output & { readonly stdout: string; readonly stderr: string } {
  let stdout = '';
  let stderr = '';
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    color: false,
    errColor: false,
    cwd,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
