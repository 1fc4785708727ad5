/**
 * Rule test files (`*.test.yml`): parsing with a position for every problem, and running the
 * tests against compiled rules. Browser-safe (no Node APIs): the CLI reads files and resolves
 * paths, the playground hands in text.
 *
 * ```yaml
 * permissions: permissions.yml        # path relative to this file
 * now: 1717243200000                  # optional: the clock for every test (ms or an ISO date)
 * records:                            # what _() and oldData see; name -> data (a test's own
 *   profile/alice: { owner: alice, bio: hi }   # oldData is its record's stored data for both)
 * users:                              # optional: `user: alice` then means this user
 *   alice: { data: { role: admin } }  # (id defaults to the key)
 * tests:
 *   - name: alice edits her own profile
 *     user: { id: alice, data: { role: admin } }   # omit for an unauthenticated connection
 *     record: profile/alice          # exactly one of record / event / rpc / presence
 *     action: write
 *     data: { owner: alice, bio: new }
 *     expect: allow                  # allow | deny
 * ```
 */
import { actionInfo, actionsOf, isSection, SECTIONS, type Section, closest } from '../compiler/index.js';
import { type Diagnostic, LineIndex, type Position, type Span, loadYaml, nodeKind, type YEntry, type YMap, type YNode } from '../grammar/index.js';
import type { CheckRequest, Decision, RequestUser, RulesModule } from '../engine/index.js';
import { explain, showValue, type Explanation } from './explain.js';

/** A problem in a test file (or a request given to `valve eval`), with its place. */
export interface TestFileError {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
  readonly message: string;
}

export type Expectation = 'allow' | 'deny';

export interface TestCase {
  /** The test's `name`, or `test N` when it has none. */
  readonly name: string;
  /** 0-based index in `tests`. */
  readonly index: number;
  /** Where the test's entry starts in the test file. */
  readonly start: Position;
  readonly request: CheckRequest;
  readonly expect: Expectation;
}

export interface TestSuite {
  readonly file: string;
  /** The `permissions` path as written (relative to the test file). */
  readonly permissions: string;
  /** Where the `permissions` value is, for "cannot read" errors. */
  readonly permissionsAt: { readonly start: Position; readonly end: Position };
  /** `schema`: a schema file to type-check the rules with (relative to the test file). */
  readonly schema?: string;
  readonly schemaAt?: { readonly start: Position; readonly end: Position };
  /** `records`: what `_()` and `oldData` see. */
  readonly records: ReadonlyMap<string, unknown>;
  readonly tests: readonly TestCase[];
}

const TOP_KEYS = ['permissions', 'schema', 'records', 'users', 'now', 'tests'] as const;
const TARGET_KEYS = SECTIONS;
const REQUEST_KEYS = ['user', ...TARGET_KEYS, 'action', 'data', 'patch', 'oldData', 'now', 'messageAction'] as const;
const TEST_KEYS = ['name', ...REQUEST_KEYS, 'expect'] as const;
/** `valve eval --request` also takes the library's CheckRequest shape (`type` and `name`). */
const EVAL_KEYS = [...REQUEST_KEYS, 'type', 'name'] as const;
const USER_KEYS = ['id', 'data', 'isAuthenticated'] as const;
const PATCH_KEYS = ['path', 'value'] as const;

const list = (xs: readonly string[]): string => xs.map((x) => `\`${x}\``).join(', ');

/** YAML → plain JS (mappings become objects, `__proto__` included as an ordinary key). */
export function toValue(n: YNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toValue);
  return Object.fromEntries(n.entries.map((e) => [e.key, toValue(e.value)]));
}

/** Collects problems for one text, as positions. */
class Problems {
  private readonly list: TestFileError[] = [];
  private readonly lines: LineIndex;

  /** The problems in the order a reader meets them. */
  get items(): TestFileError[] {
    return [...this.list].sort((a, b) => a.start.offset - b.start.offset || a.end.offset - b.end.offset);
  }

  get count(): number {
    return this.list.length;
  }

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  at(span: Span, message: string): void {
    this.list.push({ file: this.file, start: this.lines.position(span.start), end: this.lines.position(Math.max(span.start, span.end)), message });
  }

  pos(offset: number): Position {
    return this.lines.position(offset);
  }

