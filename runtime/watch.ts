/**
 * Watching one rules file for hot reload. The folder is watched rather than the file itself:
 * editors often save by writing a temporary file and renaming it over the original, which ends
 * a watch on the old file. Bursts of events (one save can raise several) are debounced into
 * one call. Node-only.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface FileWatcher {
  /** Stops watching; a pending debounced call is dropped. Safe to call twice. */
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs (default 100 ms). */
  readonly debounceMs?: number;
  /** Called when the watcher itself fails (the folder was removed, too many watches, …). */
  readonly onError?: (error: Error) => void;
}

export const DEFAULT_DEBOUNCE_MS = 100;

export function watchFile(file: string, onChange: () => void, options: WatchOptions = {}): FileWatcher {
  const path = resolve(file);
  const name = basename(path);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = (): void => {
    timer = undefined;
    if (!closed) onChange();
  };
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    // `filename` can be null on some platforms: then any event in the folder counts.
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
    watcher.on('error', (e) => options.onError?.(e));
  } catch (e) {
    options.onError?.(e instanceof Error ? e : new Error(String(e)));
  }

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      watcher?.close();
    },
  };
}
