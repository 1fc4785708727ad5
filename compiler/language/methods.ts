/**
 * Each allowed method, declared once (as cel-js `lib/overloads.js`): its name, the receiver types
 * it works on, its parameters, its return type (the checker's Type; the printed form is derived
 * from it) and its doc. engine/stdlib.ts `methods` implements exactly these (a test checks the
 * two lists match).
 */
import * as T from '../types.js';
import type { Type } from '../types.js';

export interface Param {
  readonly name: string;
  readonly type: Type;
  readonly optional?: true;
}

export interface MethodSpec {
  readonly name: string;
  readonly on: readonly ('string' | 'array')[];
  readonly params: readonly Param[];
  readonly returns: Type;
  readonly doc: string;
  /** Derived from `params`: the arguments a call must have, and may have. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Derived from `returns`: the return type as editor hovers print it. */
  readonly returnsText: string;
}

type Declared = Pick<MethodSpec, 'name' | 'on' | 'params' | 'returns' | 'doc'>;

/** A string, or (on an array) any element. */
const SEARCH: Param = { name: 'search', type: T.UNKNOWN };
const POSITION: Param = { name: 'position', type: T.NUMBER, optional: true };

const DECLARED: readonly Declared[] = [
  { name: 'startsWith', on: ['string'], params: [{ name: 'search', type: T.STRING }, POSITION], returns: T.BOOLEAN, doc: 'true when the string begins with the argument' },
  { name: 'endsWith', on: ['string'], params: [{ name: 'search', type: T.STRING }, { name: 'length', type: T.NUMBER, optional: true }], returns: T.BOOLEAN, doc: 'true when the string ends with the argument' },
  { name: 'includes', on: ['string', 'array'], params: [SEARCH, POSITION], returns: T.BOOLEAN, doc: 'true when the string contains the text, or the array the element' },
  { name: 'indexOf', on: ['string', 'array'], params: [SEARCH, POSITION], returns: T.NUMBER, doc: 'position of the text or element, -1 when absent' },
  { name: 'match', on: ['string'], params: [{ name: 'pattern', type: T.REGEX }], returns: T.union(T.arrayOf(T.STRING), T.NULL), doc: 'the matches of a regular expression literal, or null' },
  { name: 'toUpperCase', on: ['string'], params: [], returns: T.STRING, doc: 'the string in upper case' },
  { name: 'toLowerCase', on: ['string'], params: [], returns: T.STRING, doc: 'the string in lower case' },
  { name: 'trim', on: ['string'], params: [], returns: T.STRING, doc: 'the string without leading and trailing white space' },
];

export const METHODS: readonly MethodSpec[] = DECLARED.map((m) => ({
  ...m,
  minArgs: m.params.filter((p) => !p.optional).length,
  maxArgs: m.params.length,
  returnsText: T.show(m.returns),
}));

const BY_NAME = new Map(METHODS.map((m) => [m.name, m]));
export const methodSpec = (name: string): MethodSpec | undefined => BY_NAME.get(name);
export const METHOD_NAMES: readonly string[] = METHODS.map((m) => m.name);

/** The one property strings and arrays have besides their elements. */
export const LENGTH = { name: 'length', on: ['string', 'array'], type: T.NUMBER, doc: 'Length of a string or an array.' } as const;
