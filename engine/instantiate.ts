/** Turns generated factory code into live rule functions bound to the stdlib. */
import type { PatternPart } from '../grammar/index.js';
import type { RuleUsage, Section } from '../compiler/index.js';
import { STDLIB, type RuleContext, type Stdlib } from './stdlib.js';

export type RuleFn = (c: RuleContext) => unknown;

/** One rule as a compiled module defines it. */
export interface RuntimeRule {
  readonly section: Section;
  readonly pattern: string;
  readonly action: string;
  readonly order: number;
  readonly variables: readonly string[];
  readonly parts: readonly PatternPart[];
  readonly location: { readonly line: number; readonly column: number; readonly endLine: number; readonly endColumn: number };
  readonly uses: RuleUsage;
  readonly rule: boolean | RuleFn;
  readonly refs: readonly RuleFn[];
}

export type RuleFactory = (r: Stdlib) => RuntimeRule[];

/** From a module imported from disk (`valve compile` output): its default export. */
export function instantiate(factory: RuleFactory): RuntimeRule[] {
  return factory(STDLIB);
}

/**
 * The in-memory path (playground, tests, `compile()`): the same generated text, turned into a
 * function without touching the disk. The text is safe by construction (see compiler/emit.ts):
 * its only free names are the factory's own parameter and constants.
 */
export function instantiateSource(factorySource: string): RuntimeRule[] {
  const factory = new Function(`return (${factorySource});`)() as RuleFactory;
  return instantiate(factory);
}
