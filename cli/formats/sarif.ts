/**
 * SARIF 2.1.0 for `valve check --format sarif`: the log GitHub code scanning uploads
 * (`github/codeql-action/upload-sarif`). One run; `tool.driver.rules` is the whole diagnostic
 * catalogue, so a result's `ruleIndex` is stable across runs; paths are relative to the working
 * directory (the repository root in CI) under `%SRCROOT%`.
 */
import { type Diagnostic, type Position, type Severity, CODES, MESSAGES, type Code } from '../../grammar/index.js';
import { printableJson, writeJsonArray } from '../report.js';
import { relativeUri } from './paths.js';
import { packageVersion } from '../package.js';
import { INFORMATION_URI, TOOL_NAME } from './tool.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

/** `VLV0301` → a PascalCase rule name from its summary, as SARIF's `rule.name` suggests. */
const ruleName = (code: Code): string =>
  MESSAGES[code].summary
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .filter((w, i) => !(i === 0 && /^(a|an|the)$/i.test(w)))
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/** A region in SARIF's terms: its endColumn is exclusive, as ours is; an empty span still marks one character. */
const region = (start: Position, end: Position): object => ({
  startLine: start.line,
  startColumn: start.column,
  endLine: end.line,
  endColumn: end.line === start.line ? Math.max(end.column, start.column + 1) : end.column,
});

/** One result of the run: a diagnostic with its rule and location. */
function sarifResult(d: Diagnostic, index: ReadonlyMap<string, number>, cwd: string): object {
  const artifactLocation = { uri: relativeUri(d.file, cwd), uriBaseId: '%SRCROOT%' };
  return {
    ruleId: d.code,
    ruleIndex: index.get(d.code),
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    locations: [
      {
        physicalLocation: { artifactLocation, region: region(d.start, d.end) },
      },
    ],
    ...(d.related?.length ? { relatedLocations: d.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation, region: region(r.start, r.end) } })) } : {}),
  };
}

function sarifSkeleton(results: unknown, options: { readonly version?: string }): object {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.version ?? packageVersion(),
            informationUri: INFORMATION_URI,
            rules: CODES.map((code) => ({
              id: code,
              name: ruleName(code),
              shortDescription: { text: MESSAGES[code].summary },
              defaultConfiguration: { level: LEVEL[MESSAGES[code].severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

const codeIndex = (): Map<string, number> => new Map<string, number>(CODES.map((c, i) => [c, i]));

export function sarifLog(diagnostics: readonly Diagnostic[], options: { readonly cwd: string; readonly version?: string }): object {
  const index = codeIndex();
  return sarifSkeleton(
    diagnostics.map((d) => sarifResult(d, index, options.cwd)),
    options,
  );
}

/** Stands for the results array in the skeleton's text; no rule summary or version holds it. */
const RESULTS = '\u0000results\u0000';

/**
 * The same text as `formatSarif`, written a result at a time: a file with 20,000 problems never
 * becomes one string (issue #13, item 4). `results` sits at depth 3 (log, runs, run).
 */
export function writeSarif(diagnostics: readonly Diagnostic[], options: { readonly cwd: string; readonly version?: string }, write: (text: string) => void): void {
  const skeleton = JSON.stringify(sarifSkeleton(RESULTS, options), null, 2);
  const at = skeleton.indexOf(JSON.stringify(RESULTS));
  const index = codeIndex();
  write(printableJson(skeleton.slice(0, at)));
  writeJsonArray(diagnostics, (d) => sarifResult(d, index, options.cwd), 3, write);
  write(printableJson(skeleton.slice(at + JSON.stringify(RESULTS).length)));
}

export function formatSarif(diagnostics: readonly Diagnostic[], options: { readonly cwd: string; readonly version?: string }): string {
  const out: string[] = [];
  writeSarif(diagnostics, options, (s) => out.push(s));
  return out.join('');
}
