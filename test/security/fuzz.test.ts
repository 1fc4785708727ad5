/**
 * Grammar fuzzing: token soups, near-valid mutants of valid rules and valid rules go through the
 * whole pipeline — compileProgram (parse → check → compile), the factory instantiated in a
 * `node:vm` context whose global object is a Proxy that records every access, then RuleSet checks
 * with plain and hostile requests, compiled and interpreted. Properties:
 *   - no exception escapes compileProgram, the factory, or a check (checks never reject either);
 *   - no compiled rule touches a global (the vm global's access log stays empty);
 *   - hostile data is never changed and none of its getters or methods run.
 *
 * FUZZ_RUNS sets the number of rule texts (default 10,000; they go 40 to a file).
 */
import fc from 'fast-check';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { print } from '../../grammar/print.js';
import { RuleSet, type CheckRequest, type Decision } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import type { RuleFactory, RuntimeRule } from '../../engine/instantiate.js';
import { STDLIB } from '../../engine/stdlib.js';
import { exprArb } from '../property/arbitraries.js';
import { Canary, prototypesSnapshot, snapshot } from './helpers.js';

const CASES = Math.max(1, Number(process.env.FUZZ_RUNS) || 10_000);
const PER_FILE = 40;

// ── the instrumented global ────────────────────────────────────────────────────────────────

/** Every access a script makes to its global object, as `trap:name`. */
const globalAccess: string[] = [];
const TRAPS = ['get', 'has', 'set', 'getOwnPropertyDescriptor', 'defineProperty', 'deleteProperty', 'ownKeys', 'getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions'] as const;
const watcher: ProxyHandler<object> = {};
for (const trap of TRAPS) {
  (watcher as Record<string, unknown>)[trap] = (...args: unknown[]) => {
    globalAccess.push(`${trap}:${String(args[1])}`);
    return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
  };
}
// A frozen, empty global behind the Proxy: nothing to find, nothing to change.
const sandbox = vm.createContext(new Proxy(Object.freeze(Object.create(null) as object), watcher));

function instantiateWatched(factorySource: string): RuntimeRule[] {
  const factory = vm.runInContext(`(${factorySource})`, sandbox, { timeout: 1000 }) as RuleFactory;
  return factory(STDLIB);
}

// ── rule texts ─────────────────────────────────────────────────────────────────────────────

const TOKENS = [
  // names, ambient names and forbidden properties
  'user', 'data', 'oldData', 'now', 'name', 'action', '_', '$id', '$x', 'x', 'process', 'globalThis', 'this', 'arguments', 'Function', 'eval', 'require', 'import', 'constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'call', 'apply', 'bind',
  // keywords
  'new', 'typeof', 'in', 'instanceof', 'delete', 'void', 'function', 'return', 'true', 'false', 'null', 'undefined', 'let', 'class', 'async', 'await', 'yield', 'super',
  // punctuation and operators
  '.', '?.', '?.[', '?.(', '?.5', '[', ']', '(', ')', '{', '}', ',', ';', ':', '?', '+', '-', '*', '/', '%', '**', '===', '!==', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '??', '!', '~', '&', '|', '^', '<<', '>>', '>>>', '=', '+=', '??=', '=>', '++', '--', '...', '#', '@', '\\',
  // methods
  '.startsWith', '.endsWith', '.includes', '.indexOf', '.match', '.toUpperCase', '.toLowerCase', '.trim', '.length', '.constructor', '.__proto__',
  // literals
  '0', '1', '-1', '0x1f', '1e308', '1e-7', '.5', '08', '1_000', '9007199254740993', "'a'", '"b"', "'__proto__'", "'constructor'", "''", "'\\u0061'", "'\\x41'", "'it\\'s'", '"\\"', "'",
  '`', '`a`', '`${', '${', '}`', '`x${user.id}y`', '/a+/', '/^[a-z]*$/i', '/(?=a)/', '/(a)\\1/', '/(a+)+$/', '/[/', '/x/g', '/x/y', '//', '/*', '*/', '/* c */',
  // unicode: escapes, look-alikes, odd white space
  '\\u0064ata', 'd\u0430ta', '\u2028', '\ufeff', '\u200b', '\u00a0', 'ｐrocess', '😀', '\ud800',
] as const;

