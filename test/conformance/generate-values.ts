/**
 * The value-sensitive generator (issue 19), independent of generate.ts: its own seeded random
 * source, vocabulary and shapes. Every rule is `(E) === K` (or a form of it for NaN, -0, arrays,
 * objects and throws), where K is what plain JavaScript computes for E on the very input the rule
 * will see — so any difference in a value, not only in a decision, flips the rule.
 *
 * The oracle evaluates E with `new Function` over closed inputs (the message, the connection, the
 * store, the pattern's captures, a pinned `now`), in sloppy mode as upstream's rule functions run.
 * It is test-harness code: nothing here reaches the engine.
 *
 * Inputs are chosen where values differ most: -0, NaN, ±Infinity, '', '0', [], {}, null,
 * undefined, holes, long strings, non-ASCII and astral characters, integer-like keys ("1", "10",
 * "01", "1.5"), overlapping and integer-like patterns, every flow of every section, patch paths
 * upstream's tokenizer reads (`a.b[0]`, `obj[k]`, `list[]`, `.a`, `a..b`, `[0]`), `_()` chains and
 * regular expressions.
 */
import type { Section } from '../../compiler/scope.js';
import { ACTIONS } from '../../compiler/scope.js';
import type { Check } from './cases.js';
import { allFlows, type Flow, type Step } from './flows.js';
import type { ClientMessage, Connection } from './upstream.js';

// ── a seeded random source (mulberry32): the same seed gives the same files ─────────

export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** One of several makers, by weight. */
  weighted<T>(options: readonly (readonly [number, () => T])[]): T {
    let r = this.next() * options.reduce((s, [w]) => s + w, 0);
    for (const [w, f] of options) if ((r -= w) < 0) return f();
    return options[options.length - 1][1]();
  }
}

// ── JavaScript source for values (ASCII only, so YAML and both lexers see the same text) ─

/** A string literal with every non-ASCII UTF-16 unit escaped. */
export function jsString(s: string): string {
  let out = "'";
  for (const ch of s) {
    for (let i = 0; i < ch.length; i++) {
      const c = ch.charCodeAt(i);
      if (ch[i] === "'" || ch[i] === '\\') out += `\\${ch[i]}`;
      else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
      else out += ch[i];
    }
  }
  return `${out}'`;
}

const LONG = 'x'.repeat(300);
const STRINGS = ['', '0', '1', '10', '01', '1.5', '-1', 'a', 'A', 'ab', ' a ', 'alice', 'bob', 'admin', 'users/alice', 'a/b', 'null', 'undefined', 'true', '1e3', '0x10', ' 12 ', 'é', 'É', '😀', 'ſ', '\u212a', 'k', '\u00a0', '\ufeff', '\u3000', '\u2028', '\v', '\t', 'a\nb', 'b\ra', 'x'.repeat(40), LONG] as const;
const NUMBERS = [0, 1, -1, 2, 10, 1.5, -0.5, 0.1, 3, 1e21, 2 ** 31, -(2 ** 31), 255] as const;
const KEYS = ['x', 's', 'n', 'list', 'obj', 'ref', 'nul', 'e', 'z', 'f', 'u', '1', '10', '01', '1.5', '-1', 'role'] as const;
const REGEXES = ['/^a/', '/a$/', '/^$/', '/\\d+/', '/^\\d+$/', '/[a-z]+/i', '/^users\\/\\w+$/', '/(a)(b)?/', '/x{2,}/', '/\\s/', '/^.$/', '/^..$/', '/./g', '/a|b/g', '/^a/m', '/\\w+/u', '/\\u00e9/i', '/[^a]/', '/\\bb/', '/\\./', '/k/i', '/^a$/m', '/\\S/', '/^\\s*$/', '/(?<g>a)/'] as const;

/** Source for a literal value (-0, NaN, holes and undefined included). */
function literalSource(r: Random): string {
  return r.weighted<string>([
    [4, () => jsString(r.pick(STRINGS))],
    [4, () => String(r.pick(NUMBERS))],
    [2, () => r.pick(['-0', 'NaN', 'Infinity', '-Infinity', '0.1 + 0.2', '1 / 0', '-1 / 0'])],
    [3, () => r.pick(['null', 'undefined', 'true', 'false'])],
    [2, () => r.pick(['[]', '[1, 2]', '[, 1]', '[1, , 3]', '[null, undefined]', "['a', 'b']", '[[]]', '[0]', "['']"])],
    [1, () => r.pick(['({})', "({ a: 1, '1': 'one' })", '({ x: null })', "({ '10': 1, '9': 2, b: 3 })"])],
  ]);
}

