/** The whole state, compressed into the URL fragment (`#s=…`), and back. Nothing leaves the page. */
import LZString from 'lz-string';
import { toState, type PlaygroundState } from './state.js';

const KEY = 's=';

export function encodeState(state: PlaygroundState): string {
  return `#${KEY}${LZString.compressToEncodedURIComponent(JSON.stringify(state))}`;
}

/** The state in a URL fragment; undefined when there is none or it is damaged. */
export function decodeState(hash: string): PlaygroundState | undefined {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith(KEY)) return undefined;
  try {
    const json = LZString.decompressFromEncodedURIComponent(body.slice(KEY.length));
    return json ? toState(JSON.parse(json)) : undefined;
  } catch {
    return undefined;
  }
}

export function shareUrl(state: PlaygroundState, location: Location): string {
  return `${location.origin}${location.pathname}${location.search}${encodeState(state)}`;
}
