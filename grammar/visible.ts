/**
 * Text from a rules file, a client or a record, made safe to print on a terminal or write to a
 * log: control characters (C0, DEL, C1), line and paragraph separators and the bidirectional
 * controls become visible escapes (`\x1b`, `\u202e`). Without this a key holding `\e]0;…\a` would
 * retitle the terminal of whoever runs `valve check`, and a user name holding `\n` would forge a
 * log line (issue #13, item 10). Tabs become one space, as the excerpts always printed them.
 */
// C0 except tab, DEL, C1, U+061C, U+200E/F, U+2028/9, U+202A–E, U+2066–9.
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

const escapeOne = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `s` with every unsafe character escaped and tabs as spaces; the same string when there is none (no copy). */
export function visible(s: string): string {
  if (!UNSAFE.test(s) && !s.includes('\t')) return s;
  return s.replace(UNSAFE_ALL, escapeOne).replace(/\t/g, ' ');
}

/** Whether `s` holds a character `visible` would escape. */
export const hasUnsafe = (s: string): boolean => UNSAFE.test(s);