// ── values in the store, payloads and connections (JSON: they travel as JSON) ─────────

function jsonValue(r: Random, depth: number): unknown {
  return r.weighted<unknown>([
    [4, () => r.pick(STRINGS)],
    [4, () => r.pick(NUMBERS)],
    [2, () => r.pick([true, false, null])],
    [depth > 0 ? 1 : 0, () => Array.from({ length: r.int(4) }, () => jsonValue(r, depth - 1))],
    [depth > 0 ? 1 : 0, () => jsonObject(r, depth - 1)],
    [1, () => r.pick([[], {}, '', 0])],
  ]);
}

function jsonObject(r: Random, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(6); i > 0; i--) o[r.pick(KEYS)] = jsonValue(r, depth);
  return o;
}

/** A record or payload shaped like what the rules read: the common keys, often present. */
function recordLike(r: Random): Record<string, unknown> {
  const o: Record<string, unknown> = {
    x: jsonValue(r, 1),
    s: r.pick(STRINGS),
    n: r.pick(NUMBERS),
    list: Array.from({ length: r.int(4) }, () => jsonValue(r, 0)),
    obj: r.chance(0.7) ? { k: r.pick(STRINGS), '1': r.pick(NUMBERS), '10': 'ten', nul: null } : null,
    ref: r.pick(RECORD_NAMES),
  };
  if (r.chance(0.5)) o.nul = null;
  if (r.chance(0.4)) o.e = '';
  if (r.chance(0.4)) o.z = 0;
  if (r.chance(0.3)) o.f = false;
  if (r.chance(0.5)) o['1'] = r.pick(STRINGS);
  if (r.chance(0.3)) o['10'] = r.pick(NUMBERS);
  if (r.chance(0.3)) o['01'] = 'zero-one';
  if (r.chance(0.2)) o['1.5'] = 'one-and-a-half';
  if (r.chance(0.3)) o.role = r.pick(['admin', 'user', '']);
  for (const k of KEYS) if (r.chance(0.15)) delete o[k];
  return o;
}

const RECORD_NAMES = ['cfg', 'users/alice', 'users/bob', 'missing', 'zero', 'empty', 'no', 'a/b', 'undefined/x', '1', '10'] as const;

// ── patterns ──────────────────────────────────────────────────────────────────────────

/** Patterns that overlap each other and the names below; integer-like ones exercise tie order. */
const PATTERNS = ['a/*', 'a/$id', '$id', '$a/$b', 'users/$uid', 'users/*', '1', '10', '1*', '*1', '0', '01', 'a/b', '$id/b', 'cfg', 'x*', '*/b', 'a.b'] as const;
const NAMES = ['a/b', 'a/1', 'a/10', 'a/', '1', '10', '11', '01', '0', 'users/alice', 'users/bob', 'users/', 'cfg', 'x', 'x1', 'a/b/c', 'b/b', 'undefined', 'a.b', 'aXb', 'zero', 'missing', 'é/😀', ' '] as const;

/** The pattern as upstream's path-parser compiles it (regex characters live, as STRICTER 3 describes). */
export function patternRegExp(pattern: string): { regexp: RegExp; variables: string[] } {
  const variables: string[] = [];
  const body = pattern.replace(/\*/g, '.*').replace(/(\$[a-zA-Z0-9]+)/g, (v) => {
    variables.push(v);
    return '([^/]+)';
  });
  return { regexp: new RegExp(`^${body}$`), variables };
}

// ── expressions ───────────────────────────────────────────────────────────────────────

interface Scope {
  readonly data: boolean;
  readonly oldData: boolean;
  readonly vars: readonly string[];
}

