/**
 * compileProgram(text) → diagnostics, the checked program (typed AST) and the generated module
 * source. Pure: no I/O and no Node-only APIs, so it runs in the browser too.
 */
import { walk, type Expr } from '../grammar/ast.js';
import type { Reporter } from '../grammar/cst-to-ast.js';
import { DiagnosticSink, hasErrors, sortDiagnostics, type Diagnostic } from '../grammar/diagnostic.js';
import { parseRuleFile } from '../grammar/file.js';
import { LineIndex, type Span } from '../grammar/span.js';
import { checkRuleExpr, type RuleUsage } from './check-rule.js';
import { emitFactory, emitModule } from './emit.js';
import { TypeChecker } from './checker.js';
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
}

function readSchema(option: CompileOptions['schema']): { schema?: Schema; diagnostics: readonly Diagnostic[] } {
  if (!option) return { diagnostics: [] };
  if ('sections' in option) return { schema: option, diagnostics: [] };
  return loadSchema(option.text, option.file ?? 'permissions.schema.yml');
}

export interface ProgramResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the file has no errors. */
  readonly program?: RuleProgram;
  /** Source of the factory function `valveRules(r)`; present with `program`. */
  readonly factorySource?: string;
  /** Full ES module text (what `valve compile` writes); present with `program`. */
  readonly moduleSource?: string;
}

const NO_USAGE: RuleUsage = { data: false, oldData: false, refs: false };

function refArguments(expr: Expr): Expr[] {
  const args: Expr[] = [];
  walk(expr, (n) => {
    if (n.kind === 'call' && n.callee.kind === 'identifier' && n.callee.name === '_' && n.args.length === 1) args.push(n.args[0]);
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

export function compileProgram(text: string, options: CompileOptions = {}): ProgramResult {
  const file = options.file ?? 'permissions.yml';
  const parsed = parseRuleFile(text, file);
  const { schema, diagnostics: schemaDiagnostics } = readSchema(options.schema);
  if (!parsed.ast) return { diagnostics: sortDiagnostics([...schemaDiagnostics, ...parsed.diagnostics]) };
  const sink = new DiagnosticSink(file, text);
  const lines = new LineIndex(text);
  const sites = checkStructure(parsed.ast, sink);
  const rules: CheckedRule[] = [];
  for (const site of sites) {
    const { rule } = site;
    const report: Reporter = (code, where, params, hint, severity) => sink.report(code, rule.toFileSpan(where), params, hint, severity);
    let usage = NO_USAGE;
    if (rule.expr) {
      const before = sink.items.length;
      usage = checkRuleExpr(
        rule.expr,
        { section: site.section, action: site.actionKnown ? rule.action : undefined, pattern: site.patternAst.text, variables: site.pattern?.variables },
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
      refArgs: rule.expr ? refArguments(rule.expr) : [],
      toFileSpan: (s: Span) => rule.toFileSpan(s),
    });
  }
  if (!sink.hasErrors && !parsed.diagnostics.some((d) => d.severity === 'error')) lintFile(sites, sink);
  const own = applySuppressions(text, dedupe([...parsed.diagnostics, ...sink.items]));
  const diagnostics = sortDiagnostics([...schemaDiagnostics, ...own]);
  if (hasErrors(diagnostics)) return { diagnostics };
  const program: RuleProgram = { file, rules };
  const factorySource = emitFactory(program);
  return { diagnostics, program, factorySource, moduleSource: emitModule(program, factorySource) };
}

export type { CheckedRule, RuleLocation, RuleProgram } from './program.js';
export type { RuleUsage } from './check-rule.js';
export { loadSchema, type Schema } from './schema.js';
