/** Messages between the page and the compiler worker: plain data only (structured clone). */
import type { Diagnostic } from '../grammar/index.js';
import type { CheckRequest, Decision } from '../engine/index.js';
import type { ExplainStep } from '../tooling/index.js';
import type { Completion, HoverInfo } from '../editor/index.js';

/** A rule's place in the file (1-based lines and columns). */
export interface RuleRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** The name the schema tab's text goes by in diagnostics. */
export const SCHEMA_FILE = 'permissions.schema.yml';

export interface CompileReply {
  /** Problems in the rules (the editor's markers). */
  readonly diagnostics: readonly Diagnostic[];
  /** Problems in the schema tab's text. */
  readonly schemaDiagnostics: readonly Diagnostic[];
  readonly ms: number;
}

export type SimulateReply =
  | { readonly kind: 'invalid'; readonly message: string }
  | {
      readonly kind: 'decided';
      readonly decision: Decision;
      readonly ruleText?: string;
      readonly rule?: RuleRange;
      readonly steps: readonly ExplainStep[];
      /** Record names the check loaded (`_()` and `oldData`), in order. */
      readonly loaded: readonly string[];
    };

export interface TestOutcome {
  readonly name: string;
  readonly index: number;
  readonly line: number;
  readonly expect: 'allow' | 'deny';
  readonly actual: 'allow' | 'deny';
  readonly passed: boolean;
  readonly request: CheckRequest;
  /** `record "profile/$id" write at file:line:col`, or why no rule applied. */
  readonly rule: string;
  readonly reason: string;
}

export type TestsReply =
  | { readonly kind: 'invalid'; readonly problems: readonly { readonly line: number; readonly column: number; readonly message: string }[] }
  | { readonly kind: 'ran'; readonly results: readonly TestOutcome[]; readonly records: Readonly<Record<string, unknown>> };

/** The first problem of the Records tab's text, as the simulator reads it (tooling/test-file.ts parseRecords). */
export interface RecordsProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** How a records problem reads, in the simulator's result and under the Records tab alike. */
export const recordsMessage = (p: RecordsProblem): string => `Records ${p.line}:${p.column}: ${p.message}`;

export interface Requests {
  compile: { args: { text: string; file: string; schema: string }; reply: CompileReply };
  complete: { args: { text: string; offset: number; schema: string }; reply: Completion | undefined };
  hover: { args: { text: string; offset: number; schema: string }; reply: HoverInfo | undefined };
  simulate: { args: { text: string; file: string; schema: string; request: CheckRequest; records: string }; reply: SimulateReply };
  tests: { args: { text: string; file: string; schema: string; tests: string }; reply: TestsReply };
  /** Whether the Records tab's text is records (undefined) or what is wrong with it, checked as you type. */
  records: { args: { records: string }; reply: RecordsProblem | undefined };
  /** A test file's `records:` as JSON text (for the Records tab) and its first test's request. */
  testFileInfo: { args: { tests: string }; reply: { records: string; first?: CheckRequest } | undefined };
}

export type RequestKind = keyof Requests;
export type WorkerRequest = { [K in RequestKind]: { id: number; kind: K; args: Requests[K]['args'] } }[RequestKind];
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