/** Wraps a value so upstream's text filter does not read `word (` as a call (`typeof (x)`). */
const operand = (e: string): string => (/^[A-Za-z_$][\w$.[\]'"]*$/.test(e) ? e : `[${e}][0]`);

function refSource(r: Random, s: Scope): string {
  const name = r.weighted<string>([
    [4, () => jsString(r.pick(RECORD_NAMES))],
    [2, () => "'users/' + user.id"],
    [1, () => 'name'],
    [1, () => "_('cfg').ref"],
    [s.vars.length ? 1 : 0, () => `'users/' + ${r.pick(s.vars)}`],
    [s.data ? 1 : 0, () => 'data.ref'],
    [s.oldData ? 1 : 0, () => 'oldData.ref'],
  ]);
  const rest = r.pick(['', '', '.role', '.n', '.s', '.ref', '.list', '.list[0]', "['1']", '.obj', '.obj.k', '.nul', '?.x', '?.list?.[1]', '.length']);
  return `_(${name})${rest}`;
}

function pathSource(r: Random, root: string): string {
  return root + r.pick(['', '.x', '.s', '.n', '.list', '.list[0]', '.list[1]', '.list.length', '.obj', '.obj.k', "['1']", '[1]', "['01']", '[10]', "['1.5']", '[1.5]', '[-1]', '.nul', '.e', '.z', '.f', '.u', '.role', '?.x', '?.obj?.k', '.obj?.[1]', '.s.length', "['x']"]);
}

function leafSource(r: Random, s: Scope): string {
  return r.weighted<string>([
    [5, () => literalSource(r)],
    [3, () => r.pick(['user.id', 'user.isAuthenticated', 'user.data', 'user.data.role', 'user.data.n', 'user.data?.list?.[0]', "user.data?.['1']", 'name', 'name.length'])],
    [1, () => r.pick(['now', 'now > 0', 'now % 1000'])],
    [s.vars.length ? 3 : 0, () => r.pick(s.vars)],
    [s.data ? 6 : 0, () => pathSource(r, 'data')],
    [s.oldData ? 4 : 0, () => pathSource(r, 'oldData')],
    [3, () => refSource(r, s)],
  ]);
}

export function exprSource(r: Random, s: Scope, depth: number): string {
  if (depth <= 0) return leafSource(r, s);
  const sub = (): string => exprSource(r, s, depth - 1);
  const leaf = (): string => leafSource(r, s);
  return r.weighted<string>([
    [6, leaf],
    [2, () => `(${sub()} ${r.pick(['+', '-', '*', '/', '%', '**'])} ${sub()})`],
    [1, () => `(${sub()} ${r.pick(['&', '|', '^', '<<', '>>', '>>>'])} ${sub()})`],
    [1, () => `${r.pick(['-', '+', '!', '~', '!!'])}${operand(sub())}`],
    [2, () => `(${sub()} ${r.pick(['===', '!==', '==', '!=', '<', '<=', '>', '>='])} ${sub()})`],
    [2, () => `(${sub()} ${r.pick(['&&', '||', '??'])} ${sub()})`],
    [1, () => `(${sub()} ? ${sub()} : ${sub()})`],
    [1, () => `typeof ${operand(leaf())}`],
    [1, () => `void ${operand(leaf())}`],
    [1, () => `(${jsString(r.pick(KEYS))} in ${operand(sub())})`],
    [1, () => `(${r.pick(['0', '1', "'length'", "'0'"])} in ${operand(sub())})`],
    [2, () => `${operand(sub())}.${r.pick(['length', 'x', 'k'])}`],
    [1, () => `${operand(sub())}[${sub()}]`],
    [1, () => `${operand(sub())}?.[${r.pick(['0', "'1'", "'x'", '1.5'])}]`],
    [2, () => `${operand(sub())}.${r.pick(['toUpperCase', 'toLowerCase', 'trim'])}()`],
    [2, () => `${operand(sub())}.${r.pick(['startsWith', 'endsWith', 'includes', 'indexOf'])}(${sub()})`],
    [1, () => `[${sub()}, ${sub()}].${r.pick(['includes', 'indexOf'])}(${sub()})`],
    [2, () => `${operand(sub())}.match(${r.pick(REGEXES)})${r.pick(['', ' !== null', '?.[0]', '?.length', '?.[1]'])}`],
    // a regex on a value that is a string, often one where engines differ (\s, /i folding, UTF-16, line ends)
    [3, () => `${r.pick([jsString(r.pick(STRINGS)), 'name', ...(s.data ? ['data.s'] : []), ...(s.oldData ? ['oldData.s'] : []), "_('cfg').s"])}.match(${r.pick(REGEXES)})${r.pick([' !== null', '?.[0]', '?.length', '?.index', '?.groups?.g'])}`],
    // rare: upstream substitutes `${…}` from the environment inside rules (FIXED 10), so most templates only show that row
    [0.3, () => `\`${r.pick(['', 'u/', '-'])}\${${sub()}}${r.pick(['', '/', '.'])}\${${sub()}}\``],
    [1, () => `[${sub()}, ${r.chance(0.3) ? '' : sub()}]`],
    [1, () => `({ k: ${sub()} }).k`],
  ]);
}

// ── the oracle ────────────────────────────────────────────────────────────────────────

/** What a rule sees, as plain JavaScript values. */
export interface Env {
  readonly user: { isAuthenticated: boolean; id: string; data: unknown };
  readonly data: unknown;
  readonly oldData: unknown;
  readonly now: number;
  readonly name: string | undefined;
  readonly vars: Readonly<Record<string, string | undefined>>;
  readonly records: ReadonlyMap<string, unknown>;
}

export const THROWS: unique symbol = Symbol('throws');
export type Outcome = unknown;

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** `_()` as upstream's cross reference answers once loaded (a record stored as 0 / '' / false: its value, FIXED 11). */
function crossReference(records: ReadonlyMap<string, unknown>) {
  return (recordName: unknown): unknown => {
    if (recordName === undefined) return undefined;
    if (typeof recordName !== 'string') throw new Error(`crossreference got unsupported type ${typeof recordName}`);
    if (recordName.includes('undefined')) return undefined;
    return records.has(recordName) ? clone(records.get(recordName)) : null;
  };
}

/** E's value on the environment, or THROWS. */
export function evaluate(expr: string, env: Env): Outcome {
  const varNames = Object.keys(env.vars);
  let fn: (...args: unknown[]) => unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the oracle: plain JavaScript on a closed input
    fn = new Function('_', 'user', 'data', 'oldData', 'now', 'action', 'name', ...varNames, `return (${expr});`) as typeof fn;
  } catch {
    return THROWS;
  }
  try {
    return fn(crossReference(env.records), clone(env.user), clone(env.data), clone(env.oldData), env.now, undefined, env.name, ...varNames.map((v) => env.vars[v]));
  } catch {
    return THROWS;
  }
}

const primitiveSource = (v: unknown): string | undefined => {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsString(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v) || Object.is(v, -0)) return undefined;
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  return undefined;
};

