/**
 * A regex literal of `match` → a Z3 regular expression of the strings it finds a match in,
 * where that is exact: the compiler's own parse of the pattern (compiler/regex-parse.ts, which
 * already folds `/i`, `\s`, `.` and classes into sets of UTF-16 code units) read as a regular
 * language. `^` and `$` only at the ends of a top-level alternative (without `/m`), no `u`/`v`
 * (code points); anything else is refused with its reason, and the caller keeps it uninterpreted.
 */
import type { Re } from 'z3-solver';
import { parseRegex, translateRegex, Unsupported, type RegexNode } from '../../compiler/index.js';
import { type Ctx, z3Text } from './theory.js';

type R = Re<'main'>;

export type RegexEncoding = { readonly ok: true; readonly search: R; readonly programSize: number } | { readonly ok: false; readonly reason: string };

class NotExact extends Error {}

const char = (c: number): string => z3Text(String.fromCharCode(c));

export function encodeRegex(ctx: Ctx, pattern: string, flags: string): RegexEncoding {
  const bad = [...flags].find((f) => !'gis'.includes(f));
  if (bad) return { ok: false, reason: `the flag \`${bad}\` is not encoded yet` };
  const translated = translateRegex(pattern, flags);
  // The runtime's work limit multiplies the input's length by the program's size: it must be exact.
  if (!translated.ok || translated.atLeast) return { ok: false, reason: translated.ok ? 'a pattern this large is not encoded' : translated.error };
  let root: RegexNode;
  try {
    root = parseRegex(pattern, { ignoreCase: flags.includes('i'), multiline: false, dotAll: flags.includes('s'), unicode: false, unicodeSets: false }).root;
  } catch (e) {
    return { ok: false, reason: e instanceof Unsupported ? `${e.short} is not encoded` : 'this pattern is not encoded' };
  }
  const any = ctx.Star(ctx.Range(char(0), char(0xffff)));
  try {
    const alts = root.kind === 'alt' ? root.alts : [root];
    const search = alts.map((alt) => {
      const items = alt.kind === 'seq' ? [...alt.items] : [alt];
      const start = items[0]?.kind === 'assert' && items[0].what === '^';
      if (start) items.shift();
      const end = items.at(-1)?.kind === 'assert' && (items.at(-1) as { what: string }).what === '$';
      if (end) items.pop();
      const body = seq(ctx, items);
      return ctx.ReConcat(...[start ? undefined : any, body, end ? undefined : any].filter((x): x is R => x !== undefined));
    });
    return { ok: true, search: search.length === 1 ? search[0] : ctx.Union(...search), programSize: Math.max(1, translated.programSize) };
  } catch (e) {
    if (e instanceof NotExact) return { ok: false, reason: e.message };
    throw e;
  }
}

function seq(ctx: Ctx, items: readonly RegexNode[]): R {
  const res = items.map((n) => node(ctx, n));
  return res.length === 0 ? ctx.Re.toRe(ctx.String.val('')) : res.length === 1 ? res[0] : ctx.ReConcat(...res);
}

function node(ctx: Ctx, n: RegexNode): R {
  switch (n.kind) {
    case 'char': {
      if (n.set.length === 0) throw new NotExact('an empty character class is not encoded');
      const parts: R[] = [];
      for (let i = 0; i < n.set.length; i += 2) parts.push(ctx.Range(char(n.set[i]), char(n.set[i + 1])));
      return parts.length === 1 ? parts[0] : ctx.Union(...parts);
    }
    case 'seq':
      return seq(ctx, n.items);
    case 'alt':
      return ctx.Union(...n.alts.map((a) => node(ctx, a)));
    case 'group':
      return node(ctx, n.body);
    case 'repeat': {
      const body = node(ctx, n.body);
      const exactly = (k: number): R => (k === 0 ? ctx.Re.toRe(ctx.String.val('')) : ctx.Loop(body, k, k));
      if (n.max === Infinity) return n.min === 0 ? ctx.Star(body) : ctx.ReConcat(exactly(n.min), ctx.Star(body));
      // Z3's loop reads an upper bound of 0 as "unbounded".
      if (n.max === 0) return exactly(0);
      return ctx.Loop(body, n.min, n.max);
    }
    case 'assert':
      throw new NotExact(`\`${n.what === '^' || n.what === '$' ? n.what : `\\${n.what}`}\` inside a pattern is not encoded (only at its ends)`);
    default:
      throw new NotExact('this pattern is not encoded');
  }
}