const token = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) });
const soup = fc.tuple(fc.array(token, { minLength: 1, maxLength: 24 }), fc.constantFrom('', ' ')).map(([ts, sep]) => ts.join(sep));

const valid = exprArb({ vars: ['$id'], compilable: true, maxDepth: 4 }).map((e) => print(e));

type Mutation = { kind: 'delete' | 'insert' | 'replace' | 'duplicate'; at: number; length: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace', 'duplicate'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 6 }),
  token: fc.constantFrom(...TOKENS),
});
function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.length);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.token + t.slice(at);
    else if (m.kind === 'replace') t = t.slice(0, at) + m.token + t.slice(at + m.length);
    else t = t.slice(0, at) + t.slice(at, at + m.length) + t.slice(at);
  }
  return t;
}
const nearValid = fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([t, ms]) => mutate(t, ms));

const ruleText = fc.oneof({ weight: 3, arbitrary: soup }, { weight: 3, arbitrary: nearValid }, { weight: 3, arbitrary: valid });

// ── files and requests ─────────────────────────────────────────────────────────────────────

const PLACES = [
  { section: 'record', action: 'write' },
  { section: 'record', action: 'read' },
  { section: 'event', action: 'publish' },
  { section: 'rpc', action: 'request' },
] as const;

/** One file: rule i under pattern `f<i>/$id` of its section; rule i sits on line `lineOf[i]`. */
function rulesFile(rules: readonly (string | undefined)[]): { text: string; lineOf: number[] } {
  const lines: string[] = [];
  const lineOf: number[] = [];
  for (const section of ['record', 'event', 'rpc', 'presence'] as const) {
    lines.push(`${section}:`, '  "*":', `    ${{ record: 'read', event: 'publish', rpc: 'request', presence: 'allow' }[section]}: true`);
    rules.forEach((rule, i) => {
      const place = PLACES[i % PLACES.length];
      if (place.section !== section || rule === undefined) return;
      lines.push(`  "f${i}/$id":`, `    ${place.action}: ${JSON.stringify(rule)}`);
      lineOf[i] = lines.length;
    });
  }
  return { text: `${lines.join('\n')}\n`, lineOf };
}

const canary = new Canary();