/**
 * A rule that is true exactly when E yields K (as far as a rule can observe it): `=== K` for
 * primitives, `!==` itself for NaN, `1 / E` for -0, length and elements for arrays, own keys
 * for objects, and "does not throw" when E throws in JavaScript. Undefined: no such rule (E is
 * a function or another value rules can not name).
 */
export function ruleFor(expr: string, k: Outcome): string | undefined {
  const e = `(${expr})`;
  if (k === THROWS) return `[${expr}] !== null`;
  const lit = primitiveSource(k);
  if (lit !== undefined) return `${e} === ${lit}`;
  if (typeof k === 'number') return Number.isNaN(k) ? `${e} !== ${e}` : `${e} === 0 && 1 / ${e} === -Infinity`;
  if (Array.isArray(k)) {
    const parts = [`${e}.length === ${k.length}`];
    k.slice(0, 3).forEach((x, i) => {
      const l = primitiveSource(x);
      if (l !== undefined && i in k) parts.push(`${e}[${i}] === ${l}`);
    });
    return parts.join(' && ');
  }
  if (k !== null && typeof k === 'object') {
    const parts = [`${e} !== null`, `typeof [${expr}][0] === 'object'`];
    for (const key of Object.keys(k).slice(0, 3)) {
      const l = primitiveSource((k as Record<string, unknown>)[key]);
      if (l !== undefined) parts.push(`${e}[${jsString(key)}] === ${l}`);
    }
    return parts.join(' && ');
  }
  return undefined;
}

// ── messages ──────────────────────────────────────────────────────────────────────────

const PATCH_PATHS = ['x', 's', 'n', 'list[0]', 'list[2]', 'obj.k', 'obj[k]', 'list[]', '.x', 'a..b', '[0]', 'list[1.5]', 'a.b[0]', 'nul.x', '1', 'obj.1', 'n.x', 'obj.nul.y', 'new', 'z'] as const;

const CONNECTIONS: readonly Connection[] = [
  { id: 'alice' },
  { id: 'bob' },
  {},
  { id: 'admin', serverData: { role: 'admin', n: 3, list: [1, 2], '1': 'one' } },
  { id: '1', serverData: { role: '', n: 0 } },
  { id: 'alice', serverData: 'text' },
  { id: 'é', serverData: [1, 'a'] },
];

