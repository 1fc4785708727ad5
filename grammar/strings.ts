/** JavaScript string and template escapes, decoded as JavaScript would (sloppy-mode forms included). */
const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

export function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) break;
    if (n in SIMPLE && !(n === '0' && /[0-9]/.test(body[i + 1] ?? ''))) out += SIMPLE[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' && body[i + 1] === '{') {
      const close = body.indexOf('}', i);
      const cp = parseInt(body.slice(i + 2, close), 16);
      if (close > 0 && Number.isFinite(cp) && cp <= 0x10ffff) {
        out += String.fromCodePoint(cp);
        i = close;
      } else out += n;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n === '\r') {
      if (body[i + 1] === '\n') i++; // line continuation
    } else if (n === '\n' || n === '\u2028' || n === '\u2029') {
      // line continuation: nothing
    } else out += n;
  }
  return out;
}

/** A JavaScript string literal for `s` (single-quoted), used by the printer and the emitter. */
export function quote(s: string): string {
  const body = JSON.stringify(s)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}
