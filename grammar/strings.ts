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

/** An escape JavaScript's strict mode refuses, at `[start, end)` of the literal's body. */
export interface EscapeProblem {
  readonly code: 'VLV0217' | 'VLV0218' | 'VLV0220';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const HEX = /[0-9a-fA-F]/;

/**
 * The escapes in a string or template body that JavaScript refuses: `\x4`, `\u12`, `\u{}`,
 * `\u{41zz}` and `\u{110000}` in every mode (upstream's `new Function` throws on them too), and
 * the legacy `\017`, `\1`, `\8` that only sloppy mode reads (strict mode and templates refuse
 * them). decodeEscapes would otherwise give them a meaning JavaScript never does.
 */
export function escapeProblems(body: string): EscapeProblem[] {
  const out: EscapeProblem[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const n = body[i + 1] ?? '';
    const start = i;
    i++;
    if (n === 'x') {
      let j = i + 1;
      while (j < i + 3 && HEX.test(body[j] ?? '')) j++;
      if (j < i + 3) out.push({ code: 'VLV0217', start, end: j, text: body.slice(start, j) });
      else i = j - 1;
    } else if (n === 'u' && body[i + 1] === '{') {
      let j = i + 2;
      while (HEX.test(body[j] ?? '')) j++;
      if (j === i + 2 || body[j] !== '}') {
        // Underline through the closing brace when there is one close by: `\u{41zz}`.
        const close = body.indexOf('}', j);
        const end = close >= 0 && close - j < 8 ? close + 1 : Math.min(body.length, j + 1);
        out.push({ code: 'VLV0217', start, end, text: body.slice(start, end) });
        i = end - 1;
      } else {
        if (parseInt(body.slice(i + 2, j), 16) > 0x10ffff) out.push({ code: 'VLV0218', start, end: j + 1, text: body.slice(start, j + 1) });
        i = j;
      }
    } else if (n === 'u') {
      let j = i + 1;
      while (j < i + 5 && HEX.test(body[j] ?? '')) j++;
      if (j < i + 5) out.push({ code: 'VLV0217', start, end: j, text: body.slice(start, j) });
      else i = j - 1;
    } else if (n === '8' || n === '9') {
      out.push({ code: 'VLV0220', start, end: i + 1, text: body.slice(start, i + 1) });
    } else if (/[0-7]/.test(n) && !(n === '0' && !/[0-9]/.test(body[i + 1] ?? ''))) {
      // JavaScript's LegacyOctalEscapeSequence: up to three digits, the first 0-3 for three.
      let j = i + 1;
      const most = /[0-3]/.test(n) ? 3 : 2;
      while (j < i + most && /[0-7]/.test(body[j] ?? '')) j++;
      out.push({ code: 'VLV0220', start, end: j, text: body.slice(start, j) });
      i = j - 1;
    }
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