/** The environment of one step of a flow, as the spec defines it (ours is meant to agree; upstream's differences are section 7 rows). */
export function envFor(flow: Flow, step: Step, message: ClientMessage, connection: Connection, records: ReadonlyMap<string, unknown>, pattern: string, now: number): Env {
  const id = (connection.id || 'open') as string;
  const user = { isAuthenticated: id !== 'open', id, data: connection.serverData || null };
  const name = flow.named ? message.name : undefined;
  const stored = name !== undefined && records.has(name) ? records.get(name) : null;
  let data: unknown;
  if (step.data === 'payload') data = clone(message.data);
  else if (step.data === 'patch') {
    // upstream's json-path setValue on a copy of the stored record; the spec keeps this for ours
    const root = clone(stored ?? {}) as Record<string, unknown>;
    try {
      setPath(root, message.path ?? '', clone(message.data));
      data = root;
    } catch {
      data = undefined;
    }
  }
  const { regexp, variables } = patternRegExp(pattern);
  const captures = name === undefined ? null : regexp.exec(name);
  const vars = Object.fromEntries(variables.map((v, i) => [v, captures?.[i + 1]]));
  return { user, data, oldData: clone(stored), now, name, vars, records };
}

/** upstream's utils/json-path tokenize + setValue, for the oracle's view of a patched record. */
function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const tokens: (string | number)[] = [];
  for (const raw of path.split('.')) {
    const part = raw.trim();
    if (part.length === 0) continue;
    const pieces = part.split(/[[\]]/g);
    tokens.push(pieces[0]);
    for (const p of pieces.slice(1)) if (p.length > 0) tokens.push(Number(p));
  }
  let node = root as Record<string | number, unknown>;
  let i = 0;
  for (; i < tokens.length - 1; i++) {
    const t = tokens[i];
    const next = node[t];
    if (next !== undefined && typeof next === 'object') node = next as Record<string | number, unknown>;
    else node = (node[t] = typeof tokens[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
  }
  if (value === undefined) delete node[tokens[i]];
  else node[tokens[i]] = value;
}

// ── files ─────────────────────────────────────────────────────────────────────────────

export interface Entry {
  readonly pattern: string;
  /** Rule text (or a boolean) per action. */
  readonly rules: Readonly<Record<string, string | boolean>>;
}

export interface ValueScenario {
  readonly index: number;
  readonly section: Section;
  readonly entries: readonly Entry[];
  readonly text: string;
  readonly checks: readonly Check[];
  /** Regex literals the rules use (for telling regex-semantics differences apart). */
  readonly regexes: readonly string[];
}

export function renderFile(section: Section, entries: readonly Entry[]): string {
  const lines: string[] = [];
  for (const s of Object.keys(ACTIONS) as Section[]) {
    lines.push(`${s}:`);
    if (s !== section) {
      lines.push('  "*":');
      for (const a of Object.keys(ACTIONS[s])) lines.push(`    ${a}: true`);
      continue;
    }
    for (const { pattern, rules } of entries) {
      lines.push(`  ${JSON.stringify(pattern)}:`);
      for (const [a, rule] of Object.entries(rules)) lines.push(`    ${a}: ${typeof rule === 'boolean' ? String(rule) : JSON.stringify(rule)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Request {
  readonly flow: Flow;
  readonly message: ClientMessage;
  readonly connection: Connection;
}

function nameFor(r: Random, patterns: readonly string[]): string {
  if (r.chance(0.6)) {
    // a name built to match one of the patterns
    const p = r.pick(patterns);
    const built = p.replace(/\$[a-zA-Z0-9]+/g, () => r.pick(['alice', '1', '10', 'b', 'x y', 'é', 'undefined'])).replace(/\*/g, () => r.pick(['', 'b', '1', 'x/y', '0']));
    if (built.length > 0) return built;
  }
  return r.pick(NAMES);
}

const SECTIONS_BY_WEIGHT: readonly Section[] = ['record', 'record', 'record', 'record', 'event', 'event', 'rpc', 'rpc', 'presence'];

/** One file and its requests, deterministic in (seed, index). */
export function generateScenario(seed: number, index: number, requests = 4): ValueScenario {
  const r = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const section = r.pick(SECTIONS_BY_WEIGHT);
  const actions = Object.keys(ACTIONS[section]);
  const extra = [...new Set(Array.from({ length: r.int(4) }, () => r.pick(PATTERNS)))];
  const patterns = ['*', ...extra];

  // the store every request of the file shares (values a rule reads through `_()` and oldData)
  const records = new Map<string, unknown>([
    ['cfg', { ...recordLike(r), ref: r.pick(['users/alice', 'users/bob', 'missing', 'zero', 'undefined/x']) }],
    ['users/alice', { role: 'admin', n: 2, list: ['a'], s: 'alice' }],
    ['users/bob', recordLike(r)],
    ['a/b', recordLike(r)],
  ]);
  if (r.chance(0.3)) records.set('zero', 0);
  if (r.chance(0.3)) records.set('empty', '');
  if (r.chance(0.3)) records.set('no', false);
  const now = 1_700_000_000_000 + r.int(1_000_000);

  const reqs: Request[] = [];
  const flows = allFlows().filter((f) => f.section === section);
  for (let i = 0; i < requests; i++) {
    const flow = r.pick(flows);
    const name = nameFor(r, patterns);
    const message: ClientMessage = {
      ...(flow.named ? { name } : {}),
      ...(flow.payload ? { data: r.weighted<unknown>([[5, () => recordLike(r)], [2, () => jsonValue(r, 1)], [1, () => jsonObject(r, 1)]]) } : {}),
      ...(flow.path ? { path: r.pick(PATCH_PATHS) } : {}),
    };
    reqs.push({ flow, message, connection: r.pick(CONNECTIONS) });
  }
  // the stored record of each request's name: absent, an object, or a falsy value
  for (const q of reqs) {
    const n = q.message.name;
    if (n === undefined || records.has(n) || r.chance(0.3)) continue;
    records.set(n, r.weighted<unknown>([[8, () => recordLike(r)], [1, () => r.pick([0, '', false, [], 'text'])]]));
  }

  const regexes = new Set<string>();
  const entries: Entry[] = patterns.map((pattern, pi) => {
    const own = pi === 0 ? actions : actions.filter(() => r.chance(0.5));
    const chosen = own.length ? own : [r.pick(actions)];
    const rules: Record<string, string | boolean> = {};
    const vars = patternRegExp(pattern).variables;
    for (const action of chosen) {
      const info = ACTIONS[section][action];
      const scope: Scope = { data: info.data, oldData: info.oldData, vars };
      // the request (and step) this rule is built for: the first one that reaches it by its pattern
      const target = reqs.flatMap((q) => {
        const name = q.message.name;
        if (q.flow.named && (name === undefined || !patternRegExp(pattern).regexp.test(name))) return [];
        const exists = name !== undefined && records.has(name);
        return q.flow.steps(exists).filter((st) => st.ours === action).map((st) => ({ q, st }));
      })[0];
      if (!target || r.chance(0.05)) {
        rules[action] = r.chance(0.7);
        continue;
      }
      rules[action] = ruleText(r, scope, (e) => {
        // after SUBSCRIBECREATEANDREAD's create the record exists as {}
        const steps = target.q.flow.steps(target.q.message.name !== undefined && records.has(target.q.message.name));
        const created = steps.slice(0, steps.indexOf(target.st)).some((st) => st.createsRecord);
        const store = created && target.q.message.name !== undefined ? new Map([...records, [target.q.message.name, {}]]) : records;
        return evaluate(e, envFor(target.q.flow, target.st, target.q.message, target.q.connection, store, pattern, now));
      });
      for (const m of String(rules[action]).matchAll(/\.match\((\/(?:\\.|[^/\\])+\/[a-z]*)\)/g)) regexes.add(m[1]);
    }
    return { pattern, rules };
  });

  const text = renderFile(section, entries);
  const checks = reqs.map((q, i): Check => ({
    id: `values #${index} request ${i + 1}`,
    feature: 'generated values',
    group: 'generated values',
    text,
    format: 'yml',
    flow: q.flow,
    message: q.message,
    connection: q.connection,
    records,
    failing: new Set(),
    now,
  }));
  return { index, section, entries, text, checks, regexes: [...regexes] };
}

/** A value-sensitive rule: mostly `(E) === K`, sometimes a deliberately wrong K or the negation. */
function ruleText(r: Random, scope: Scope, oracle: (e: string) => Outcome): string {
  for (let tries = 0; tries < 6; tries++) {
    const e = exprSource(r, scope, r.pick([1, 1, 2, 2, 3]));
    const k = oracle(e);
    const rule = ruleFor(e, k);
    if (rule === undefined) continue;
    const roll = r.next();
    if (roll < 0.8 || k === THROWS) return rule;
    if (roll < 0.9) return `!(${rule})`;
    // a wrong K that the value could become under a small difference
    const wrong = primitiveSource(r.pick<unknown>([0, '', null, undefined, false, 1, '0', 'a']));
    return wrong === undefined || primitiveSource(k) === wrong ? rule : `(${e}) === ${wrong}`;
  }
  return 'true';
}
