/**
 * Compile-time limits: explicit, frozen defaults, each overridable through `CompileOptions.limits`.
 * They keep the compiler's own work bounded (and its recursion far from the stack's end) whatever
 * the rules file holds; each one exceeded is an error diagnostic, never an exception. Run-time
 * limits live in engine/limits.ts.
 */
import { children, type Expr, DiagnosticSink, type Diagnostic, RuleTexts, type Span, loadYaml, type YNode, type YScalar } from '../grammar/index.js';
import { withOverrides } from './overrides.js';

export interface CompileLimits {
  /** Longest rules file read, in UTF-16 units (VLV0701). */
  readonly maxFileSize: number;
  /** Deepest nesting of YAML collections (flow or block) in a rules or schema file (VLV0702). */
  readonly maxYamlDepth: number;
  /** Longest rule expression, in UTF-16 units (VLV0703). */
  readonly maxRuleLength: number;
  /** Deepest nesting of `(`, `[`, `{` and `${` inside one rule, checked before parsing (VLV0704). */
  readonly maxNestingDepth: number;
  /** Deepest expression tree: every operator, call and property read is one level (VLV0705). */
  readonly maxExpressionDepth: number;
  /** Largest regular expression, in instructions of its compiled program (VLV0706): `match` costs input length × this. */
  readonly maxRegexSize: number;
}

export const COMPILE_LIMITS: CompileLimits = Object.freeze({
  maxFileSize: 1024 * 1024,
  maxYamlDepth: 64,
  maxRuleLength: 4096,
  maxNestingDepth: 32,
  maxExpressionDepth: 256,
  maxRegexSize: 1000,
});

/** The defaults with `overrides` applied; an override that is not a whole number ≥ 1 is an error. */
export function resolveCompileLimits(overrides?: Partial<CompileLimits>): CompileLimits {
  return withOverrides(COMPILE_LIMITS, overrides, 'compile limit');
}

export { cstTooDeep, parseYamlCst, yamlTooDeep } from '../grammar/index.js';

const OPEN = new Set(['LParen', 'LBracket', 'LCurly', 'TemplateHead']);
const CLOSE = new Set(['RParen', 'RBracket', 'RCurly', 'RCurlyClose', 'TemplateTail', 'UnterminatedTemplateTail']);

export interface LimitScan {
  /** VLV0703 / VLV0704 errors: the file must not be parsed. */
  readonly diagnostics: Diagnostic[];
  /** The rule with the most tokens: blamed if parsing still runs out of stack. */
  readonly suspect?: Span;
}

/**
 * Before the rules are parsed: every rule string (section → pattern → action → string, as
 * grammar/file.ts finds them) within maxRuleLength and maxNestingDepth. The parser recurses once
 * per bracket level, so a rule that nests too deeply is never handed to it. `loaded`: the text
 * already loaded by loadYaml, so the compiler loads it once. `texts`: where the tokens are kept
 * for the parser (each rule text is lexed once per compile).
 */
export function scanRules(text: string, file: string, limits: CompileLimits, loaded: { readonly root?: YNode } = loadYaml(text, file), texts: RuleTexts = new RuleTexts()): LimitScan {
  const sink = new DiagnosticSink(file, text);
  const root = loaded.root;
  let suspect: { span: Span; tokens: number } | undefined;
  const rules: { value: string; toFileSpan: (s: Span) => Span }[] = [];
  // Stryker disable next-line ArrayDeclaration: a non-map has no rules; the mutant's string, not being a map, has none either
  const maps = (n: YNode | undefined): YNode[] => (n?.kind === 'map' ? n.entries.map((e) => e.value) : []);
  for (const section of maps(root)) {
    for (const pattern of maps(section)) {
      for (const rule of maps(pattern)) {
        // Only a scalar has a `value`: the string test alone picks out the rule strings.
        const { value } = rule as Partial<YScalar>;
        if (typeof value === 'string' && value.trim() !== '') {
          const { span, toFileSpan } = rule as YScalar;
          rules.push({ value, toFileSpan: toFileSpan ?? (() => span) });
        }
      }
    }
  }
  const seen = new Set<string>();
  for (const { value, toFileSpan } of rules) {
    const whole = toFileSpan({ start: 0, end: value.length });
    const key = `${whole.start}:${whole.end}`;
    if (seen.has(key)) continue; // a rule reused through a YAML alias
    seen.add(key);
    if (value.length > limits.maxRuleLength) {
      sink.report('VLV0703', whole, { length: value.length, max: limits.maxRuleLength });
      continue;
    }
    const { tokens } = texts.lex(value);
    if (!suspect || tokens.length > suspect.tokens) suspect = { span: whole, tokens: tokens.length };
    let depth = 0;
    for (const t of tokens) {
      const type = t.tokenType.name;
      if (OPEN.has(type)) {
        depth++;
        if (depth > limits.maxNestingDepth) {
          sink.report('VLV0704', toFileSpan({ start: t.startOffset, end: t.startOffset + t.image.length }), { max: limits.maxNestingDepth });
          break;
        }
      } else if (CLOSE.has(type)) depth = Math.max(0, depth - 1);
    }
  }
  return { diagnostics: sink.items, ...(suspect ? { suspect: suspect.span } : {}) };
}

/** The first node (outermost first) found deeper than `max` in the expression tree, without recursion. */
export function tooDeep(expr: Expr, max: number): Expr | undefined {
  const stack: [Expr, number][] = [[expr, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return node;
    for (const c of children(node)) stack.push([c, depth + 1]);
  }
  return undefined;
}
