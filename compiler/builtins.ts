/**
 * Each allowed method, declared once: its name, the receiver types it works on and its arity.
 * engine/stdlib.ts implements exactly these (a test checks the two lists match).
 */
export interface MethodSpec {
  readonly name: string;
  readonly on: readonly ('string' | 'array')[];
  readonly minArgs: number;
  readonly maxArgs: number;
  /** What it returns, for editor hovers and the type checker. */
  readonly returns: string;
  readonly doc: string;
}

export const METHODS: readonly MethodSpec[] = [
  { name: 'startsWith', on: ['string'], minArgs: 1, maxArgs: 2, returns: 'boolean', doc: 'true when the string begins with the argument' },
  { name: 'endsWith', on: ['string'], minArgs: 1, maxArgs: 2, returns: 'boolean', doc: 'true when the string ends with the argument' },
  { name: 'includes', on: ['string', 'array'], minArgs: 1, maxArgs: 2, returns: 'boolean', doc: 'true when the string contains the text, or the array the element' },
  { name: 'indexOf', on: ['string', 'array'], minArgs: 1, maxArgs: 2, returns: 'number', doc: 'position of the text or element, -1 when absent' },
  { name: 'match', on: ['string'], minArgs: 1, maxArgs: 1, returns: 'array | null', doc: 'the matches of a regular expression literal, or null' },
  { name: 'toUpperCase', on: ['string'], minArgs: 0, maxArgs: 0, returns: 'string', doc: 'the string in upper case' },
  { name: 'toLowerCase', on: ['string'], minArgs: 0, maxArgs: 0, returns: 'string', doc: 'the string in lower case' },
  { name: 'trim', on: ['string'], minArgs: 0, maxArgs: 0, returns: 'string', doc: 'the string without leading and trailing white space' },
];

const BY_NAME = new Map(METHODS.map((m) => [m.name, m]));
export const methodSpec = (name: string): MethodSpec | undefined => BY_NAME.get(name);
export const METHOD_NAMES: readonly string[] = METHODS.map((m) => m.name);
