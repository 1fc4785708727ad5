/**
 * Small text helpers every stage uses (grammar/ is the lowest stage, so the compiler, the runtime,
 * the CLI and the playground can all import them): counted nouns and the text of a thrown value.
 */

/** `1 error`, `2 errors`: the count and the noun in the number it needs. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** The noun alone, singular for 1 (for text that writes the count elsewhere, or not at all). */
export const noun = (n: number, word: string, many = `${word}s`): string => (n === 1 ? word : many);

/** What a thrown value says: an Error's message, anything else as a string. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** An Error's name and message (`TypeError: …`), anything else as a string: for internal failures, where the kind matters. */
export const namedErrorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** A thrown value as an Error (a thrown string or object becomes one with its text). */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
