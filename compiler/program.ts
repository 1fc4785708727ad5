/** The compiler's output data: checked rules (the typed AST) handed to codegen and the runtime. */
import type { Expr, PatternPart, Span } from '../grammar/index.js';
import type { RuleUsage } from './check-rule.js';
import type { Section } from './scope.js';

export interface RuleLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface CheckedRule {
  readonly section: Section;
  readonly pattern: string;
  readonly parts: readonly PatternPart[];
  readonly variables: readonly string[];
  readonly action: string;
  /** Position of the pattern in its section in deepstream's order (integer-like keys first, then file order); later wins ties. */
  readonly order: number;
  /** `true`/`false` rules, or an expression with its source text. */
  readonly body: { readonly kind: 'constant'; readonly value: boolean } | { readonly kind: 'expression'; readonly text: string; readonly expr: Expr };
  readonly location: RuleLocation;
  readonly usage: RuleUsage;
  /** Arguments of the rule's `_()` calls in source order; the runtime pre-evaluates them to load records in rounds. */
  readonly refArgs: readonly Expr[];
  /** Maps a span of the expression text to a span of the file. */
  readonly toFileSpan: (s: Span) => Span;
}

export interface RuleProgram {
  readonly file: string;
  readonly rules: readonly CheckedRule[];
}