/** Hostile values: own __proto__ / constructor keys, conversion methods and getters that trip the canary; deep-frozen. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const key of Reflect.ownKeys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) deepFreeze(d.value);
    }
  }
  return v;
}
const getter = (o: object, key: string): object => Object.defineProperty(o, key, { enumerable: true, get: () => (canary.trip(`getter ${key}`), 'x') });
const HOSTILE = deepFreeze({
  data: Object.assign(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"toString":"t","list":[1,"a",null,{"__proto__":1}],"s":"abc","x":1}') as object, {
    conv: { toString: () => (canary.trip('toString'), 'x'), valueOf: () => (canary.trip('valueOf'), 1), [Symbol.toPrimitive]: () => (canary.trip('toPrimitive'), 1) },
    fn: () => canary.trip('function called'),
    trap: getter({}, 'x'),
    arr: Object.defineProperty(['a', 'b'], 1, { enumerable: true, get: () => (canary.trip('element getter'), 'b') }),
  }),
  oldData: getter(JSON.parse('{"__proto__":{"owner":"alice"},"owner":"bob","list":["x"]}') as object, 'secret'),
  userData: getter({ role: 'admin', roles: ['a', 'b'] }, 'token'),
  record: getter(JSON.parse('{"__proto__":{"x":1},"x":2,"role":"admin"}') as object, 'y'),
});
const PLAIN = { data: { x: 1, s: 'abc', list: [1, 'a'], n: null }, oldData: { owner: 'alice', x: 1 }, userData: { role: 'user' } };
const hostileBefore = snapshot(HOSTILE);

function requests(i: number): { request: CheckRequest; loadRecord: (n: string) => unknown }[] {
  const place = PLACES[i % PLACES.length];
  const base = { type: place.section, action: place.action } as const;
  return [
    {
      request: { ...base, name: `f${i}/abc`, user: { id: 'alice', data: PLAIN.userData }, data: PLAIN.data, ...(place.section === 'record' ? { oldData: PLAIN.oldData } : {}), now: 1 },
      loadRecord: (n) => (n === 'missing' ? null : { x: 1, role: 'user' }),
    },
    {
      request: { ...base, name: `f${i}/__proto__`, user: { id: 'mallory', data: HOSTILE.userData }, data: HOSTILE.data, ...(place.section === 'record' ? { oldData: HOSTILE.oldData } : {}) },
      loadRecord: (n) => (n === 'fail' ? Promise.reject(new Error('storage down')) : HOSTILE.record),
    },
  ];
}

const isDecision = (d: unknown): d is Decision =>
  d !== null && typeof d === 'object' && typeof (d as Decision).allowed === 'boolean' && typeof (d as Decision).reason?.code === 'string';

// ── the property ───────────────────────────────────────────────────────────────────────────

const stats = { texts: 0, files: 0, compiledRules: 0, checks: 0, allowed: 0 };
afterAll(() => {
  canary.disarm();
  // For the record (SECURITY.md, the issue note): how much this run covered.
  process.stdout.write(`fuzz: ${stats.texts} rule texts in ${stats.files} files; ${stats.compiledRules} compiled and evaluated with ${stats.checks} checks (${stats.allowed} allowed)\n`);
});

describe('grammar fuzzing through parse → check → compile → evaluate', () => {
  it(`holds for ${CASES} rule texts`, { timeout: Math.max(60_000, CASES * 12) }, async () => {
    const prototypes = prototypesSnapshot();
    canary.arm();
    await fc.assert(
      fc.asyncProperty(fc.array(ruleText, { minLength: PER_FILE, maxLength: PER_FILE }), async (rules) => {
        stats.texts += rules.length;
        stats.files += 1;
        globalAccess.length = 0;
        // 1. everything, errors and all: diagnostics, never an exception
        const first = rulesFile(rules);
        const all = compileProgram(first.text, { file: 'fuzz.yml' });
        for (const d of all.diagnostics) expect(d.start.offset).toBeLessThanOrEqual(first.text.length);
        // 2. the rules without errors, again: they compile on their own
        const dirty = new Set(all.diagnostics.filter((d) => d.severity === 'error').map((d) => first.lineOf.indexOf(d.start.line)));
        const clean = rules.map((r, i) => (dirty.has(i) ? undefined : r));
        const second = rulesFile(clean);
        const result = dirty.size === 0 ? all : compileProgram(second.text, { file: 'fuzz.yml' });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const program = result.program!;
        // 3. instantiated under the watched global; checks by the compiled and the interpreted rules
        const compiled = new RuleSet('fuzz.yml', instantiateWatched(result.factorySource!));
        const interpreted = new RuleSet('fuzz.yml', interpretedRules(program.rules));
        const checks: Promise<unknown>[] = [];
        clean.forEach((rule, i) => {
          if (rule === undefined) return;
          stats.compiledRules++;
          for (const { request, loadRecord } of requests(i)) {
            for (const set of [compiled, interpreted]) {
              stats.checks++;
              checks.push(Promise.resolve(set.check(request, { loadRecord, loadTimeoutMs: 200 })));
            }
          }
        });
        const decisions = await Promise.all(checks);
        for (const d of decisions) {
          expect(isDecision(d)).toBe(true);
          if ((d as Decision).allowed) stats.allowed++;
        }
        expect(globalAccess).toEqual([]);
        expect(canary.fired()).toEqual([]);
      }),
      { numRuns: Math.ceil(CASES / PER_FILE) },
    );
    expect(snapshot(HOSTILE)).toEqual(hostileBefore);
    expect(prototypesSnapshot()).toEqual(prototypes);
  });

  it('the watched global does see a global read (the instrument works)', () => {
    globalAccess.length = 0;
    expect(() => vm.runInContext('process.exit(1)', sandbox)).toThrow();
    expect(globalAccess).toContain('get:process');
    globalAccess.length = 0;
  });
});