  /** YAML-level diagnostics of loadYaml, worded for a test file. */
  yaml(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) {
      if (d.severity !== 'error') continue;
      const message = d.code === 'VLV0005' ? 'the file is empty' : d.message.replace(/the permissions file/g, 'the file').replace(/in a permissions file/g, 'here');
      this.list.push({ file: this.file, start: d.start, end: d.end, message });
    }
  }
}

/**
 * The text's top-level mapping, or why there is none: its YAML problems, or a root of another
 * kind (`mustBe` says what it must be). `p` holds the problems for the rest of the parse.
 */
function rootMap(text: string, file: string, mustBe: string): { p: Problems; root?: YMap } {
  const p = new Problems(file, text);
  const { root, diagnostics } = loadYaml(text, file);
  p.yaml(diagnostics);
  if (!root || p.count > 0) return { p };
  if (root.kind !== 'map') {
    p.at(root.span, `${mustBe}, not ${nodeKind(root)}`);
    return { p };
  }
  return { p, root };
}

/** Records as a mapping gives them: name → data, and the entry that gives each name. */
function recordsOf(map: YMap): { records: Map<string, unknown>; entries: Map<string, YEntry> } {
  const records = new Map<string, unknown>();
  const entries = new Map<string, YEntry>();
  for (const e of map.entries) {
    records.set(e.key, toValue(e.value));
    entries.set(e.key, e);
  }
  return { records, entries };
}

/** Unknown keys are errors; returns the entries by key. */
function entries(map: YMap, allowed: readonly string[], what: string, p: Problems): Map<string, YEntry> {
  const out = new Map<string, YEntry>();
  for (const e of map.entries) {
    if (allowed.includes(e.key)) {
      out.set(e.key, e);
      continue;
    }
    const near = closest(e.key, allowed);
    p.at(e.keySpan, `unknown key \`${e.key}\` in ${what}; ${near ? `did you mean \`${near}\`?` : `the keys are ${list(allowed)}`}`);
  }
  return out;
}

const stringOf = (n: YNode): string | undefined =>
  n.kind === 'scalar' && n.value !== null && typeof n.value !== 'boolean' ? String(n.value) : undefined;

function timeOf(e: YEntry, p: Problems): number | undefined {
  const n = e.value;
  if (n.kind === 'scalar' && typeof n.value === 'number' && Number.isFinite(n.value)) return n.value;
  if (n.kind === 'scalar' && typeof n.value === 'string') {
    const t = Date.parse(n.value);
    if (!Number.isNaN(t)) return t;
  }
  p.at(n.span, `\`now\` must be milliseconds since the epoch or an ISO date such as 2024-06-01T12:00:00Z, not ${nodeKind(n)}`);
  return undefined;
}

/** `user:` as a mapping, or a string: a name from `users:` or else a bare user id. */
function userOf(n: YNode, p: Problems, users: ReadonlyMap<string, RequestUser> = new Map(), defaultId?: string): RequestUser | undefined {
  const id = stringOf(n);
  if (id !== undefined) return users.get(id) ?? { id };
  if (n.kind !== 'map') {
    p.at(n.span, `\`user\` must be a mapping such as { id: alice, data: { role: admin } } (or a user id), not ${nodeKind(n)}`);
    return undefined;
  }
  const keys = entries(n, USER_KEYS, '`user`', p);
  const idEntry = keys.get('id');
  const userId = idEntry ? stringOf(idEntry.value) : defaultId;
  if (!idEntry && defaultId === undefined) p.at(n.span, '`user` needs an `id` (omit `user` for an unauthenticated connection)');
  else if (userId === undefined && idEntry) p.at(idEntry.value.span, `\`user.id\` must be a string, not ${nodeKind(idEntry.value)}`);
  const auth = keys.get('isAuthenticated');
  if (auth && !(auth.value.kind === 'scalar' && typeof auth.value.value === 'boolean')) p.at(auth.value.span, `\`user.isAuthenticated\` must be true or false, not ${nodeKind(auth.value)}`);
  if (userId === undefined) return undefined;
  const data = keys.get('data');
  return {
    id: userId,
    ...(auth && auth.value.kind === 'scalar' && typeof auth.value.value === 'boolean' ? { isAuthenticated: auth.value.value } : {}),
    ...(data ? { data: toValue(data.value) } : {}),
  };
}

/**
 * One request from a mapping: a test of a test file (`mode: 'test'`, then also `name` and
 * `expect`), or `valve eval --request` (`mode: 'request'`, which also takes `type` + `name`).
 */
