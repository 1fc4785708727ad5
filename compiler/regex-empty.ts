/**
 * Empty iterations, as JavaScript treats them. Once a quantifier has its minimum, an iteration
 * that matches the empty string fails and the engine backtracks into the iteration for another
 * way (ES2024 22.2.2.3.1 RepeatMatcher). RE2 instead accepts one empty iteration and stops, so
 * `/(|a)*\/` on `a` matched `` where JavaScript matches `a`.
 *
 * The same result on RE2: a repeated body that can match empty is replaced, after its minimum,
 * by the body's non-empty ways only, in their order of preference (`ne` below). That order is
 * kept by splitting sequences: `AB` is "A non-empty, then B" before "A empty, then B non-empty"
 * when A prefers its non-empty ways, and alternatives of A are taken one by one when it does not.
 * A capture can not be split that way (RE2 numbers each copy anew); there the body is left as
 * RE2 reads it, the one place the difference remains (README, "Regular expressions").
 */
import type { RegexNode } from './regex-parse.js';

/** Where a node's empty ways come among its ways: none, all, after every non-empty one, or mixed in. */
type Order = 'never' | 'always' | 'last' | 'mixed';

/** A repeat of a fixed count is written out as copies up to this count, and left to RE2 beyond it. */
const MAX_COPIES = 8;
/** Beyond this many pieces a body is left as RE2 reads it (the program would be too large anyway). */
const MAX_PIECES = 256;
const NOTHING: RegexNode = { kind: 'char', set: [] };
const EMPTY: RegexNode = { kind: 'seq', items: [] };

function seqOrder(a: Order, b: Order): Order {
  if (a === 'never' || b === 'never') return 'never';
  if (a === 'always') return b;
  if (b === 'always') return a;
  return a === 'last' && b === 'last' ? 'last' : 'mixed';
}

function order(n: RegexNode): Order {
  switch (n.kind) {
    case 'char':
      return 'never';
    case 'assert':
      return 'always';
    case 'group':
      return order(n.body);
    case 'seq':
      return n.items.reduce<Order>((acc, item) => seqOrder(acc, order(item)), 'always');
    case 'alt': {
      let empty = false;
      let nonEmpty = false;
      for (const a of n.alts) {
        const o = order(a);
        if (o === 'mixed' || (empty && o !== 'always')) return 'mixed';
        if (o !== 'always') nonEmpty = true;
        if (o !== 'never') empty = true;
      }
      return !empty ? 'never' : !nonEmpty ? 'always' : 'last';
    }
    case 'repeat': {
      if (n.min > 0) return seqOrder(order(n.body), n.max === n.min ? 'always' : order({ ...n, min: 0, max: n.max - n.min }));
      const body = order(n.body);
      if (body === 'always') return 'always';
      if (body !== 'never') return 'mixed';
      return n.lazy ? 'mixed' : 'last';
    }
  }
}

const seq = (items: readonly RegexNode[]): RegexNode => (items.length === 1 ? items[0] : { kind: 'seq', items });

/**
 * The ways of `n` in their order of preference, cut into pieces that are each all empty or all
 * non-empty; undefined when that would need too many copies. A capture is copied into each
 * piece: only one copy can match, and the runtime reads whichever did (Re2Source.captures).
 */
function pieces(n: RegexNode): RegexNode[] | undefined {
  const o = order(n);
  if (o === 'never' || o === 'always') return [n];
  switch (n.kind) {
    case 'group': {
      const inner = pieces(n.body);
      return inner?.map((body) => ({ ...n, body }));
    }
    case 'alt': {
      const out: RegexNode[] = [];
      for (const a of n.alts) {
        const p = pieces(a);
        if (!p) return undefined;
        out.push(...p);
      }
      return out;
    }
    case 'seq': {
      const [a, ...rest] = n.items;
      const first = pieces(a);
      if (!first) return undefined;
      const out: RegexNode[] = [];
      for (const p of first) {
        if (order(p) === 'never') {
          out.push(seq([p, ...rest]));
          continue;
        }
        const tail = pieces(seq(rest));
        if (!tail) return undefined;
        out.push(...tail.map((q) => seq([p, q])));
        if (out.length > MAX_PIECES) return undefined;
      }
      return out;
    }
    case 'repeat': {
      if (order(n.body) === 'never') {
        // `Y{0,m}` with a Y that is never empty: `Y{1,m}` then nothing, or the other way round when lazy.
        const some: RegexNode = { ...n, min: 1 };
        return n.lazy ? [EMPTY, some] : [some, EMPTY];
      }
      // `Y{k}` (and `Y{k,}` left as it was) with a Y that may be empty: its k copies one after another.
      if (n.min === 0 || n.min > MAX_COPIES || n.max !== n.min) return undefined;
      return pieces(seq(Array<RegexNode>(n.min).fill(n.body)));
    }
    default:
      return [n];
  }
}

/** Only the non-empty ways of `n`, in their order; undefined where that takes too many copies. */
function ne(n: RegexNode): RegexNode | undefined {
  const all = pieces(n);
  if (!all) return undefined;
  const nonEmpty = all.filter((p) => order(p) === 'never');
  return nonEmpty.length === 0 ? NOTHING : nonEmpty.length === 1 ? nonEmpty[0] : { kind: 'alt', alts: nonEmpty };
}

/** `root` with every repetition failing empty iterations past its minimum, as JavaScript's do. */
export function withoutEmptyIterations(root: RegexNode): RegexNode {
  switch (root.kind) {
    case 'char':
    case 'assert':
      return root;
    case 'group':
      return { ...root, body: withoutEmptyIterations(root.body) };
    case 'seq':
      return { kind: 'seq', items: root.items.map(withoutEmptyIterations) };
    case 'alt':
      return { kind: 'alt', alts: root.alts.map(withoutEmptyIterations) };
    case 'repeat': {
      const body = withoutEmptyIterations(root.body);
      if (order(body) === 'never' || root.max === root.min) return { ...root, body };
      const nonEmpty = ne(body);
      if (!nonEmpty) return { ...root, body };
      const required: RegexNode[] = root.min === 0 ? [] : [{ kind: 'repeat', body, min: root.min, max: root.min, lazy: false, loop: root.loop }];
      const optional: RegexNode = { kind: 'repeat', body: nonEmpty.kind === 'char' || nonEmpty.kind === 'group' ? nonEmpty : { kind: 'group', index: null, body: nonEmpty }, min: 0, max: root.max - root.min, lazy: root.lazy, loop: root.loop };
      return seq([...required, optional]);
    }
  }
}
