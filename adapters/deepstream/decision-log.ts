/**
 * The decision log: one JSON line per decision, for audits and for finding the rule behind a
 * complaint. Denies are logged by default and allows only at a sampled rate, since a busy server
 * allows nearly everything; the payload is left out unless asked for (it is the users' data).
 * Lines go to standard output, a file (appended), or deepstream's logger.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { CheckRequest, Decision } from '../../engine/index.js';
import { errorText } from '../../grammar/index.js';

export interface DecisionLogOptions {
  /** `'stdout'`, `'logger'` (deepstream's, event PERMISSION_DECISION at INFO) or a file path. */
  readonly to: string;
  /** Log denies (default true). */
  readonly denies?: boolean;
  /** The share of allows logged, 0 to 1 (default 0). */
  readonly allows?: number;
  /** Include the request's data or patch (default false). */
  readonly payload?: boolean;
}

/** One line of the log. */
export interface DecisionLine {
  readonly time: string;
  readonly node?: string;
  readonly user: string | null;
  readonly section: string;
  readonly action: string;
  readonly messageAction?: string;
  readonly name: string | null;
  readonly allowed: boolean;
  readonly pattern: string | null;
  readonly location: string | null;
  readonly version: string | null;
  readonly reason: string;
  readonly error?: string;
  readonly data?: unknown;
  readonly patch?: unknown;
}

/** Why these options can not be used, or undefined when they can. */
export function decisionLogProblem(o: unknown): string | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return 'must be an object such as { to: stdout }';
  const { to, denies, allows, payload, ...rest } = o as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `has no option \`${unknown[0]}\` (to, denies, allows, payload)`;
  if (typeof to !== 'string' || to === '') return '`to` must be stdout, logger or a file path';
  if (denies !== undefined && typeof denies !== 'boolean') return '`denies` must be true or false';
  if (allows !== undefined && !(typeof allows === 'number' && allows >= 0 && allows <= 1)) return '`allows` must be a number from 0 to 1 (the share of allows logged)';
  if (payload !== undefined && typeof payload !== 'boolean') return '`payload` must be true or false';
  return undefined;
}

type Sink = (line: string) => void;

/** Buffered lines are written once per event-loop turn, or sooner past this many characters. */
const FLUSH_AT = 64 * 1024;

export class DecisionLog {
  private readonly sink: Sink;
  private readonly file?: WriteStream;
  private failed = false;
  private readonly denies: boolean;
  private readonly allows: number;
  /** Lines not yet handed to the file or stdout: one write per turn, not per decision. */
  private buffer = '';
  private flushing = false;
  private readonly write?: (text: string) => void;
  /** The ISO time of the last line and its millisecond (toISOString is costly at this rate). */
  private lastMs = -1;
  private lastTime = '';
  /** `,"node":…` once, or nothing. */
  private readonly node: string;

  constructor(
    private readonly options: DecisionLogOptions,
    private readonly context: { readonly node?: string; version(): string | null; info(line: string): void; error(message: string): void },
    private readonly random: () => number = Math.random,
  ) {
    this.node = context.node !== undefined ? `,"node":${JSON.stringify(context.node)}` : '';
    this.denies = options.denies ?? true;
    this.allows = options.allows ?? 0;
    if (options.to === 'logger') this.sink = (line) => context.info(line);
    else {
      if (options.to === 'stdout') this.write = (text) => void process.stdout.write(text);
      else {
        const file = createWriteStream(options.to, { flags: 'a' });
        file.on('error', (e) => this.fail(e));
        this.file = file;
        this.write = (text) => void file.write(text);
      }
      this.sink = (line) => this.buffered(line);
    }
  }

  private buffered(line: string): void {
    this.buffer += `${line}\n`;
    if (this.buffer.length >= FLUSH_AT) this.flush();
    else if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.buffer === '' || this.failed) return;
    const text = this.buffer;
    this.buffer = '';
    try {
      this.write!(text);
    } catch (e) {
      this.fail(e);
    }
  }

  private now(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastTime = new Date(ms).toISOString();
    }
    return this.lastTime;
  }

  /** Whether this decision is logged at all: checked before any line is built. */
  wants(allowed: boolean): boolean {
    return allowed ? this.allows > 0 && (this.allows >= 1 || this.random() < this.allows) : this.denies;
  }

  record(d: Decision, request: CheckRequest): void {
    if (this.failed) return;
    try {
      // Built by hand in DecisionLine's key order: JSON.stringify of a fresh object per decision
      // cost more than the check itself; every value that is not a constant is still stringified.
      const q = JSON.stringify;
      let line = `{"time":"${this.now()}"${this.node}`;
      line += `,"user":${request.user?.id !== undefined ? q(request.user.id) : 'null'},"section":${q(d.section)},"action":${q(d.action)}`;
      if (request.messageAction !== undefined) line += `,"messageAction":${q(request.messageAction)}`;
      line += `,"name":${d.name !== undefined ? q(d.name) : 'null'},"allowed":${d.allowed},"pattern":${d.pattern !== undefined ? q(d.pattern) : 'null'}`;
      line += `,"location":${d.location !== undefined ? q(d.location) : 'null'},"version":${q(this.context.version())},"reason":${q(d.reason.code)}`;
      if (d.error !== undefined) line += `,"error":${q(d.error)}`;
      if (this.options.payload === true && request.data !== undefined) line += `,"data":${q(request.data)}`;
      if (this.options.payload === true && request.patch !== undefined) line += `,"patch":${q(request.patch)}`;
      this.sink(`${line}}`);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Flushes and closes a log file. */
  close(): Promise<void> {
    this.flush();
    const file = this.file;
    if (!file || file.closed) return Promise.resolve();
    return new Promise((resolve) => file.end(() => resolve()));
  }

  /** A log that can not be written stops, said once; decisions go on. */
  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.context.error(`the decision log ${this.options.to} can not be written, no more decisions are logged: ${errorText(e)}`);
  }
}
