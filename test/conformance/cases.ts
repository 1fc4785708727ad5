/**
 * The corpus format (test/conformance/cases/*.yml) and its expansion into concrete checks.
 *
 * ```yaml
 * feature: string methods            # one feature per file
 * groups:
 *   - name: startsWith on names       # a rule set and the checks run against it
 *     rules:                          # compact: sections given here; missing sections allow all
 *       record: { "*": { read: "name.startsWith('a')" } }
 *     # or  rule: "name.startsWith('a')"   → the root pattern of each check's section, every other
 *     #                                      action of that section `true`
 *     # or  file: |  …whole permissions file text…  (format: json for JSON text)
 *     # or  fileRef: ../upstream-corpus/permissions-complex.json
 *     records: { users/alice: { role: admin } }   # the record store (cache) both engines read
 *     failing: [broken]                           # records whose load fails
 *     max: 3                                      # maxRuleIterations
 *     checks:
 *       - do: record.read abc          # section.action and the name (omitted: no name)
 *         via: SUBSCRIBE               # the client message (flows.ts); default per action
 *         user: alice                  # id, or { id, data } (data = server data), or `open`
 *         data: { x: 1 }               # payload; for PATCH / CREATEANDPATCH the value at `path`
 *         path: a.b
 *         now: 1700000000000
 *         expect: allow                # what both decide
 *         # a deliberate difference instead: tag: <row id of rows.ts>, upstream: allow, expect: deny
 * ```
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { Section } from '../../compiler/scope.js';
import { ACTIONS, SECTIONS } from '../../compiler/scope.js';
import { DEFAULT_VIA, findFlow, type Flow } from './flows.js';
import { isRowId, type RowId } from './rows.js';
import type { ClientMessage, Connection } from './upstream.js';

export type Verdict = 'allow' | 'deny';

export interface Check {
  readonly id: string;
  readonly feature: string;
  readonly group: string;
  readonly text: string;
  readonly format: 'yml' | 'json';
  readonly flow: Flow;
  readonly message: ClientMessage;
  readonly connection: Connection;
  readonly records: ReadonlyMap<string, unknown>;
  readonly failing: ReadonlySet<string>;
  readonly max?: number;
  readonly now?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly expect?: Verdict;
  readonly upstream?: Verdict;
  readonly tag?: RowId;
  readonly note?: string;
}

type Json = unknown;
type Rules = Record<string, Record<string, Record<string, Json> | Json>>;

interface RawCheck {
  do: string;
  via?: string;
  user?: string | { id?: string; data?: Json };
  data?: Json;
  path?: string;
  now?: number;
  expect?: Verdict;
  upstream?: Verdict;
  tag?: string;
  note?: string;
}

interface RawGroup {
  name: string;
  rules?: Rules;
  rule?: string | boolean;
  file?: string;
  /** A rule file next to the cases (path relative to the case file); format from its extension. */
  fileRef?: string;
  format?: 'yml' | 'json';
  records?: Record<string, Json>;
  failing?: string[];
  max?: number;
  env?: Record<string, string>;
  note?: string;
  checks: RawCheck[];
}

interface RawFile {
  feature: string;
  groups: RawGroup[];
}

const q = (s: string): string => JSON.stringify(s);
const scalar = (v: Json): string => (typeof v === 'string' ? q(v) : JSON.stringify(v));

