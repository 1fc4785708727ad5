/** Tiny DOM helpers: the page has a handful of widgets, not enough to need a framework. */
import { visible } from '../grammar/index.js';

/**
 * Text for the page: messages, patterns and rule text come from the file being edited (or a
 * shared link), and a bidi control in them would reorder what is shown (issue #13, item 10).
 * Line breaks stay: a `<pre>` shows a multi-line rule.
 */
export const shown = (text: string): string => (text.includes('\n') ? text.split('\n').map(visible).join('\n') : visible(text));

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** An element with attributes (`on…` keys become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(typeof c === 'string' ? shown(c) : c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** `<code>` text. */
export const code = (text: string): HTMLElement => h('code', {}, text);
