/**
 * Watching one rules file for hot reload. The folder is watched rather than the file itself:
 * editors often save by writing a temporary file and renaming it over the original, which ends
 * a watch on the old file. Bursts of events (one save can raise several) are debounced into
 * one call, and the call waits until the file has settled: a writer that pauses half way
 * (issue #13, item 8) must not get its half file loaded. Node-only.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { asError } from '../../grammar/index.js';

export interface FileWatcher {
  /** Stops watching; a pending debounced call is dropped. Safe to call twice. */
  close(): void;
}

/** What identifies one version of a file: a new inode (a rename over it), a new size or a new mtime. */
export interface FileVersion {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WatchOptions {
  /** Quiet time after the last event before the file is looked at (default 100 ms). */
  readonly debounceMs?: number;
  /**
   * How long the file's size, mtime and inode must stay the same before `onChange` runs (default
   * 0 here; the deepstream plugin passes 1000 ms). Any event meanwhile starts the wait again.
   */
  readonly settleMs?: number;
  /** Called when the watcher itself fails (the folder was removed, too many watches, …). */
  readonly onError?: (error: Error) => void;
}

export const DEFAULT_DEBOUNCE_MS = 100;

/** The file's version now; undefined when it can not be looked at (missing, no permission). */
export async function fileVersion(path: string): Promise<FileVersion | undefined> {
  try {
    const s = await stat(path);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

export const sameVersion = (a: FileVersion | undefined, b: FileVersion | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * Calls `onChange` with the file's settled version (undefined: it is gone or unreadable) after
 * changes stop. A call never overlaps a pending wait: each event restarts the whole wait.
 */
export function watchFile(file: string, onChange: (version: FileVersion | undefined) => void, options: WatchOptions = {}): FileWatcher {
  const path = resolve(file);
  const name = basename(path);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const settleMs = options.settleMs ?? 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Bumped by every event: a wait started before the latest event gives up. */
  let generation = 0;

  const settle = async (mine: number): Promise<void> => {
    let before = await fileVersion(path);
    while (settleMs > 0) {
      await new Promise<void>((r) => (timer = setTimeout(r, settleMs)));
      if (closed || mine !== generation) return;
      const now = await fileVersion(path);
      if (sameVersion(before, now)) break;
      before = now;
    }
    if (!closed && mine === generation) onChange(before);
  };
  const schedule = (): void => {
    if (closed) return;
    const mine = ++generation;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void settle(mine).catch((e: unknown) => options.onError?.(asError(e)));
    }, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    // `filename` can be null on some platforms: then any event in the folder counts.
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
    watcher.on('error', (e) => options.onError?.(e));
  } catch (e) {
    options.onError?.(asError(e));
  }

  return {
    close() {
      closed = true;
      generation++;
      if (timer) clearTimeout(timer);
      timer = undefined;
      watcher?.close();
    },
  };
}
