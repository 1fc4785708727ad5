/**
 * compileProgram(text) → diagnostics, the checked program (typed AST) and the generated module
 * source. Pure: no I/O and no Node-only APIs, so it runs in the browser too.
 */
import { walk, type Expr, DiagnosticSink, hasErrors, sortDiagnostics, type Diagnostic, type Reporter, parseRuleFile, type Environment, LineIndex, type Span, loadYaml, type YamlCst, RuleTexts } from '../grammar/index.js';
import { checkRuleExpr, type RuleUsage } from './check-rule.js';
import { emitFactory, emitModule } from './emit.js';
import { TypeChecker } from './checker.js';
import { cstTooDeep, parseYamlCst, resolveCompileLimits, scanRules, tooDeep, type CompileLimits } from './limits.js';
import { lintFile, lintRule } from './lints.js';
import { loadSchema, type Schema } from './schema.js';
import { applySuppressions } from './suppress.js';
import type { CheckedRule, RuleProgram } from './program.js';
import { checkStructure } from './structure.js';

export interface CompileOptions {
  /** File name used in diagnostics and rule locations. */
  readonly file?: string;
  /** Optional schema file (YAML/JSON) describing user.data, records, events and RPC payloads. */
  readonly schema?: { readonly text: string; readonly file?: string } | Schema;
  /** Compile-time limits (compiler/limits.ts); each one left out keeps its default. Invalid values throw. */
  readonly limits?: Partial<CompileLimits>;
  /**
   * False: leave out `factorySource` and `moduleSource` (a caller that only wants diagnostics,
   * such as `valve check`, skips generating code for every rule). Default true.
   */
  readonly emit?: boolean;
  /**
   * Substitute `${NAME}` in path patterns from these values (upstream's config loader does it
   * across the whole file; we never touch rule expressions). Absent: patterns as written.
   */
  readonly env?: Environment;
}

function readSchema(option: CompileOptions['schema'], limits: CompileLimits): { schema?: Schema; diagnostics: readonly Diagnostic[] } {
  if (!option) return { diagnostics: [] };
  if ('sections' in option) return { schema: option, diagnostics: [] };
  const file = option.file ?? 'permissions.schema.yml';
  const tooBig = yamlLimits(option.text, file, limits);
  if (tooBig) return { diagnostics: [tooBig] };
  return loadSchema(option.text, file);
}

/**
 * A YAML text over maxFileSize or maxYamlDepth: one diagnostic, and the text must not be loaded.
 * `parse` is only called within the size limit; it returns the CST that the loader then reuses.
 */
function yamlLimits(text: string, file: string, limits: CompileLimits, parse: () => YamlCst = () => parseYamlCst(text)): Diagnostic | undefined {
  if (text.length > limits.maxFileSize) return new DiagnosticSink(file, text).report('VLV0701', { start: 0, end: 0 }, { size: text.length, max: limits.maxFileSize });
  const deep = cstTooDeep(parse(), limits.maxYamlDepth);
  if (deep) return new DiagnosticSink(file, text).report('VLV0702', { start: deep.offset, end: deep.offset + 1 }, { max: limits.maxYamlDepth });
  return undefined;
}

/**
 * The YAML limits, then the text loaded: one parse and one load serve the limit scan and the
 * compiler. A function of its own so yaml's token tree is garbage before the rules are compiled.
 */
function loadWithinLimits(text: string, file: string, limits: CompileLimits): { tooBig: Diagnostic } | { loaded: ReturnType<typeof loadYaml> } {
  let cst: YamlCst | undefined;
  const tooBig = yamlLimits(text, file, limits, () => (cst = parseYamlCst(text)));
  return tooBig ? { tooBig } : { loaded: loadYaml(text, file, cst) };
}

export interface ProgramResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the file has no errors. */
  readonly program?: RuleProgram;
  /** Source of the factory function `valveRules(r)`; present with `program` unless `emit: false`. */
  readonly factorySource?: string;
  /** Full ES module text (what `valve compile` writes); present with `program` unless `emit: false`. */
  readonly moduleSource?: string;
}

const NO_USAGE: RuleUsage = { data: false, oldData: false, refs: false };

function refArguments(expr: Expr): Expr[] {
  const args: Expr[] = [];
  walk(expr, (n) => {
    if (n.kind === 'call' && n.callee.kind === 'identifier' && n.callee.name === '_' && n.args.length >= 1) args.push(n.args[0]);
  });
  return args;
}

/** Did the grammar report a problem inside this rule's text? */
function hasSyntaxError(grammarDiagnostics: readonly Diagnostic[], rule: { node: { span: Span } }): boolean {
  const { start, end } = rule.node.span;
  return grammarDiagnostics.some((d) => d.severity === 'error' && d.start.offset >= start && d.start.offset <= end);
}

/** A rule reused through a YAML alias is checked at each use; say each problem once. */
function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}\0${d.start.offset}\0${d.end.offset}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Never throws for any text: every problem is a diagnostic. The limits are checked before the
 * file is parsed (size, YAML nesting, rule length, bracket nesting) and before a rule is walked
 * (expression depth); see compiler/limits.ts.
 */