/** A permissions file from compact rules: given sections verbatim, missing ones allow everything. */
export function renderRules(rules: Rules, omit: readonly string[] = []): string {
  const out: string[] = [];
  const sections = [...SECTIONS, ...Object.keys(rules).filter((s) => !(SECTIONS as readonly string[]).includes(s))].filter((s) => !omit.includes(s));
  for (const section of sections) {
    const body = rules[section];
    out.push(`${section}:`);
    if (body === undefined) {
      out.push(`  "*":`);
      for (const action of Object.keys(ACTIONS[section as Section])) out.push(`    ${action}: true`);
      continue;
    }
    for (const [pattern, set] of Object.entries(body)) {
      if (set === null || typeof set !== 'object' || Array.isArray(set) || Object.keys(set).length === 0) {
        out.push(`  ${q(pattern)}: ${set === null ? 'null' : scalar(set)}`);
        continue;
      }
      out.push(`  ${q(pattern)}:`);
      for (const [action, rule] of Object.entries(set as Record<string, Json>)) out.push(`    ${action}: ${scalar(rule)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** `rule:` shorthand: the rule under test on the root pattern, every other action `true`. */
function shorthand(section: Section, action: string, rule: string | boolean): string {
  const rules: Rules = {};
  rules[section] = { '*': Object.fromEntries(Object.keys(ACTIONS[section]).map((a) => [a, a === action ? rule : true])) };
  return renderRules(rules);
}

function parseDo(spec: string): { section: Section; action: string; name?: string } {
  const m = /^(\w+)\.(\w+)(?: (.*))?$/s.exec(spec);
  if (!m || !(SECTIONS as readonly string[]).includes(m[1])) throw new Error(`bad \`do\`: ${spec}`);
  return { section: m[1] as Section, action: m[2], ...(m[3] === undefined ? {} : { name: m[3] }) };
}

function connectionOf(user: RawCheck['user']): Connection {
  if (user === undefined) return { id: 'alice' };
  if (user === 'open') return {};
  if (typeof user === 'string') return { id: user };
  return { ...(user.id === undefined ? {} : { id: user.id }), ...('data' in user ? { serverData: user.data } : {}) };
}

export function expandFile(path: string): Check[] {
  const raw = parse(readFileSync(path, 'utf8')) as RawFile;
  const base = path.split('/').pop() ?? path;
  const checks: Check[] = [];
  for (const group of raw.groups) {
    group.checks.forEach((c, i) => {
      const { section, action, name } = parseDo(c.do);
      const via = c.via ?? DEFAULT_VIA[`${section}.${action}`];
      const flow = findFlow(section, via);
      if (c.tag !== undefined && !isRowId(c.tag)) throw new Error(`${base} ${group.name}: unknown tag ${c.tag}`);
      const text =
        group.file ??
        (group.fileRef !== undefined ? readFileSync(join(dirname(path), group.fileRef), 'utf8') : undefined) ??
        (group.rules ? renderRules(group.rules) : group.rule !== undefined ? shorthand(section, action, group.rule) : undefined);
      if (text === undefined) throw new Error(`${base} ${group.name}: no rules`);
      const message: ClientMessage = {
        ...(name === undefined ? {} : { name }),
        ...('data' in c ? { data: c.data } : {}),
        ...(c.path === undefined ? {} : { path: c.path }),
      };
      checks.push({
        id: `${base} › ${group.name} #${i + 1}`,
        feature: raw.feature,
        group: group.name,
        text,
        format: group.format ?? (group.fileRef?.endsWith('.json') ? 'json' : 'yml'),
        flow,
        message,
        connection: connectionOf(c.user),
        records: new Map(Object.entries(group.records ?? {})),
        failing: new Set(group.failing ?? []),
        ...(group.max === undefined ? {} : { max: group.max }),
        ...(c.now === undefined ? {} : { now: c.now }),
        ...(group.env === undefined ? {} : { env: group.env }),
        ...(c.expect === undefined ? {} : { expect: c.expect }),
        ...(c.upstream === undefined ? {} : { upstream: c.upstream }),
        ...(c.tag === undefined ? {} : { tag: c.tag as RowId }),
        ...(c.note === undefined ? {} : { note: c.note }),
      });
    });
  }
  return checks;
}

export const CASES_DIR = new URL('./cases/', import.meta.url).pathname;

export function loadCorpus(dir = CASES_DIR): Check[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .flatMap((f) => expandFile(join(dir, f)));
}

// ── load-time cases (test/conformance/load/*.yml) ────────────────────────────────────

/**
 * ```yaml
 * feature: sections
 * cases:
 *   - name: a section is missing
 *     rules: { record: { "*": { read: true } }, event: … }   # or file: | … / fileRef: …
 *     omit: [presence]          # sections to leave out of a compact file
 *     expect: reject            # what both do (accept | reject)
 *     codes: [VLV0101]          # codes our diagnostics must include
 *     # a deliberate difference: tag: <row id>, upstream: accept, expect: reject
 *     # and what upstream then does with the file we refuse:
 *     upstreamCheck: { do: record.read x, expect: allow }
 * ```
 */
export interface LoadCase {
  readonly id: string;
  readonly feature: string;
  readonly text: string;
  readonly format: 'yml' | 'json';
  readonly env?: Readonly<Record<string, string>>;
  readonly expect: 'accept' | 'reject';
  readonly upstream?: 'accept' | 'reject';
  readonly codes: readonly string[];
  readonly tag?: RowId;
  readonly note?: string;
  /** A decision upstream makes with the file (shows what a file we refuse does there). */
  readonly upstreamCheck?: Check;
}

interface RawLoadCase {
  name: string;
  rules?: Rules;
  omit?: string[];
  file?: string;
  fileRef?: string;
  format?: 'yml' | 'json';
  env?: Record<string, string>;
  expect: 'accept' | 'reject';
  upstream?: 'accept' | 'reject';
  codes?: string[];
  tag?: string;
  note?: string;
  upstreamCheck?: RawCheck & { records?: Record<string, Json> };
}

export function expandLoadFile(path: string): LoadCase[] {
  const raw = parse(readFileSync(path, 'utf8')) as { feature: string; cases: RawLoadCase[] };
  const base = path.split('/').pop() ?? path;
  return raw.cases.map((c, i) => {
    if (c.tag !== undefined && !isRowId(c.tag)) throw new Error(`${base} ${c.name}: unknown tag ${c.tag}`);
    const text = c.file ?? (c.fileRef !== undefined ? readFileSync(join(dirname(path), c.fileRef), 'utf8') : undefined) ?? (c.rules ? renderRules(c.rules, c.omit) : undefined);
    if (text === undefined) throw new Error(`${base} ${c.name}: no file`);
    const format = c.format ?? (c.fileRef?.endsWith('.json') ? 'json' : 'yml');
    const id = `${base} › ${c.name}`;
    let upstreamCheck: Check | undefined;
    if (c.upstreamCheck) {
      const u = c.upstreamCheck;
      const { section, action, name } = parseDo(u.do);
      upstreamCheck = {
        id: `${id} (upstream decision)`,
        feature: raw.feature,
        group: c.name,
        text,
        format,
        flow: findFlow(section, u.via ?? DEFAULT_VIA[`${section}.${action}`]),
        message: { ...(name === undefined ? {} : { name }), ...('data' in u ? { data: u.data } : {}), ...(u.path === undefined ? {} : { path: u.path }) },
        connection: connectionOf(u.user),
        records: new Map(Object.entries(u.records ?? {})),
        failing: new Set(),
        ...(u.expect === undefined ? {} : { upstream: u.expect }),
      };
    }
    return {
      id: `${id}${raw.cases.filter((x) => x.name === c.name).length > 1 ? ` #${i + 1}` : ''}`,
      feature: raw.feature,
      text,
      format,
      ...(c.env === undefined ? {} : { env: c.env }),
      expect: c.expect,
      ...(c.upstream === undefined ? {} : { upstream: c.upstream }),
      codes: c.codes ?? [],
      ...(c.tag === undefined ? {} : { tag: c.tag as RowId }),
      ...(c.note === undefined ? {} : { note: c.note }),
      ...(upstreamCheck ? { upstreamCheck } : {}),
    };
  });
}

export const LOAD_DIR = new URL('./load/', import.meta.url).pathname;

export function loadLoadCorpus(dir = LOAD_DIR): LoadCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .flatMap((f) => expandLoadFile(join(dir, f)));
}
