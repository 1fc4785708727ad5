/**
 * What compiled rule code reads and calls, declared by the stage that emits the code: the
 * context `c` every rule function receives, and the operations of `r` the language table's rows
 * emit calls to. The engine builds contexts of this shape and its stdlib provides these
 * operations (engine/stdlib.ts checks that with `satisfies`), so the compiler never imports it.
 */

/** A record a rule asked for with `_()`: its value, or why it could not be read. */
export type RecordSlot = { readonly value: unknown } | { readonly error: string; readonly code?: 'VLV0910' | 'VLV0912' | 'VLV0914' };

/** The fixed context every rule function reads. */
export interface RuleContext {
  readonly user: unknown;
  readonly data: unknown;
  readonly oldData: unknown;
  readonly now: number;
  readonly action: string;
  readonly name: string | undefined;
  readonly vars: readonly string[];
  readonly records: ReadonlyMap<string, RecordSlot>;
}

type Unary = (a: unknown) => unknown;
type Binary = (a: unknown, b: unknown) => unknown;

/** The operations operator and root rows call on `r` (the stdlib compiled code receives). */
export interface Operations {
  readonly neg: Unary;
  readonly pos: Unary;
  readonly bnot: Unary;
  readonly add: Binary;
  readonly sub: Binary;
  readonly mul: Binary;
  readonly div: Binary;
  readonly mod: Binary;
  readonly pow: Binary;
  readonly band: Binary;
  readonly bor: Binary;
  readonly bxor: Binary;
  readonly shl: Binary;
  readonly shr: Binary;
  readonly ushr: Binary;
  readonly lt: Binary;
  readonly le: Binary;
  readonly gt: Binary;
  readonly ge: Binary;
  readonly looseEq: Binary;
  readonly has: Binary;
  readonly ref: (c: RuleContext, name: unknown) => unknown;
}