export function compileProgram(text: string, options: CompileOptions = {}): ProgramResult {
  const file = options.file ?? 'permissions.yml';
  const limits = resolveCompileLimits(options.limits);
  const yaml = loadWithinLimits(text, file, limits);
  if ('tooBig' in yaml) return { diagnostics: [yaml.tooBig] };
  const { loaded } = yaml;
  // The limit scan's tokens serve the parser: each distinct rule text is lexed and parsed once.
  const texts = new RuleTexts();
  const scan = scanRules(text, file, limits, loaded, texts);
  if (scan.diagnostics.length > 0) return { diagnostics: sortDiagnostics(scan.diagnostics) };
  try {
    return compileWithin(text, options, file, limits, loaded, texts);
  } catch (e) {
    // INVARIANT: the limits keep every recursion shallow; this backstop keeps a miss a diagnostic.
    if (!(e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    return { diagnostics: [new DiagnosticSink(file, text).report('VLV0705', scan.suspect ?? { start: 0, end: 0 }, { max: limits.maxExpressionDepth })] };
  }
}

function compileWithin(text: string, options: CompileOptions, file: string, limits: CompileLimits, loaded: ReturnType<typeof loadYaml>, texts: RuleTexts): ProgramResult {
  const parsed = parseRuleFile(text, file, loaded, options.env, texts);
  const { schema, diagnostics: schemaDiagnostics } = readSchema(options.schema, limits);
  if (!parsed.ast) return { diagnostics: sortDiagnostics([...schemaDiagnostics, ...parsed.diagnostics]) };
  const sink = new DiagnosticSink(file, text);
  const lines = new LineIndex(text);
  const sites = checkStructure(parsed.ast, sink);
  const rules: CheckedRule[] = [];
  for (const site of sites) {
    const { rule } = site;
    const report: Reporter = (code, where, params, severity, related) => sink.report(code, rule.toFileSpan(where), params, severity, related?.map((r) => ({ message: r.message, span: rule.toFileSpan(r.span) })));
    let usage = NO_USAGE;
    const deep = rule.expr && tooDeep(rule.expr, limits.maxExpressionDepth);
    if (deep) sink.report('VLV0705', rule.toFileSpan(deep.span), { max: limits.maxExpressionDepth, inRule: true });
    if (rule.expr && !deep) {
      const before = sink.items.length;
      usage = checkRuleExpr(
        rule.expr,
        { section: site.section, action: site.actionKnown ? rule.action : undefined, pattern: site.patternAst.text, variables: site.pattern?.variables, maxRegexSize: limits.maxRegexSize },
        report,
      );
      // Types and lints only speak about rules that are otherwise sound.
      if (sink.items.length === before && !hasSyntaxError(parsed.diagnostics, rule)) {
        new TypeChecker({ section: site.section, action: site.actionKnown ? rule.action : undefined, pattern: site.pattern, schema }, report).check(rule.expr);
        lintRule(rule.expr, rule.text ?? '', report);
      }
    }
    if (!site.valid || !site.section || !site.pattern) continue;
    const start = lines.position(rule.node.span.start);
    const end = lines.position(rule.node.span.end);
    rules.push({
      section: site.section,
      pattern: site.pattern.text,
      parts: site.pattern.parts,
      variables: site.pattern.variables,
      action: rule.action,
      order: site.order,
      body: rule.expr && rule.text !== undefined ? { kind: 'expression', text: rule.text, expr: rule.expr } : { kind: 'constant', value: rule.node.kind === 'scalar' && rule.node.value === true },
      location: { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column },
      usage,
      refArgs: rule.expr && !deep ? refArguments(rule.expr) : [],
      toFileSpan: (s: Span) => rule.toFileSpan(s),
    });
  }
  // File-level lints need a sound structure; type errors (05xx) do not stop them.
  const blocking = (d: Diagnostic): boolean => d.severity === 'error' && !d.code.startsWith('VLV05');
  if (!sink.items.some(blocking) && !parsed.diagnostics.some(blocking)) lintFile(sites, sink);
  const own = applySuppressions(text, dedupe([...parsed.diagnostics, ...sink.items]));
  const diagnostics = sortDiagnostics([...schemaDiagnostics, ...own]);
  if (hasErrors(diagnostics)) return { diagnostics };
  const program: RuleProgram = { file, rules };
  if (options.emit === false) return { diagnostics, program };
  const factorySource = emitFactory(program);
  // U+2028 / U+2029 end a `//` comment in JavaScript: the file name in the module's header comment
  // must not become code. Everywhere else they sit in JSON strings, where the escape means the same.
  const moduleSource = emitModule(program, factorySource).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return { diagnostics, program, factorySource, moduleSource };
}

export type { CheckedRule, RuleLocation, RuleProgram } from './program.js';
export type { RuleUsage } from './check-rule.js';
export { loadSchema, type Schema } from './schema.js';
export { COMPILE_LIMITS, type CompileLimits } from './limits.js';

// What front ends and later stages read of the compiler: every module's exports, through this one entry.
export * from './check-rule.js';
export * from './checker.js';
export * from './emit.js';
export * from './limits.js';
export * from './lints.js';
export * from './overrides.js';
export * from './program.js';
export * from './regex-alphabet.js';
export * from './regex-charset.js';
export * from './regex-empty.js';
export * from './regex-floor.js';
export * from './regex-js.js';
export * from './regex-parse.js';
export * from './regex-sets.js';
export * from './regex-size.js';
export * from './regex.js';
export * from './schema.js';
export * from './scope.js';
export * from './shadow.js';
export * from './structure.js';
export * from './suggest.js';
export * from './suppress.js';
export * from './truth.js';
export * from './types.js';
export * from './language/index.js';
