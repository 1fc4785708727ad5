/**
 * `valve test FILE… [--coverage] [--coverage-threshold PCT] [--format text|json]`: runs rule test
 * files (`*.test.yml`, see tooling/test-file.ts). Exit 0 all pass, 1 a test failed or coverage is
 * below the threshold, 2 an invalid test file or rules file (with the position of the problem).
 */
import { dirname, isAbsolute, join } from 'node:path';
import { type Diagnostic, hasErrors, type Environment, errorText, plural } from '../../grammar/index.js';
import { CoverageCollector, type CoverageReport, describeRequest, describeRule, parseTestFile, runTests, type TestFileError, type TestResult, type TestSuite } from '../../tooling/index.js';
import { compile, type RulesModule } from '../../engine/index.js';
import { formatCoverage } from '../formats/coverage.js';
import { processOutput, type Output } from '../formats/output.js';
import { readRules, readSource } from '../io.js';
import { formatJson, formatProblem, formatText, paint } from '../report.js';
import { EXIT, type ExitCode } from '../exit.js';

export interface TestOptions {
  readonly format: 'text' | 'json';
  readonly coverage?: boolean;
  /** Percent (0–100) of rules that must be seen allowing and denying; implies coverage. */
  readonly coverageThreshold?: number;
  /** `--substitute-env`: replace `${NAME}` in the rules' path patterns from these values. */
  readonly env?: Environment;
}

interface Rules {
  readonly file: string;
  readonly source: string;
  readonly module?: RulesModule;
  readonly diagnostics: readonly Diagnostic[];
  coverage?: CoverageCollector;
}

interface Loaded {
  readonly file: string;
  readonly source: string;
  readonly suite?: TestSuite;
  readonly rules?: Rules;
}

/** `permissions:` is relative to the test file. */
const permissionsPath = (testFile: string, rel: string): string => (isAbsolute(rel) ? rel : join(dirname(testFile), rel));

