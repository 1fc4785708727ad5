/**
 * Which rules a node enforces. In a cluster every node loads its own copy of the rules, so an
 * operator needs each node to say which version is in force: a content hash of the rules source
 * (equal texts give equal versions on every node, whatever the file's path or mtime), when it was
 * loaded, and why the last file offered since was refused. The plugin logs the version at every
 * load; `valve serve` answers GET /valve with status().
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../grammar/index.js';

/** The version of a rules text: the first 16 hex digits of its SHA-256 (UTF-8). */
export function rulesVersion(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 16);
}

/** A diagnostic as `valve check --format json` gives it (plain JSON for the status endpoint). */
export interface StatusDiagnostic {
  readonly file: string;
  readonly code: string;
  readonly severity: Diagnostic['severity'];
  readonly message: string;
  readonly hint?: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface RefusedRules {
  /** The refused text's version; absent when the file could not be read. */
  readonly version?: string;
  /** ISO time of the refusal. */
  readonly at: string;
  /** One line: why it was refused. */
  readonly reason: string;
  readonly diagnostics: readonly StatusDiagnostic[];
}

export interface RulesStatus {
  /** deepstream's `serverName` of this node, when the server gave one. */
  readonly server?: string;
  /** The rules file as the plugin names it in diagnostics. */
  readonly file: string;
  /** The version in force; null before the first load. */
  readonly version: string | null;
  /** ISO time the version in force was loaded; null before the first load. */
  readonly loadedAt: string | null;
  /** Successful loads so far (start-up included). */
  readonly loads: number;
  /** The last file refused since the rules in force were loaded; null when none was. */
  readonly refused: RefusedRules | null;
}

const statusDiagnostic = (d: Diagnostic): StatusDiagnostic => ({
  file: d.file,
  code: d.code,
  severity: d.severity,
  message: d.message,
  ...(d.hint !== undefined ? { hint: d.hint } : {}),
  startLine: d.start.line,
  startColumn: d.start.column,
  endLine: d.end.line,
  endColumn: d.end.column,
});

/** The plugin's record of loads and refusals. */
export class RulesVersions {
  private version: string | null = null;
  private loadedAt: string | null = null;
  private loads = 0;
  private refusal: RefusedRules | null = null;

  constructor(
    private readonly file: string,
    private readonly server?: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The version now in force; null before the first load. */
  get current(): string | null {
    return this.version;
  }

  loaded(version: string): void {
    this.version = version;
    this.loadedAt = this.clock().toISOString();
    this.loads += 1;
    // A refusal is about a file that is no longer the newest one offered.
    this.refusal = null;
  }

  refused(reason: string, diagnostics: readonly Diagnostic[], version?: string): void {
    this.refusal = { ...(version !== undefined ? { version } : {}), at: this.clock().toISOString(), reason, diagnostics: diagnostics.map(statusDiagnostic) };
  }

  status(): RulesStatus {
    return { ...(this.server !== undefined ? { server: this.server } : {}), file: this.file, version: this.version, loadedAt: this.loadedAt, loads: this.loads, refused: this.refusal };
  }
}
