/**
 * `valve eval --permissions FILE --request JSON|@file.json [--records JSON|@file] [--explain]`:
 * decides one request and prints the decision as JSON; with `--explain`, why: the chosen pattern
 * and rule, the `$variables`, and the value of every sub-expression (short-circuited ones marked).
 * Exit 0 with a decision (allow or deny), 2 for unreadable or invalid input.
 */
import type { RuleProgram } from '../../compiler/index.js';
import { hasErrors, type Environment } from '../../grammar/index.js';
import { type Decision, compile } from '../../engine/index.js';
import { decidingRule, explain, type Explanation, parseRecords, parseRequest, storedLoader, storedTwice, type TestFileError } from '../../tooling/index.js';
import { oneLine } from '../formats/coverage.js';
import { processOutput, type Output } from '../formats/output.js';
import { readRules, readSource } from '../io.js';
import { formatProblem, formatText, paint } from '../report.js';
import { EXIT, type ExitCode } from '../exit.js';

export interface EvalOptions {
  readonly permissions: string;
  readonly request: string;
  readonly records?: string;
  readonly explain?: boolean;
  /** json (default), or text (the default with --explain). */
  readonly format?: 'json' | 'text';
  /** `--substitute-env`: replace `${NAME}` in path patterns from these values. */
  readonly env?: Environment;
}

/** `@path` reads a file; anything else is the JSON itself. */
function argument(value: string, option: string): { text: string; file: string } {
  return value.startsWith('@') ? { text: readSource(value.slice(1)), file: value.slice(1) } : { text: value, file: option };
}

function problems(errors: readonly TestFileError[], source: string, io: Output): ExitCode {
  for (const e of errors) io.err(`${formatProblem(e, source, { color: io.errColor })}\n`);
  return EXIT.usage;
}

export async function runEval(options: EvalOptions, io: Output = processOutput()): Promise<ExitCode> {
  const req = argument(options.request, '--request');
  const parsed = parseRequest(req.text, req.file);
  if (!parsed.request) return problems(parsed.errors, req.text, io);
  let records = new Map<string, unknown>();
  if (options.records !== undefined) {
    const rec = argument(options.records, '--records');
    const r = parseRecords(rec.text, rec.file);
    if (!r.records) return problems(r.errors, rec.text, io);
    records = r.records;
    // One stored record, two values: as `valve test` refuses it, so does eval.
    const at = parsed.request.name === undefined ? undefined : r.keys?.get(parsed.request.name);
    if (at && storedTwice(parsed.request, records)) {
      const message = `\`${parsed.request.name}\` differs from the request's \`oldData\`; both are the one stored record that \`oldData\` and \`_()\` read: give it in one place, or equal in both`;
      return problems([{ ...at, message }], rec.text, io);
    }
  }
  const { text: source, tooLarge } = readRules(options.permissions);
  const { diagnostics, module } = tooLarge ? { diagnostics: [tooLarge], module: undefined } : compile(source, { file: options.permissions, ...(options.env ? { env: options.env } : {}) });
  if (!module || hasErrors(diagnostics)) {
    for (const d of diagnostics) if (d.severity === 'error') io.err(`${formatText(d, source, { color: io.errColor })}\n`);
    io.err(`valve: ${options.permissions} has errors; nothing was evaluated\n`);
    return EXIT.usage;
  }
  const checkOptions = { loadRecord: storedLoader(parsed.request, records) };
  const decision = await module.check(parsed.request, checkOptions);
  const format = options.format ?? (options.explain ? 'text' : 'json');
  if (!options.explain) {
    io.out(format === 'json' ? `${JSON.stringify(orderedDecision(decision), null, 2)}\n` : `${decisionLine(decision, io.color)}\n`);
    return EXIT.ok;
  }
  const explanation = await explain(module.program, source, parsed.request, checkOptions);
  if (format === 'json') io.out(`${JSON.stringify(explainJson(decision, explanation, module.program), null, 2)}\n`);
  else io.out(`${formatExplanation(decision, explanation, module.program, io.color)}\n`);
  return EXIT.ok;
}

const isLiteral = (text: string): boolean => /^(?:'[^'\\]*'|"[^"\\]*"|-?\d+(?:\.\d+)?|true|false|null|undefined)$/.test(text.trim());

/** A decision with `allowed` first, the way a person reads it. */
export const orderedDecision = (d: Decision): Decision => {
  const { allowed, ...rest } = d;
  return { allowed, ...rest };
};

/** The deciding rule as written: its expression, or `true` / `false`. */
function ruleText(d: Decision, e: Explanation, program: RuleProgram): string {
  if (e.ruleText !== undefined) return e.ruleText;
  const rule = decidingRule(program, d);
  return rule ? (rule.body.kind === 'expression' ? rule.body.text : String(rule.body.value)) : '';
}

function decisionLine(d: Decision, color: boolean): string {
  const verdict = d.allowed ? paint(color, '32;1', 'allow') : paint(color, '31;1', 'deny');
  return `${verdict} ${d.section} ${d.action} ${d.name === undefined ? '(all users)' : JSON.stringify(d.name)}`;
}

/** The JSON of `--explain --format json`: the decision, then the rule and its evaluation. */
export function explainJson(decision: Decision, e: Explanation, program: RuleProgram): object {
  return {
    decision: orderedDecision(decision),
    rule:
      decision.pattern === undefined
        ? null
        : { section: decision.section, pattern: decision.pattern, action: decision.action, location: decision.location, text: ruleText(decision, e, program) },
    variables: decision.variables ?? {},
    steps: e.steps,
  };
}

/** What a person reads: verdict, pattern and rule, `$variables`, reason, then the evaluation tree. */
export function formatExplanation(d: Decision, e: Explanation, program: RuleProgram, color: boolean): string {
  const lines = [decisionLine(d, color)];
  if (d.pattern === undefined) {
    lines.push(`  no rule: ${d.reason.message}`);
    return lines.join('\n');
  }
  lines.push(`  pattern   ${JSON.stringify(d.pattern)} ${d.action} at ${d.location ?? '?'}`);
  lines.push(`  rule      ${oneLine(ruleText(d, e, program), 200)}`);
  for (const [name, value] of Object.entries(d.variables ?? {})) lines.push(`  ${name.padEnd(9)} ${JSON.stringify(value)}`);
  lines.push(`  reason    ${d.reason.message}`);
  if (e.steps.length > 0) {
    lines.push('  evaluation (each sub-expression = its value; "not evaluated" marks a short-circuited one):');
    const open: number[] = [];
    for (const s of e.steps) {
      // Steps are in pre-order; indent by the shown steps enclosing this one.
      while (open.length > 0 && open[open.length - 1] >= s.depth) open.pop();
      const indent = open.length;
      open.push(s.depth);
      // Literals are their own value, and `_` of `_(name)` is the call itself: not worth a line.
      if ((s.status === 'value' && isLiteral(s.text)) || s.text === '_') continue;
      const shown = s.status === 'value' ? `= ${s.value ?? 'undefined'}` : s.status === 'error' ? `= error: ${s.error ?? ''}` : 'not evaluated (short-circuited)';
      const painted = s.status === 'skipped' ? paint(color, '2', shown) : s.status === 'error' ? paint(color, '31', shown) : shown;
      lines.push(`    ${'  '.repeat(indent)}${oneLine(s.text, 120)}  ${painted}`);
    }
  }
  return lines.join('\n');
}
