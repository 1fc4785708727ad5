/**
 * A language client for tests: spawns the BUILT server (`node bin/valve.js lsp --stdio`, in a
 * process group of its own) and talks Content-Length framed JSON-RPC to it with vscode-jsonrpc, as
 * an editor does. Needs `npx tsc -p tsconfig.build.json` first, as every CLI test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const ROOT = join(import.meta.dirname, '..', '..');

export interface LspPosition {
  readonly line: number;
  readonly character: number;
}
export interface LspRange {
  readonly start: LspPosition;
  readonly end: LspPosition;
}
export interface LspDiagnostic {
  readonly range: LspRange;
  readonly severity?: number;
  readonly code?: string | number;
  readonly message: string;
  readonly source?: string;
  readonly relatedInformation?: readonly { readonly location: { readonly uri: string; readonly range: LspRange }; readonly message: string }[];
}
export interface PublishDiagnostics {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: readonly LspDiagnostic[];
}

export interface Server {
  readonly rpc: MessageConnection;
  readonly child: ChildProcess;
  /** The next publishDiagnostics for `uri` not yet taken. */
  nextDiagnostics(uri: string): Promise<PublishDiagnostics>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** Kills the server's process group if it is still running. */
  kill(): void;
}

export function startServer(): Server {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) throw new Error('run `npx tsc -p tsconfig.build.json` first');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'valve.js'), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const queued = new Map<string, PublishDiagnostics[]>();
  const waiting = new Map<string, ((p: PublishDiagnostics) => void)[]>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnostics) => {
    const w = waiting.get(p.uri)?.shift();
    if (w) w(p);
    else queued.set(p.uri, [...(queued.get(p.uri) ?? []), p]);
  });
  rpc.onClose(() => {
    if (stderr !== '') process.stderr.write(`valve lsp stderr:\n${stderr}\n`);
  });
  rpc.listen();
  return {
    rpc,
    child,
    exited,
    nextDiagnostics: (uri) => {
      const q = queued.get(uri);
      if (q && q.length > 0) return Promise.resolve(q.shift()!);
      return new Promise((resolve) => waiting.set(uri, [...(waiting.get(uri) ?? []), resolve]));
    },
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

/** The LSP position (0-based line, UTF-16 character) of `offset` in `text`, counted here independently of the server. */
export function positionAt(text: string, offset: number): LspPosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The range of the `nth` (0-based) occurrence of `needle` in `text`. */
export function rangeOf(text: string, needle: string, nth = 0): LspRange {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` occurs fewer than ${nth + 1} times`);
  }
  return { start: positionAt(text, at), end: positionAt(text, at + needle.length) };
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly { range: LspRange; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: LspPosition): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}
