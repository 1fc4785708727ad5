import { type Code, type Entry, type Fix, fixOf, hintOf, MESSAGES, type MessageParams, type RelatedPattern, relatedOf } from './messages.js';
import { LineIndex, type Position, type Span } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

/** The one diagnostic shape used by every stage, the CLI and the playground. */
export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
  readonly hint?: string;
  /** Other places in the same file that explain this one (the `(` an unclosed group opened). */
  readonly related?: readonly RelatedLocation[];
  /** The hint as an edit, when it is mechanical (the catalogue's `fix`): an editor's quick fix. */
  readonly fix?: Fix;
  /** Other patterns of the same section the problem involves, by name (an editor finds and shows them). */
  readonly relatedPatterns?: readonly RelatedPattern[];
}

/** A second place a diagnostic points at, in its own file, with what it is. */
export interface RelatedLocation {
  readonly message: string;
  readonly start: Position;
  readonly end: Position;
}

/** A related place as a stage reports it: a span of the text it reads (reporters map it as they map `where`). */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

/** How a stage reports a problem: a catalogue code, where, the message's parameters (DiagnosticSink.report's shape). */
export type Reporter = <C extends Code>(code: C, where: Span, params: MessageParams<C>, severity?: Severity, related?: readonly RelatedSpan[]) => void;

/** Collects diagnostics for one source text, turning file offsets into line:column. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  // Built on the first report: most sinks over a big file never report anything.
  private lines?: LineIndex;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  /**
   * Message and hint both come from the catalogue entry and `params`: a call site gives no text of
   * its own. `severity` overrides the catalogue's default (the type checker reports errors as
   * warnings without a schema).
   */
  report<C extends Code>(code: C, where: Span, params: MessageParams<C>, severity?: Severity, related?: readonly RelatedSpan[]): Diagnostic {
    // One entry of the union, read with its own parameters (TypeScript can not correlate `code` and `params`).
    const entry = MESSAGES[code] as unknown as Entry<MessageParams<C>>;
    const hint = hintOf(code, params);
    const fix = fixOf(code, params);
    const patterns = relatedOf(code, params);
    const d: Diagnostic = {
      code,
      severity: severity ?? entry.severity,
      message: entry.message(params),
      file: this.file,
      start: (this.lines ??= new LineIndex(this.text)).position(where.start),
      end: this.lines.position(Math.max(where.start, where.end)),
      ...(hint !== undefined ? { hint } : {}),
      ...(related?.length ? { related: related.map((r) => ({ message: r.message, start: this.lines!.position(r.span.start), end: this.lines!.position(Math.max(r.span.start, r.span.end)) })) } : {}),
      ...(fix !== undefined ? { fix } : {}),
      ...(patterns.length > 0 ? { relatedPatterns: patterns } : {}),
    };
    this.items.push(d);
    return d;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** Position order, then code, so every report lists problems the way a reader meets them. */
export const compareDiagnostics = (a: Diagnostic, b: Diagnostic): number =>
  a.file.localeCompare(b.file) ||
  a.start.offset - b.start.offset ||
  a.end.offset - b.end.offset ||
  a.code.localeCompare(b.code);

export const sortDiagnostics = (list: readonly Diagnostic[]): Diagnostic[] => [...list].sort(compareDiagnostics);

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');
