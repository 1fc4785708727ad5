/**
 * Rules served over HTTP(S), for clusters without a shared filesystem: every node polls one URL
 * with a conditional GET (If-None-Match with the last ETag, so an unchanged file costs a 304 and
 * no body) and reloads when the body changes. Why a URL rather than a rules record inside the
 * cluster: whoever may write that record would decide every permission, the record itself
 * included, so a client with write access could hand itself any right; a URL is written only by
 * whoever deploys (an object store, a config service, a static file server), needs no connector,
 * and works the same for one node or many.
 */
import { errorText } from '../../grammar/index.js';

export const isRulesUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** The URL as logs and diagnostics show it: a password in it replaced. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Default time between two polls. */
export const DEFAULT_POLL_MS = 5000;

/** The longest a request may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

export type Fetched = { readonly text: string; readonly etag?: string } | { readonly notModified: true };

/**
 * GET `url` (conditionally, with `etag`). Reads at most `maxBytes` of the body: a longer body
 * is cut there (the compiler then refuses it as too long). Rejects on a network error or a
 * status other than 200 and 304.
 */
export async function fetchRules(url: string, maxBytes: number, etag?: string): Promise<Fetched> {
  const res = await fetch(url, { headers: etag !== undefined ? { 'if-none-match': etag } : {}, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'follow' });
  if (res.status === 304) {
    await res.body?.cancel();
    return { notModified: true };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  while (reader && size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader?.cancel();
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
  const tag = res.headers.get('etag');
  return tag !== null ? { text, etag: tag } : { text };
}

export interface RulesPoller {
  /** Stops polling; safe to call twice. */
  close(): void;
}

/**
 * Polls `url` every `intervalMs`, calling `onChange(text)` when a 200 brings a body unlike the
 * last one (the first poll compares with `initial`). A failure is reported once per run of
 * failures (`onError`), and the poll after it that succeeds is reported too (`onRecovered`).
 */
export function pollRules(
  url: string,
  o: { readonly intervalMs: number; readonly maxBytes: number; readonly initial: Fetched; onChange(text: string): void; onError(message: string): void; onRecovered(): void },
): RulesPoller {
  let etag = 'etag' in o.initial ? o.initial.etag : undefined;
  let last = 'text' in o.initial ? o.initial.text : undefined;
  let failing = false;
  let closed = false;
  let busy = false;
  const poll = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      const got = await fetchRules(url, o.maxBytes, etag);
      if (closed) return;
      if (failing) {
        failing = false;
        o.onRecovered();
      }
      if ('notModified' in got) return;
      etag = got.etag;
      if (got.text !== last) {
        last = got.text;
        o.onChange(got.text);
      }
    } catch (e) {
      if (!closed && !failing) {
        failing = true;
        o.onError(errorText((e as { cause?: unknown }).cause ?? e));
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), o.intervalMs);
  // Polling never keeps the process alive: a server that stops, stops.
  timer.unref();
  return {
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
