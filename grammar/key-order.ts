/**
 * The order deepstream walks a section's patterns in: `for…in` over the loaded object, which
 * visits keys that are array indexes ("0", "10": canonical integers up to 2³² − 2) first, in
 * ascending order, then the other keys in insertion (file) order. On a tie of pattern length the
 * one later in this order wins, so an integer-like key loses every tie, wherever it is written.
 */

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

/** Whether JavaScript orders this property key as an array index. */
export const isArrayIndex = (key: string): boolean => /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= MAX_ARRAY_INDEX;

/** For each key, given in file order, its position in JavaScript's property order. */
export function propertyOrder(keys: readonly string[]): number[] {
  const indexes = keys.map((k, i) => ({ k, i })).filter(({ k }) => isArrayIndex(k));
  // Stable: a key written twice (an error, VLV0002) keeps its two places apart.
  indexes.sort((a, b) => Number(a.k) - Number(b.k) || a.i - b.i);
  const order = new Array<number>(keys.length);
  let next = 0;
  for (const { i } of indexes) order[i] = next++;
  keys.forEach((k, i) => {
    if (!isArrayIndex(k)) order[i] = next++;
  });
  return order;
}
