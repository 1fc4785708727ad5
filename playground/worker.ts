/**
 * The compiler in a Web Worker, so typing stays smooth: it compiles on each (debounced) change,
 * answers completion and hover questions, decides simulator requests with an explanation, and
 * runs test files. Everything here is the same code the CLI runs; the page only shows results.
 */
import { namedErrorText, noun, plural } from '../grammar/index.js';
import { compile, type CompileResult } from '../engine/index.js';
import { decidingRule, explain, describeRule, parseRecords, parseTestFile, recordLoader, runTests } from '../tooling/index.js';
import { complete, hover } from '../editor/index.js';
import { recordsMessage, SCHEMA_FILE, type CompileReply, type RecordsProblem, type RequestKind, type Requests, type SimulateReply, type TestsReply, type WorkerReply, type WorkerRequest } from './protocol.js';

/** The last compilation, reused while the rules and the schema do not change. */
let cached: { text: string; file: string; schema: string; result: CompileResult } | undefined;

function compiled(text: string, file: string, schema: string): CompileResult {
  if (cached?.text === text && cached.file === file && cached.schema === schema) return cached.result;
  const result = compile(text, { file, ...(schema.trim() !== '' ? { schema: { text: schema, file: SCHEMA_FILE } } : {}) });
  cached = { text, file, schema, result };
  return result;
}

const notCompiled = (result: CompileResult): string => {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const where = errors.every((d) => d.file === SCHEMA_FILE) ? 'The schema has' : 'The rules have';
  return `${where} ${plural(errors.length, 'error')}; fix ${noun(errors.length, 'it', 'them')} to run requests.`;
};

/** The Records tab's text (empty: no records) as the simulator reads it, or its first problem. */
function readRecords(text: string): { records: Map<string, unknown> } | { problem: RecordsProblem } {
  const parsed = parseRecords(text.trim() === '' ? '{}' : text, 'records');
  if (parsed.records) return { records: parsed.records };
  const e = parsed.errors[0];
  return { problem: { line: e.start.line, column: e.start.column, message: e.message } };
}

async function simulate({ text, file, schema, request, records }: Requests['simulate']['args']): Promise<SimulateReply> {
  const result = compiled(text, file, schema);
  if (!result.module) return { kind: 'invalid', message: notCompiled(result) };
  const read = readRecords(records);
  if ('problem' in read) return { kind: 'invalid', message: recordsMessage(read.problem) };
  const loaded: string[] = [];
  const load = recordLoader(read.records);
  const loadRecord = (name: string): unknown => {
    loaded.push(name);
    return load(name);
  };
  const explanation = await explain(result.module.program, text, request, { loadRecord });
  const d = explanation.decision;
  const rule = decidingRule(result.module.program, d);
  return {
    kind: 'decided',
    decision: d,
    ...(explanation.ruleText !== undefined ? { ruleText: explanation.ruleText } : {}),
    ...(rule ? { rule: { line: rule.location.line, column: rule.location.column, endLine: rule.location.endLine, endColumn: rule.location.endColumn } } : {}),
    steps: explanation.steps,
    loaded,
  };
}

async function tests({ text, file, schema, tests: testText }: Requests['tests']['args']): Promise<TestsReply> {
  const parsed = parseTestFile(testText, 'rules.test.yml');
  if (!parsed.suite) return { kind: 'invalid', problems: parsed.errors.map((e) => ({ line: e.start.line, column: e.start.column, message: e.message })) };
  const result = compiled(text, file, schema);
  if (!result.module) return { kind: 'invalid', problems: [{ line: 0, column: 0, message: notCompiled(result) }] };
  const suite = parsed.suite;
  const results = await runTests(suite, result.module, text);
  return {
    kind: 'ran',
    records: Object.fromEntries(suite.records),
    results: results.map((r) => ({
      name: r.test.name,
      index: r.test.index,
      line: r.test.start.line,
      expect: r.test.expect,
      actual: r.actual,
      passed: r.passed,
      request: r.test.request,
      rule: describeRule(r.decision),
      reason: r.decision.reason.message,
    })),
  };
}

const handlers: { [K in RequestKind]: (args: Requests[K]['args']) => Requests[K]['reply'] | Promise<Requests[K]['reply']> } = {
  compile: ({ text, file, schema }): CompileReply => {
    const t0 = performance.now();
    const result = compiled(text, file, schema);
    return {
      diagnostics: result.diagnostics.filter((d) => d.file !== SCHEMA_FILE),
      schemaDiagnostics: result.diagnostics.filter((d) => d.file === SCHEMA_FILE),
      ms: performance.now() - t0,
    };
  },
  complete: ({ text, offset, schema }) => complete(text, offset, schema),
  hover: ({ text, offset, schema }) => hover(text, offset, schema),
  simulate,
  tests,
  records: ({ records }) => {
    const read = readRecords(records);
    return 'problem' in read ? read.problem : undefined;
  },
  testFileInfo: ({ tests: testText }) => {
    const { suite } = parseTestFile(testText, 'rules.test.yml');
    if (!suite) return undefined;
    const first = suite.tests[0];
    return { records: JSON.stringify(Object.fromEntries(suite.records), null, 2), ...(first ? { first: first.request } : {}) };
  },
};

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, kind, args } = e.data;
  let reply: WorkerReply;
  try {
    const handler = handlers[kind] as (a: typeof args) => unknown;
    reply = { id, ok: true, value: await handler(args) };
  } catch (err) {
    // An internal bug, not a rule problem: the page shows it instead of hanging.
    reply = { id, ok: false, error: namedErrorText(err) };
  }
  (self as unknown as Worker).postMessage(reply);
};