export async function runTest(files: readonly string[], options: TestOptions, io: Output = processOutput()): Promise<ExitCode> {
  const withCoverage = options.coverage === true || options.coverageThreshold !== undefined;
  const rulesByPath = new Map<string, Rules>();
  const problems: { error: TestFileError; source?: string }[] = [];
  const ruleDiagnostics: { diagnostics: readonly Diagnostic[]; source: string }[] = [];
  const loaded: Loaded[] = [];

  for (const file of files) {
    const source = readSource(file);
    const { suite, errors } = parseTestFile(source, file);
    for (const error of errors) problems.push({ error, source });
    if (!suite) continue;
    const path = permissionsPath(file, suite.permissions);
    const schemaPath = suite.schema === undefined ? undefined : permissionsPath(file, suite.schema);
    const cacheKey = `${path}\0${schemaPath ?? ''}`;
    let rules = rulesByPath.get(cacheKey);
    if (!rules) {
      let text: string | undefined;
      let tooLarge: Diagnostic | undefined;
      let schema: { text: string; file: string } | undefined;
      try {
        ({ text, tooLarge } = readRules(path));
      } catch (e) {
        problems.push({ error: { file, ...suite.permissionsAt, message: errorText(e) }, source });
        continue;
      }
      if (schemaPath !== undefined) {
        try {
          const read = readRules(schemaPath);
          if (read.tooLarge) throw new Error(`cannot read ${schemaPath}: ${read.tooLarge.message}`);
          schema = { text: read.text, file: schemaPath };
        } catch (e) {
          problems.push({ error: { file, ...suite.schemaAt!, message: errorText(e) }, source });
          continue;
        }
      }
      const { diagnostics, module } = tooLarge ? { diagnostics: [tooLarge], module: undefined } : compile(text, { file: path, ...(schema ? { schema } : {}), ...(options.env ? { env: options.env } : {}) });
      rules = { file: path, source: text, module, diagnostics };
      rulesByPath.set(cacheKey, rules);
      if (!module || hasErrors(diagnostics)) {
        const errors = diagnostics.filter((d) => d.severity === 'error');
        ruleDiagnostics.push({ diagnostics: errors, source: text });
      }
    }
    if (!rules.module) {
      const n = rules.diagnostics.filter((d) => d.severity === 'error').length;
      problems.push({ error: { file, ...suite.permissionsAt, message: `the rules file ${path} has ${plural(n, 'error')} (\`valve check ${path}\` lists them)` }, source });
      continue;
    }
    loaded.push({ file, source, suite, rules });
  }

  if (problems.length > 0) {
    if (options.format === 'json') {
      const errors = problems.map(({ error: e }) => ({ file: e.file, message: e.message, startLine: e.start.line, startColumn: e.start.column, endLine: e.end.line, endColumn: e.end.column }));
      io.out(`${JSON.stringify({ errors, ruleDiagnostics: JSON.parse(formatJson(ruleDiagnostics.flatMap((r) => r.diagnostics))) as unknown }, null, 2)}\n`);
    } else {
      for (const r of ruleDiagnostics) for (const d of r.diagnostics) io.err(`${formatText(d, r.source, { color: io.errColor })}\n`);
      for (const p of problems) io.err(`${formatProblem(p.error, p.source, { color: io.errColor })}\n`);
    }
    const n = problems.length;
    io.err(`valve: ${plural(n, 'problem')} in test files; no test was run\n`);
    return EXIT.usage;
  }

  const results: { file: string; permissions: string; results: TestResult[] }[] = [];
  for (const l of loaded) {
    const rules = l.rules as Rules;
    const module = rules.module as RulesModule;
    if (withCoverage && !rules.coverage) rules.coverage = new CoverageCollector(module.program, rules.source);
    const run = await runTests(l.suite as TestSuite, module, rules.source, { explainAll: withCoverage });
    if (rules.coverage) for (const r of run) rules.coverage.add(r.decision, r.explanation);
    results.push({ file: l.file, permissions: rules.file, results: run });
  }

  const all = results.flatMap((r) => r.results);
  const passed = all.filter((r) => r.passed).length;
  const failed = all.length - passed;
  const reports: CoverageReport[] = withCoverage ? [...rulesByPath.values()].flatMap((r) => (r.coverage ? [r.coverage.report()] : [])) : [];
  const rulesTotal = reports.reduce((n, r) => n + r.totals.rules, 0);
  const complete = reports.reduce((n, r) => n + r.totals.complete, 0);
  const percent = rulesTotal === 0 ? 100 : (100 * complete) / rulesTotal;
  const belowThreshold = options.coverageThreshold !== undefined && percent < options.coverageThreshold;

  if (options.format === 'json') {
    const json = {
      files: results.map((f) => ({
        file: f.file,
        permissions: f.permissions,
        tests: f.results.map((r) => ({
          name: r.test.name,
          line: r.test.start.line,
          column: r.test.start.column,
          request: r.test.request,
          expected: r.test.expect,
          actual: r.actual,
          passed: r.passed,
          pattern: r.decision.pattern ?? null,
          rule: r.decision.location ?? null,
          reason: r.decision.reason,
          ...(r.decision.error !== undefined ? { error: r.decision.error } : {}),
          ...(!r.passed && r.explanation ? { ruleText: r.explanation.ruleText ?? null, steps: r.explanation.steps } : {}),
        })),
      })),
      ...(withCoverage ? { coverage: reports } : {}),
      ...(options.coverageThreshold !== undefined ? { threshold: { percent: options.coverageThreshold, actual: percent, met: !belowThreshold } } : {}),
      passed,
      failed,
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    io.err(`${passed} passed, ${failed} failed\n`);
  } else {
    for (const f of results)
      for (const r of f.results) {
        if (r.passed) continue;
        const why = r.decision.error !== undefined ? ` (${r.decision.reason.message})` : '';
        io.out(
          `${paint(io.color, '31;1', 'FAIL')} ${f.file}:${r.test.start.line}:${r.test.start.column} ${JSON.stringify(r.test.name)}: ${describeRequest(r.test.request)}: expected ${r.test.expect}, got ${r.actual} from ${describeRule(r.decision)}${why}\n`,
        );
      }
    if (failed > 0 && withCoverage) io.out('\n');
    for (const report of reports) io.out(`${formatCoverage(report, { color: io.color })}\n\n`);
    if (options.coverageThreshold !== undefined) {
      const line = `coverage ${percent.toFixed(1)}% of rules allowing and denying ${belowThreshold ? 'is below' : 'meets'} the threshold of ${options.coverageThreshold}%`;
      io.out(`${belowThreshold ? paint(io.color, '31;1', line) : line}\n`);
    }
    io.out(`${passed} passed, ${failed} failed\n`);
  }
  return failed > 0 || belowThreshold ? EXIT.failed : EXIT.ok;
}