function requestOf(map: YMap, mode: 'test' | 'request', defaults: { now?: number; users?: ReadonlyMap<string, RequestUser> }, p: Problems): { request?: CheckRequest; expect?: Expectation; name?: string } {
  const what = mode === 'test' ? 'a test' : 'a request';
  const keys = entries(map, mode === 'test' ? TEST_KEYS : EVAL_KEYS, what, p);
  const before = p.count;

  // Which section and name: exactly one of record / event / rpc / presence (or type + name).
  const targets = TARGET_KEYS.filter((k) => keys.has(k));
  let section: Section | undefined;
  let name: string | undefined;
  const typeEntry = mode === 'request' ? keys.get('type') : undefined;
  if (typeEntry && targets.length > 0) p.at(typeEntry.keySpan, `give either \`type\` and \`name\` or one of ${list(TARGET_KEYS)}, not both`);
  else if (typeEntry) {
    const t = stringOf(typeEntry.value);
    if (t === undefined || !isSection(t)) p.at(typeEntry.value.span, `\`type\` must be one of ${list(SECTIONS)}`);
    else section = t;
    const nameEntry = keys.get('name');
    if (nameEntry && nameEntry.value.kind === 'scalar' && nameEntry.value.value !== null) {
      name = stringOf(nameEntry.value);
      if (name === undefined) p.at(nameEntry.value.span, `\`name\` must be a string, not ${nodeKind(nameEntry.value)}`);
    } else if (section !== 'presence') p.at(nameEntry?.value.span ?? map.span, `${what} of type \`${t}\` needs a \`name\``);
  } else if (mode === 'request' && keys.has('name')) {
    p.at((keys.get('name') as YEntry).keySpan, `\`name\` goes with \`type\`; with ${list(TARGET_KEYS)} the name is that key's value`);
  } else if (targets.length === 0) {
    p.at(map.span.start === map.span.end ? map.span : { start: map.span.start, end: map.span.start + 1 }, `${what} needs one of ${list(TARGET_KEYS)}, giving the name it requests`);
  } else if (targets.length > 1) {
    const second = keys.get(targets[1]) as YEntry;
    p.at(second.keySpan, `${what} gives both \`${targets[0]}\` and \`${targets[1]}\`; it requests exactly one of ${list(TARGET_KEYS)}`);
  } else {
    section = targets[0];
    const e = keys.get(section) as YEntry;
    if (section === 'presence' && e.value.kind === 'scalar' && e.value.value === null) name = undefined; // a query of all users
    else {
      name = stringOf(e.value);
      if (name === undefined) p.at(e.value.span, `\`${section}\` must be the ${section === 'presence' ? 'user name (or empty for a query of all users)' : `${section} name`}, not ${nodeKind(e.value)}`);
    }
  }

  // The action: required except for presence, whose one action is `allow`.
  let action: string | undefined;
  const actionEntry = keys.get('action');
  if (section) {
    const known = actionsOf(section);
    if (!actionEntry) {
      if (section === 'presence') action = 'allow';
      else p.at(keys.get(section)?.keySpan ?? typeEntry?.keySpan ?? map.span, `${what} on \`${section}\` needs an \`action\`: one of ${list(known)}`);
    } else {
      const a = stringOf(actionEntry.value);
      const near = a === undefined ? undefined : closest(a, known);
      if (a === undefined || !known.includes(a)) p.at(actionEntry.value.span, `\`${a ?? nodeKind(actionEntry.value)}\` is not an action of \`${section}\`; its actions are ${list(known)}${near ? ` (did you mean \`${near}\`?)` : ''}`);
      else action = a;
    }
  }
  const info = section && action ? actionInfo(section, action) : undefined;

  const dataEntry = keys.get('data');
  const patchEntry = keys.get('patch');
  const oldEntry = keys.get('oldData');
  if (dataEntry && info && !info.data) p.at(dataEntry.keySpan, `\`data\` is not used by \`${section}\` \`${action}\`: only record write, event publish and subscribe and rpc request carry data`);
  let patch: CheckRequest['patch'];
  if (patchEntry) {
    if (dataEntry) p.at(patchEntry.keySpan, 'give either `data` (the whole new record) or `patch` (one path), not both');
    else if (section && action && !(section === 'record' && action === 'write')) p.at(patchEntry.keySpan, '`patch` is only for record `write`');
    if (patchEntry.value.kind !== 'map') p.at(patchEntry.value.span, `\`patch\` must be a mapping { path: a.b, value: … }, not ${nodeKind(patchEntry.value)}`);
    else {
      const pk = entries(patchEntry.value, PATCH_KEYS, '`patch`', p);
      const path = pk.get('path');
      const value = pk.get('value');
      const pathText = path ? stringOf(path.value) : undefined;
      if (!path) p.at(patchEntry.value.span, '`patch` needs a `path`');
      else if (pathText === undefined) p.at(path.value.span, `\`patch.path\` must be a string, not ${nodeKind(path.value)}`);
      if (!value) p.at(patchEntry.value.span, '`patch` needs a `value`');
      if (pathText !== undefined && value) patch = { path: pathText, value: toValue(value.value) };
    }
  }
  if (oldEntry && info && !info.oldData) p.at(oldEntry.keySpan, `\`oldData\` is not used by \`${section}\` \`${action}\`: only record read, write and delete have a stored record`);

  const userEntry = keys.get('user');
  const user = userEntry ? userOf(userEntry.value, p, defaults.users) : undefined;
  const nowEntry = keys.get('now');
  const now = nowEntry ? timeOf(nowEntry, p) : defaults.now;
  const messageEntry = keys.get('messageAction');
  const messageAction = messageEntry ? stringOf(messageEntry.value) : undefined;
  if (messageEntry && messageAction === undefined) p.at(messageEntry.value.span, `\`messageAction\` must be the server message's action name such as HEAD, not ${nodeKind(messageEntry.value)}`);

  let expect: Expectation | undefined;
  let testName: string | undefined;
  if (mode === 'test') {
    const e = keys.get('expect');
    const v = e ? stringOf(e.value) : undefined;
    if (!e) p.at(map.span.start === map.span.end ? map.span : { start: map.span.start, end: map.span.start + 1 }, 'a test needs `expect: allow` or `expect: deny`');
    else if (v !== 'allow' && v !== 'deny') p.at(e.value.span, `\`expect\` must be \`allow\` or \`deny\`, not ${nodeKind(e.value)}`);
    else expect = v;
    const n = keys.get('name');
    if (n) {
      testName = stringOf(n.value);
      if (testName === undefined) p.at(n.value.span, `\`name\` must be a string, not ${nodeKind(n.value)}`);
    }
  }

  if (p.count > before || !section || !action) return {};
  const request: CheckRequest = {
    type: section,
    action,
    name,
    ...(user ? { user } : {}),
    ...(dataEntry ? { data: toValue(dataEntry.value) } : {}),
    ...(patch ? { patch } : {}),
    ...(oldEntry ? { oldData: toValue(oldEntry.value) } : {}),
    ...(now !== undefined ? { now } : {}),
    ...(messageAction !== undefined ? { messageAction } : {}),
  };
  return { request, expect, name: testName };
}

/**
 * A record test's `oldData` is the stored record, which `_()` of the same name reads too (as in a
 * server). When `records:` also gives that name, both describe one record: they must be equal.
 */
function storedOnce(item: YMap, request: CheckRequest, recordEntries: ReadonlyMap<string, YEntry>, p: Problems): void {
  if (request.type !== 'record' || request.oldData === undefined || request.name === undefined) return;
  const listed = recordEntries.get(request.name);
  const given = item.entries.find((e) => e.key === 'oldData');
  if (!listed || !given || sameData(request.oldData, toValue(listed.value))) return;
  p.at(
    given.value.span,
    `\`oldData\` differs from \`${request.name}\` in \`records\` (line ${p.pos(listed.keySpan.start).line}); both are the one stored record that \`oldData\` and \`_()\` read: give it in one place, or equal in both`,
  );
}

/** Equal as stored data: same primitives, arrays element by element, objects key by key in any order. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Parses a `*.test.yml` text; `suite` is present only when there is no error. */
export function parseTestFile(text: string, file: string): { suite?: TestSuite; errors: TestFileError[] } {
  const { p, root } = rootMap(text, file, `a test file must be a mapping with ${list(['permissions', 'tests'])}`);
  if (!root) return { errors: p.items };
  const keys = entries(root, TOP_KEYS, 'a test file', p);
  const perm = keys.get('permissions');
  const permissions = perm ? stringOf(perm.value) : undefined;
  if (!perm) p.at({ start: root.span.start, end: root.span.start + 1 }, 'a test file needs `permissions:`, the rules file to test (relative to the test file)');
  else if (permissions === undefined || permissions === '') p.at(perm.value.span, `\`permissions\` must be the path of a rules file, not ${nodeKind(perm.value)}`);

  const schemaEntry = keys.get('schema');
  const schema = schemaEntry ? stringOf(schemaEntry.value) : undefined;
  if (schemaEntry && (schema === undefined || schema === '')) p.at(schemaEntry.value.span, `\`schema\` must be the path of a schema file, not ${nodeKind(schemaEntry.value)}`);

  const recordsEntry = keys.get('records');
  const r = recordsEntry?.value;
  const { records, entries: recordEntries } = r?.kind === 'map' ? recordsOf(r) : { records: new Map<string, unknown>(), entries: new Map<string, YEntry>() };
  if (r && r.kind !== 'map' && !(r.kind === 'scalar' && r.value === null)) p.at(r.span, `\`records\` must map record names to their data, not ${nodeKind(r)}`);
  const nowEntry = keys.get('now');
  const now = nowEntry ? timeOf(nowEntry, p) : undefined;
  const users = new Map<string, RequestUser>();
  const usersEntry = keys.get('users');
  if (usersEntry) {
    const u = usersEntry.value;
    if (u.kind === 'map')
      for (const e of u.entries) {
        const user = userOf(e.value, p, new Map(), e.key);
        if (user) users.set(e.key, user);
      }
    else if (!(u.kind === 'scalar' && u.value === null)) p.at(u.span, `\`users\` must map names to users such as { id: alice, data: { role: admin } }, not ${nodeKind(u)}`);
  }

  const tests: TestCase[] = [];
  const testsEntry = keys.get('tests');
  if (!testsEntry) p.at({ start: root.span.start, end: root.span.start + 1 }, 'a test file needs `tests:`, a list of tests');
  else if (testsEntry.value.kind !== 'seq') p.at(testsEntry.value.span, `\`tests\` must be a list of tests, not ${nodeKind(testsEntry.value)}`);
  else if (testsEntry.value.items.length === 0) p.at(testsEntry.value.span, '`tests` is empty');
  else
    testsEntry.value.items.forEach((item, index) => {
      if (item.kind !== 'map') {
        p.at(item.span, `a test must be a mapping, not ${nodeKind(item)}`);
        return;
      }
      const { request, expect, name } = requestOf(item, 'test', { now, users }, p);
      if (request) storedOnce(item, request, recordEntries, p);
      if (request && expect) tests.push({ name: name ?? `test ${index + 1}`, index, start: p.pos(item.span.start), request, expect });
    });

  if (p.count > 0 || permissions === undefined || !perm) return { errors: p.items };
  return {
    suite: {
      file,
      permissions,
      permissionsAt: { start: p.pos(perm.value.span.start), end: p.pos(perm.value.span.end) },
      ...(schema && schemaEntry ? { schema, schemaAt: { start: p.pos(schemaEntry.value.span.start), end: p.pos(schemaEntry.value.span.end) } } : {}),
      records,
      tests,
    },
    errors: [],
  };
}

/** A request given as JSON (or YAML) text, as `valve eval --request` takes it. */
export function parseRequest(text: string, file: string): { request?: CheckRequest; errors: TestFileError[] } {
  const { p, root } = rootMap(text, file, 'a request must be an object such as {"record": "profile/alice", "action": "read", "user": {"id": "alice"}}');
  if (!root) return { errors: p.items };
  const { request } = requestOf(root, 'request', {}, p);
  return request && p.count === 0 ? { request, errors: [] } : { errors: p.items };
}

/** Records given as JSON (or YAML) text: an object mapping record names to their data (`keys`: where each name is written). */
export function parseRecords(text: string, file: string): { records?: Map<string, unknown>; keys?: Map<string, TestFileError>; errors: TestFileError[] } {
  const { p, root } = rootMap(text, file, 'records must be an object mapping record names to their data');
  if (!root) return { errors: p.items };
  const { records, entries } = recordsOf(root);
  const keys = new Map([...entries].map(([name, e]) => [name, { file, start: p.pos(e.keySpan.start), end: p.pos(e.keySpan.end), message: '' }]));
  return { records, keys, errors: [] };
}

/** A record store over `records`: each load gets its own copy. */
export function recordLoader(records: ReadonlyMap<string, unknown>): (name: string) => unknown {
  return (name) => (records.has(name) ? structuredClone(records.get(name)) : null);
}

/**
 * The request a test sends: for records, `oldData` is the test's own `oldData`, else the
 * record's entry in `records` (or null).
 */
export const testRequest = (test: TestCase, records: ReadonlyMap<string, unknown>): CheckRequest => storedRequest(test.request, records);

/**
 * The store a test's rules read: `records`, where a record test's own `oldData` is the stored
 * record of its name (`null`: there is none), so `_(name)` and `oldData` agree as in a server.
 */
export const testLoader = (test: TestCase, records: ReadonlyMap<string, unknown>): ((name: string) => unknown) => storedLoader(test.request, records);

/** `request` as a server sends it over the store `records`: a record request without `oldData` gets its stored record (or null). */
export function storedRequest(r: CheckRequest, records: ReadonlyMap<string, unknown>): CheckRequest {
  if (r.type !== 'record' || r.oldData !== undefined || r.name === undefined) return r;
  return { ...r, oldData: records.has(r.name) ? structuredClone(records.get(r.name)) : null };
}

/** The store `request`'s rules read: `records`, where a record request's own `oldData` is its name's stored record. */
export function storedLoader(request: CheckRequest, records: ReadonlyMap<string, unknown>): (name: string) => unknown {
  const base = recordLoader(records);
  const { type, name, oldData } = request;
  if (type !== 'record' || oldData === undefined || name === undefined) return base;
  return (wanted) => (wanted === name ? structuredClone(oldData) : base(wanted));
}

/** Whether a record request's own `oldData` and `records` give its one stored record two different values. */
export function storedTwice(request: CheckRequest, records: ReadonlyMap<string, unknown>): boolean {
  const { type, name, oldData } = request;
  return type === 'record' && oldData !== undefined && name !== undefined && records.has(name) && !sameData(oldData, records.get(name));
}

export interface TestResult {
  readonly test: TestCase;
  /** The compiled rules' decision (what a server would do). */
  readonly decision: Decision;
  readonly actual: Expectation;
  readonly passed: boolean;
  /** The reference interpreter's trace of the same request (when explanations were asked for). */
  readonly explanation?: Explanation;
}

export interface RunOptions {
  /** Also explain every test (for coverage); failing tests are always explained. */
  readonly explainAll?: boolean;
  readonly maxRuleIterations?: number;
}

/** Runs every test of a suite against compiled rules; `source` is the rules file's text (for explanations). */
export async function runTests(suite: TestSuite, rules: RulesModule, source: string, options: RunOptions = {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of suite.tests) {
    const request = testRequest(test, suite.records);
    const checkOptions = { loadRecord: testLoader(test, suite.records), maxRuleIterations: options.maxRuleIterations };
    const decision = await rules.check(request, checkOptions);
    const actual: Expectation = decision.allowed ? 'allow' : 'deny';
    const passed = actual === test.expect;
    const explanation = options.explainAll || !passed ? await explain(rules.program, source, request, checkOptions) : undefined;
    results.push({ test, decision, actual, passed, ...(explanation ? { explanation } : {}) });
  }
  return results;
}

/** `record write profile/alice as bob with data {…}`: a request in one line. */
export function describeRequest(r: CheckRequest): string {
  const parts = [`${r.type} ${r.action}`, r.name === undefined ? '(all users)' : JSON.stringify(r.name), `as ${r.user ? JSON.stringify(r.user.id) : 'an unauthenticated connection'}`];
  if (r.user?.data !== undefined) parts.push(`with user.data ${showValue(r.user.data)}`);
  if (r.data !== undefined) parts.push(`data ${showValue(r.data)}`);
  if (r.patch) parts.push(`patch ${r.patch.path} = ${showValue(r.patch.value)}`);
  if (r.oldData !== undefined) parts.push(`oldData ${showValue(r.oldData)}`);
  if (r.messageAction !== undefined) parts.push(`message action ${r.messageAction}`);
  return parts.join(' ');
}

/** Which rule decided, in words: `record "profile/$owner" write at file:line:col`, or why none did. */
export function describeRule(d: Decision): string {
  if (d.pattern === undefined) return `no rule (${d.reason.message})`;
  return `${d.section} ${JSON.stringify(d.pattern)} ${d.action} at ${d.location ?? '?'}`;
}

