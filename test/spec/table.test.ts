/**
 * The language reference (/work/shared/valve-spec.md), row by row, through the public API only:
 * compile(source) for load-time behaviour and module.check(request) for decisions.
 *
 * - §1 the data/oldData table, for every section × action;
 * - §3 every allowed method evaluated on real data, every forbidden construct with its code;
 * - §7 every STRICTER / FIXED row that compile() or module.check() can observe;
 * - §2 rule selection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type CheckOptions, type CheckRequest, type Decision, type Diagnostic, type RulesModule } from '../../index.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────

type Section = 'record' | 'event' | 'rpc' | 'presence';

const DEFAULT_BODY: Record<Section, string> = {
  record: '  "*":\n    read: true\n',
  event: '  "*":\n    publish: true\n',
  rpc: '  "*":\n    request: true\n',
  presence: '  "*":\n    allow: true\n',
};

/** A whole permissions file: the given section bodies (indented two spaces), defaults elsewhere. */
function file(bodies: Partial<Record<Section, string>>): string {
  return (['record', 'event', 'rpc', 'presence'] as const).map((s) => `${s}:\n${bodies[s] ?? DEFAULT_BODY[s]}`).join('');
}

/** One rule under the root pattern of a section: `section: "*": action: <rule>`. */
const oneRule = (section: Section, action: string, rule: string): string =>
  file({ [section]: `  "*":\n    ${action}: ${JSON.stringify(rule)}\n` });

const errors = (ds: readonly Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');
const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code);

/** Compiles text that must have no errors and returns its module. */
function load(text: string): RulesModule {
  const { diagnostics, module } = compile(text, { file: 'spec.yml' });
  expect(errors(diagnostics), text).toEqual([]);
  expect(module).toBeDefined();
  return module!;
}

const check = async (m: RulesModule, request: CheckRequest, options?: CheckOptions): Promise<Decision> => m.check(request, options);

/** Compiles a single event publish rule and runs it on `data`. */
async function publish(rule: string, data: unknown): Promise<Decision> {
  return check(load(oneRule('event', 'publish', rule)), { type: 'event', action: 'publish', name: 'e', data });
}

// ── §1: which rules may read data and oldData ────────────────────────────────────────────

const TABLE: ReadonlyArray<{ section: Section; action: string; data: boolean; oldData: boolean }> = [
  { section: 'record', action: 'create', data: false, oldData: false },
  { section: 'record', action: 'read', data: false, oldData: true },
  { section: 'record', action: 'write', data: true, oldData: true },
  { section: 'record', action: 'delete', data: false, oldData: true },
  { section: 'record', action: 'listen', data: false, oldData: false },
  { section: 'record', action: 'notify', data: false, oldData: false },
  { section: 'event', action: 'publish', data: true, oldData: false },
  { section: 'event', action: 'subscribe', data: true, oldData: false },
  { section: 'event', action: 'listen', data: false, oldData: false },
  { section: 'rpc', action: 'request', data: true, oldData: false },
  { section: 'rpc', action: 'provide', data: false, oldData: false },
  { section: 'presence', action: 'allow', data: false, oldData: false },
];

describe('§1 data and oldData, per section and action', () => {
  for (const row of TABLE) {
    for (const value of ['data', 'oldData'] as const) {
      const allowed = row[value];
      const code = value === 'data' ? 'VLV0302' : 'VLV0303';
      it(`${row.section} ${row.action}: \`${value}\` is ${allowed ? 'available' : `an error (${code})`}`, () => {
        const rule = `user.id === 'x' || ${value}.ok === true`;
        const text = oneRule(row.section, row.action, rule);
        const { diagnostics, module } = compile(text, { file: 'spec.yml' });
        if (allowed) {
          expect(errors(diagnostics)).toEqual([]);
          expect(module).toBeDefined();
          return;
        }
        const at = text.indexOf(`${value}.ok`);
        const before = text.slice(0, at).split('\n');
        expect(module).toBeUndefined();
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toMatchObject({
          code,
          severity: 'error',
          file: 'spec.yml',
          start: { offset: at, line: before.length, column: before[before.length - 1].length + 1 },
          end: { offset: at + value.length, line: before.length, column: before[before.length - 1].length + 1 + value.length },
        });
        expect(diagnostics[0].message).toContain(`\`${row.section}\` \`${row.action}\``);
      });
    }
  }

  const withData = TABLE.filter((r) => r.data);
  for (const row of withData) {
    it(`${row.section} ${row.action}: \`data\` is the incoming value`, async () => {
      const m = load(oneRule(row.section, row.action, 'data.ok === true'));
      const req = { type: row.section, action: row.action, name: 'n', oldData: {} };
      expect((await check(m, { ...req, data: { ok: true } })).allowed).toBe(true);
      expect((await check(m, { ...req, data: { ok: false } })).allowed).toBe(false);
    });
  }

  for (const row of TABLE.filter((r) => r.oldData)) {
    it(`${row.section} ${row.action}: \`oldData\` is the stored record, given or loaded`, async () => {
      const m = load(oneRule(row.section, row.action, 'oldData.ok === true'));
      const req = { type: row.section, action: row.action, name: 'rec/1', data: { ok: false } };
      expect((await check(m, { ...req, oldData: { ok: true } })).allowed).toBe(true);
      expect((await check(m, { ...req, oldData: { ok: false } })).allowed).toBe(false);
      const loaded: string[] = [];
      const viaLoader = await check(m, req, { loadRecord: (n) => (loaded.push(n), { ok: true }) });
      expect(viaLoader.allowed).toBe(true);
      expect(loaded).toEqual(['rec/1']);
    });
  }

  it('`oldData` of a record that does not exist is null', async () => {
    const m = load(oneRule('record', 'delete', 'oldData === null'));
    expect((await check(m, { type: 'record', action: 'delete', name: 'gone' }, { loadRecord: () => undefined })).allowed).toBe(true);
  });
});

// ── §3: allowed methods, evaluated ───────────────────────────────────────────────────────

const DATA = { s: 'abc', S: 'ABC', p: '  abc \t', a: [1, 2, 3], words: ['x', 'y'], n: 5 };

/** [rule, expected decision] on event publish with DATA. */
const METHOD_CASES: ReadonlyArray<readonly [string, boolean]> = [
  // strings
  ["data.s.startsWith('ab')", true],
  ["data.s.startsWith('bc')", false],
  ["data.s.startsWith('bc', 1)", true],
  ["data.s.endsWith('bc')", true],
  ["data.s.endsWith('ab')", false],
  ["data.s.endsWith('ab', 2)", true],
  ["data.s.includes('b')", true],
  ["data.s.includes('z')", false],
  ["data.s.includes('a', 1)", false],
  ["data.s.indexOf('c') === 2", true],
  ["data.s.indexOf('z') === -1", true],
  ["data.s.indexOf('a', 1) === -1", true],
  ['data.s.match(/^a.c$/) !== null', true],
  ['data.s.match(/^b/) === null', true],
  ['data.s.match(/B/i)[0] === "b"', true],
  ["data.s.match('^a(b)c$')[1] === 'b'", true],
  ['data.s.match(/[a-c]/g).length === 3', true],
  ["data.s.toUpperCase() === 'ABC'", true],
  ["data.S.toLowerCase() === 'abc'", true],
  ["data.p.trim() === 'abc'", true],
  ["data.p.trim() === data.p", false],
  ['data.s.length === 3', true],
  // arrays
  ['data.a.includes(2)', true],
  ['data.a.includes(4)', false],
  ["data.a.includes('2')", false],
  ['data.a.indexOf(3) === 2', true],
  ['data.a.indexOf(9) === -1', true],
  ["data.words.includes('y')", true],
  ['data.a.length === 3', true],
];

describe('§3 allowed methods compile and evaluate like JavaScript', () => {
  for (const [rule, expected] of METHOD_CASES) {
    it(`${rule} → ${expected}`, async () => {
      const d = await publish(rule, DATA);
      expect(d.error).toBeUndefined();
      expect(d.allowed).toBe(expected);
    });
  }

  it.each([
    ["data.n.startsWith('5')", 'a number has no string methods'],
    ['data.a.toUpperCase() === 1', 'an array has no toUpperCase'],
    ["data.missing.includes('a')", 'a method of undefined'],
  ])('%s denies with an error (%s), never throws', async (rule) => {
    const d = await publish(rule, DATA);
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0901');
    expect(d.error).toBeTruthy();
  });
});

// ── §3: forbidden constructs ─────────────────────────────────────────────────────────────

/** [rule, code] in a record write rule (where data and oldData exist). */
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ['new Date() > 0', 'VLV0205'],
  ['(() => true)', 'VLV0206'],
  ['data.items.includes(x => x)', 'VLV0206'],
  ['function () { return true }', 'VLV0206'],
  ["user.id = 'admin'", 'VLV0207'],
  ['data.n += 1', 'VLV0207'],
  ['data.n++ > 0', 'VLV0207'],
  ['--data.n > 0', 'VLV0207'],
  ['this.x === 1', 'VLV0208'],
  ['delete data.x', 'VLV0209'],
  ['data instanceof Object', 'VLV0213'],
  ['-2 ** 2 === 4', 'VLV0201'],
  ['1n === 1', 'VLV0222'],
  ['[...data.list].length > 0', 'VLV0223'],
  ["({...data}).x === 1", 'VLV0223'],
  ['({ f() { return true } }).f', 'VLV0206'],
  ['({ get x() { return 1 } }).x === 1', 'VLV0206'],
  ['({ __proto__: null }) !== null', 'VLV0306'],
  ['true; false', 'VLV0210'],
  ['true, false', 'VLV0210'],
  ["name.startsWith`user/`", 'VLV0211'],
  ["Function`return process`", 'VLV0211'],
  ['data.s.trim?.() === data.s', 'VLV0221'],
  ["_?.('a') === null", 'VLV0221'],
  ['data.f?.() === 1', 'VLV0221'],
  ['data?.constructor === Object', 'VLV0306'],
  ["data?.['__proto__'] === null", 'VLV0306'],
  ['name?.prototype === undefined', 'VLV0306'],
  ["name?.split('/').length === 2", 'VLV0305'],
  ['if (true) true', 'VLV0216'],
  ['process.exit(1)', 'VLV0301'],
  ['(process.exit)(1)', 'VLV0301'],
  ['globalThis.x === 1', 'VLV0301'],
  ['Math.random() > 0.5', 'VLV0301'],
  ['Function.length === 1', 'VLV0301'],
  ["eval('true')", 'VLV0304'],
  ["Function('return true')", 'VLV0304'],
  ['isAdmin(user)', 'VLV0304'],
  ["name.split('/').length === 2", 'VLV0305'],
  ['name.toString() === name', 'VLV0305'],
  ['data.constructor === Object', 'VLV0306'],
  ['data.__proto__ === null', 'VLV0306'],
  ['name.prototype === undefined', 'VLV0306'],
  ["data['constructor'] === 1", 'VLV0306'],
  ['data["__proto__"] === null', 'VLV0306'],
  ["data['prototype'] === 1", 'VLV0306'],
  ['_ === null', 'VLV0309'],
  ['name.match(data.pattern) !== null', 'VLV0310'],
  ['name.match(/(?=a)/) !== null', 'VLV0311'],
  ['name.match(/(a)\\1/) !== null', 'VLV0311'],
];

/** Calls deepstream accepts (JavaScript ignores extra arguments; a missing one is undefined): warnings. */
const ARITY: [string, string][] = [
  ['_() === null', 'VLV0308'],
  ["_('a', 'b') === null", 'VLV0308'],
  ['name.startsWith()', 'VLV0312'],
];

// ── §3: optional chaining, as JavaScript (and so deepstream) evaluates it ───────────────────

/**
 * [rule, data, outcome] on event publish. `error` denies with VLV0901. Each row is also run as
 * plain JavaScript (what deepstream does with the rule text), which must agree.
 */
const OPTIONAL_CASES: ReadonlyArray<readonly [string, unknown, 'allow' | 'deny' | 'error']> = [
  ["data?.owner === 'alice'", { owner: 'alice' }, 'allow'],
  ["data?.owner === 'alice'", null, 'deny'],
  ["data?.owner === 'alice'", undefined, 'deny'],
  ['data?.a?.b === 1', { a: { b: 1 } }, 'allow'],
  ['data?.a?.b === 1', { a: null }, 'deny'],
  ['data?.a?.b === 1', null, 'deny'],
  // a nullish object short-circuits the whole rest of the chain, not just one link
  ['data?.a.b === undefined', null, 'allow'],
  ['data?.a.b.c.length === undefined', undefined, 'allow'],
  ['data?.a.b === undefined', {}, 'error'],
  // parentheses end the chain
  ['(data?.a).b === undefined', null, 'error'],
  ['(data?.a)?.b === undefined', null, 'allow'],
  // computed links
  ["data?.['a']?.[data.k] === 1", { a: { x: 1 }, k: 'x' }, 'allow'],
  ["data?.['a']?.[data.k] === 1", { k: 'x' }, 'deny'],
  ['data.list?.[0] === undefined', {}, 'allow'],
  // the key of a short-circuited link is not evaluated
  ['data?.[data.a.b] === undefined', null, 'allow'],
  // method calls after `?.` are skipped with the rest of the chain
  ["data.s?.trim() === 'x'", { s: ' x ' }, 'allow'],
  ["data.s?.trim() === undefined", {}, 'allow'],
  ["data?.s.trim() === undefined", null, 'allow'],
  ["data?.s.trim() === undefined", {}, 'error'],
  ["data?.tags?.includes('news') === true", { tags: ['news'] }, 'allow'],
  ["data?.tags?.includes('news') === true", { tags: null }, 'deny'],
  ["data.s?.toUpperCase().startsWith('X') === undefined", {}, 'allow'],
  // with other operators
  ["(data?.x ?? 'none') === 'none'", null, 'allow'],
  ['!data?.a', null, 'allow'],
  ["typeof data?.a === 'undefined'", null, 'allow'],
  ['data?.n?.x === undefined', { n: 1 }, 'allow'],
  ["`${data?.a}` === 'undefined'", null, 'allow'],
  // `?.` before a digit is `?` and a number: a conditional
  ['(data.f?.5:1) === 0.5', { f: true }, 'allow'],
  ['(data.f?.5:1) === 1', { f: false }, 'allow'],
];

/** What deepstream does with a rule: plain JavaScript (`new Function`), result `true` allows. */
function javascript(rule: string, data: unknown): 'allow' | 'deny' | 'error' {
  try {
    return new Function('data', 'name', `return ${rule};`)(data, 'e') === true ? 'allow' : 'deny';
  } catch {
    return 'error';
  }
}

describe('§3 optional chaining `?.` short-circuits the whole chain, as JavaScript does', () => {
  for (const [rule, data, outcome] of OPTIONAL_CASES) {
    it(`${rule} with data ${JSON.stringify(data) ?? 'undefined'} → ${outcome}`, async () => {
      expect(javascript(rule, data)).toBe(outcome);
      const d = await publish(rule, data);
      expect(d.allowed).toBe(outcome === 'allow');
      if (outcome !== 'allow') expect(d.reason.code).toBe(outcome === 'error' ? 'VLV0901' : 'VLV0906');
    });
  }

  it('a record that does not exist short-circuits `_(…)?.x`', async () => {
    const m = load(oneRule('event', 'publish', "_('cfg/' + name)?.open !== false && _('cfg/x')?.open === true"));
    const records: Record<string, unknown> = { 'cfg/x': { open: true } };
    const d = await check(m, { type: 'event', action: 'publish', name: 'e', data: null }, { loadRecord: (n) => records[n] ?? null });
    expect(d.error).toBeUndefined();
    expect(d.allowed).toBe(true);
  });
});

describe('§3 forbidden constructs are compile errors', () => {
  for (const [rule, code] of FORBIDDEN) {
    it(`${rule} → ${code}`, () => {
      const { diagnostics, module } = compile(oneRule('record', 'write', rule), { file: 'spec.yml' });
      expect(codes(errors(diagnostics))).toContain(code);
      expect(module).toBeUndefined();
    });
  }
});

describe('§3 wrong argument counts compile with a warning, as deepstream accepts them', () => {
  for (const [rule, code] of ARITY) {
    it(`${rule} → ${code} (warning)`, () => {
      const { diagnostics, module } = compile(oneRule('record', 'write', rule), { file: 'spec.yml' });
      expect(diagnostics.filter((d) => d.code === code).map((d) => d.severity)).toEqual(['warning']);
      expect(module).toBeDefined();
    });
  }
});

// ── §7: every STRICTER / FIXED row observable here ───────────────────────────────────────

describe('§7 STRICTER: only `true` allows', () => {
  it.each(['undefined', '0', "''", 'null', '1', "'yes'", '[]', 'data.missing', 'data.n'])('a rule yielding %s denies', async (rule) => {
    const d = await publish(rule, { n: 1 });
    expect(d.allowed).toBe(false);
  });

  it.each(['undefined', '0', "''", 'null'])('the checker warns that %s is not a boolean (VLV0401), yet the file loads', (rule) => {
    const { diagnostics, module } = compile(oneRule('event', 'publish', rule));
    expect(codes(diagnostics)).toEqual(['VLV0401']);
    expect(module).toBeDefined();
  });

  // deepstream's docs write these; upstream allows on the truthy array, so here they never allow.
  it.each([
    ['data.postcode && data.postcode.match( /^[0-9]*$/ )', { postcode: '12345' }],
    ['data.ok === true && data.card.number.match(/^4[0-9]{12}(?:[0-9]{3})?$/)', { ok: true, card: { number: '4111111111111111' } }],
    ['data.n > 1 ? data.s.match(/^a/) : false', { n: 2, s: 'abc' }],
    ['data.s.match(/^a/) || false', { s: 'abc' }],
    ['data.s.match(/^a/) ?? false', { s: 'abc' }],
  ])('`%s` can never allow: VLV0409 at the match; the hinted fix allows', async (rule, data) => {
    const text = oneRule('event', 'publish', rule);
    const { diagnostics } = compile(text);
    expect(codes(diagnostics)).toEqual(['VLV0409']);
    const [d] = diagnostics;
    expect(text.slice(d.start.offset, d.end.offset)).toMatch(/^data\.[\w.]+\.match\(/);
    const fix = /^compare it: `(.*)`$/.exec(d.hint ?? '')?.[1];
    expect(fix).toMatch(/ !== null$/);
    expect((await publish(rule, data)).allowed).toBe(false);
    const fixed = text.slice(0, d.start.offset) + fix + text.slice(d.end.offset);
    expect(codes(compile(fixed).diagnostics)).toEqual([]);
    const m = load(fixed);
    expect((await check(m, { type: 'event', action: 'publish', name: 'e', data })).allowed).toBe(true);
  });

  it('a part that sometimes yields a truthy non-boolean is VLV0410; booleans and guards are not reported', () => {
    expect(codes(compile(oneRule('record', 'read', "user.id === 'root' || name.match(/^pub/)")).diagnostics)).toEqual(['VLV0410']);
    for (const rule of ['data.x && data.x.length > 0', 'data.s.match(/a/) !== null', '!!data.s.match(/a/)', 'data.a || data.b', 'user.data && user.data.role === "admin"']) {
      expect(codes(compile(oneRule('event', 'publish', rule)).diagnostics), rule).toEqual([]);
    }
  });

  it('the constant `false` denies and `true` allows', async () => {
    const m = load(file({ event: '  "*":\n    publish: false\n    subscribe: true\n' }));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e' })).allowed).toBe(false);
    expect((await check(m, { type: 'event', action: 'subscribe', name: 'e' })).allowed).toBe(true);
  });
});

describe('§7 STRICTER: whitelisted AST, no globals, no mutation', () => {
  it.each([
    ['process.exit(1)', 'VLV0301'],
    ['(process.exit)(1)', 'VLV0301'],
    ['Function`return 1`', 'VLV0211'],
    ["Math.max(1, 2) === 2", 'VLV0301'],
    ['data.x = 1', 'VLV0207'],
    ["user.data.role = 'admin'", 'VLV0207'],
    ['true; false', 'VLV0210'],
  ])('%s is rejected (%s)', (rule, code) => {
    expect(codes(compile(oneRule('record', 'write', rule)).diagnostics)).toContain(code);
  });

  it('a computed property name can not reach internals at run time either', async () => {
    for (const key of ["'__pro' + 'to__'", "'constr' + 'uctor'", "'proto' + 'type'"]) {
      const d = await publish(`data[${key}] === undefined`, { x: 1 });
      expect(d.allowed, key).toBe(false);
      expect(d.error, key).toBeTruthy();
    }
  });

  it('evaluation leaves the request data unchanged', async () => {
    const data = { a: [3, 1, 2], s: ' x ' };
    const before = structuredClone(data);
    await publish("data.a.indexOf(1) === 1 && data.s.trim() === 'x' && data.a.includes(3)", data);
    expect(data).toEqual(before);
  });
});

describe('§7 STRICTER: regex syntax in a path pattern is a load error; a lone `.` is literal, with a warning', () => {
  // Single-quoted YAML keeps a backslash as it is, so spans map one to one.
  const load = (pattern: string) => compile(file({ record: `  "*":\n    read: false\n  '${pattern.replace(/'/g, "''")}':\n    read: true\n` }));
  const read = async (mod: RulesModule, name: string): Promise<boolean> => (await check(mod, { type: 'record', action: 'read', name })).allowed;

  it('`a.c` matches only `a.c`, not `abc` (VLV0112)', async () => {
    const { diagnostics, module } = load('a.c');
    expect(codes(diagnostics)).toEqual(['VLV0112']);
    expect(await read(module!, 'a.c')).toBe(true);
    expect(await read(module!, 'abc')).toBe(false);
  });

  it.each([
    ['postits/.*', '.*', 'write `postits/*`'],
    ['(a|b)/x', '(a|b)', 'write these patterns instead, each with the same rules: `a/x`, `b/x`'],
    ['a/(b', '(b', 'remove the `(`'],
    ['x+', 'x+', 'say what is meant: `x*`'],
    ['^u', '^', 'write `u`'],
    ['n/[0-2]', '[0-2]', 'write these patterns instead, each with the same rules: `n/0`, `n/1`, `n/2`'],
    ['a\\.b', '\\.', 'write `a.b`'],
    ['a{2}', 'a{2}', 'write `aa`'],
    ['colou?r', 'u?', 'write these patterns instead, each with the same rules: `color`, `colour`'],
  ])('`%s` is an error (VLV0118) on `%s`, with a hint', (pattern, text, hint) => {
    const { diagnostics, module } = load(pattern);
    expect(module).toBeUndefined();
    const d = diagnostics.filter((x) => x.code === 'VLV0118');
    expect(d.map((x) => x.severity)).toEqual(['error']);
    expect(d[0].message).toContain(`\`${text}\``);
    expect(d[0].end.offset - d[0].start.offset).toBe(text.length);
    expect(d[0].hint).toContain(hint);
  });
});

describe('§7 STRICTER: `match` takes a literal pattern and runs in linear time', () => {
  it('a pattern from data is a compile error (VLV0310)', () => {
    expect(codes(compile(oneRule('event', 'publish', 'data.s.match(data.p) !== null')).diagnostics)).toContain('VLV0310');
  });

  it('a catastrophic-backtracking pattern evaluates quickly', async () => {
    const started = Date.now();
    const d = await publish('data.s.match(/^(a+)+$/) === null', { s: `${'a'.repeat(5000)}!` });
    expect(d.allowed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('§7 STRICTER: the same $variable twice in a pattern is a load error', () => {
  it('`chat/$room/$room` → VLV0110 and no module', () => {
    const { diagnostics, module } = compile(file({ record: '  "*":\n    read: true\n  "chat/$room/$room":\n    read: true\n' }));
    expect(codes(diagnostics)).toEqual(['VLV0110']);
    expect(module).toBeUndefined();
  });
});

describe('§7 STRICTER: legacy octal literals are compile errors', () => {
  it('`017` (15 in sloppy mode), `08` and `\'\\017\'` → VLV0219 / VLV0220 with a hint, and no module', () => {
    const { diagnostics, module } = compile(file({ record: '  "*":\n    read: "name.length === 017 || name.length === 08 || name === \'\\\\017\'"\n' }));
    expect(codes(diagnostics)).toEqual(['VLV0219', 'VLV0219', 'VLV0220']);
    expect(diagnostics[0].hint).toContain('`0o17`');
    expect(diagnostics[0].hint).toContain('`17`');
    expect(module).toBeUndefined();
  });
});

describe('§7 FIXED: a path write merges into the stored record', () => {
  const m = () => load(file({ record: '  "*":\n    write: "data.a === 1 && data.b.c === 2 && oldData.b.c === 0"\n' }));

  it('`data` is the stored record with the value set at the path; the stored record is untouched', async () => {
    const stored = { a: 1, b: { c: 0 } };
    const d = await check(m(), { type: 'record', action: 'write', name: 'r', oldData: stored, patch: { path: 'b.c', value: 2 } });
    expect(d.allowed).toBe(true);
    expect(stored).toEqual({ a: 1, b: { c: 0 } });
  });

  it('the stored record is loaded for a patch when not given', async () => {
    const d = await check(m(), { type: 'record', action: 'write', name: 'r', patch: { path: 'b.c', value: 2 } }, { loadRecord: () => ({ a: 1, b: { c: 0 } }) });
    expect(d.allowed).toBe(true);
  });

  it('missing parents are created (deepstream path syntax a.b[0].c)', async () => {
    const mod = load(file({ record: '  "*":\n    write: "data.x.y[0].z === 5 && data.keep === true"\n' }));
    const d = await check(mod, { type: 'record', action: 'write', name: 'r', oldData: { keep: true }, patch: { path: 'x.y[0].z', value: 5 } });
    expect(d.allowed).toBe(true);
  });

  // The spec says deny here. deepstream denies (with an error) only when the rule reads `data`;
  // a rule that does not, and a path-write sent as an update (setData of a new record), run with
  // `data` undefined. We follow upstream.
  it('a patch of a record that does not exist denies when the rule reads data, and otherwise runs the rule', async () => {
    const reads = load(file({ record: '  "*":\n    write: "data === undefined && user.id === \'a\'"\n' }));
    const patch = { type: 'record', action: 'write', name: 'r', user: { id: 'a' }, patch: { path: 'a', value: 1 } } as const;
    expect(await check(reads, patch, { loadRecord: () => null })).toMatchObject({ allowed: false, reason: { code: 'VLV0919' } });
    expect((await check(reads, { ...patch, messageAction: 'UPDATE' }, { loadRecord: () => null })).allowed).toBe(true);
    const ignores = load(file({ record: '  "*":\n    write: "user.id === \'a\'"\n' }));
    expect((await check(ignores, patch, { loadRecord: () => null })).allowed).toBe(true);
  });
});

describe('§7 FIXED: `__proto__`, `constructor`, `prototype` patch paths are refused', () => {
  const PATHS = ['__proto__', '__proto__.polluted', 'a.__proto__.polluted', 'constructor.prototype.polluted', 'a.prototype', 'a[0].constructor'];
  const patch = (m: RulesModule, path: string): Promise<Decision> =>
    check(m, { type: 'record', action: 'write', name: 'r', oldData: { a: {} }, patch: { path, value: { polluted: true } } });

  it.each(PATHS)('patch path %s denies with an error (VLV0908) and pollutes nothing', async (path) => {
    const d = await patch(load(file({ record: '  "*":\n    write: "data !== null"\n' })), path);
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0908');
    expect(d.error).toBeTruthy();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('`write: "true"` (an expression) refuses them too', async () => {
    const d = await patch(load(file({ record: '  "*":\n    write: "true"\n' })), '__proto__.polluted');
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0908');
  });

  // A constant boolean rule still has the patch merged (and refused) before it decides.
  it('`write: true` (a constant) refuses them too', async () => {
    const m = load(file({ record: '  "*":\n    write: true\n' }));
    const d = await patch(m, '__proto__.polluted');
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0908');
  });

  it('`write: true` (a constant) refuses such a patch path of a record that does not exist', async () => {
    const m = load(file({ record: '  "*":\n    write: true\n' }));
    const d = await check(m, { type: 'record', action: 'write', name: 'r', patch: { path: 'a..__proto__', value: 1 } }, { loadRecord: () => null });
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0908');
  });
});

describe('§7 FIXED: independent references load in one round', () => {
  const records: Record<string, unknown> = { a: { x: true, next: 'b' }, b: { x: true, next: 'c' }, c: { x: true, next: 'd' }, d: { x: true, next: 'e' }, e: { x: true } };
  const loadRecord = (n: string): unknown => records[n] ?? null;

  it("`_('a').x && _('b').x && _('c').x` is allowed in one round at the default maxRuleIterations", async () => {
    const loads: string[] = [];
    const d = await publish("_('a').x && _('b').x && _('c').x", {});
    expect(d.allowed).toBe(false); // no loader configured: deny with an error
    const m = load(oneRule('event', 'publish', "_('a').x && _('b').x && _('c').x"));
    const ok = await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord: (n) => (loads.push(n), loadRecord(n)) });
    expect(ok.allowed).toBe(true);
    expect(ok.rounds).toBe(1);
    expect(loads.sort()).toEqual(['a', 'b', 'c']);
  });

  it('a reference whose name needs another takes one more round per level', async () => {
    const m = load(oneRule('event', 'publish', "_(_('a').next).x === true"));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord });
    expect(d.allowed).toBe(true);
    expect(d.rounds).toBe(2);
  });

  it('more rounds than maxRuleIterations deny with VLV0903', async () => {
    const m = load(oneRule('event', 'publish', "_(_(_(_('a').next).next).next).x === true"));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord });
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0903');
    // deepstream counts rule runs, the first included: four levels need a limit of 5.
    const wider = await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord, maxRuleIterations: 5 });
    expect(wider.allowed).toBe(true);
  });

  it('each record loads at most once per check', async () => {
    const loads: string[] = [];
    const m = load(oneRule('event', 'publish', "_('a').x && _('a').next === 'b' && _(_('a').next).x"));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord: (n) => (loads.push(n), loadRecord(n)) });
    expect(d.allowed).toBe(true);
    expect(loads.sort()).toEqual(['a', 'b']);
  });

  it('`_()` works in every section', async () => {
    for (const [section, action] of [['record', 'read'], ['event', 'subscribe'], ['rpc', 'provide'], ['presence', 'allow']] as const) {
      const m = load(oneRule(section, action, "_('a').x === true"));
      expect((await check(m, { type: section, action, name: 'n' }, { loadRecord })).allowed, section).toBe(true);
    }
  });

  it('`_()` of a name containing `undefined` gives undefined without a load', async () => {
    const loads: string[] = [];
    const m = load(oneRule('event', 'publish', "_('user/' + data.missing) === undefined"));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e', data: {} }, { loadRecord: (n) => (loads.push(n), null) });
    expect(d.allowed).toBe(true);
    expect(loads).toEqual([]);
  });

  it('`_()` of a record that does not exist is null', async () => {
    const m = load(oneRule('event', 'publish', "_('nope') === null"));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e' }, { loadRecord })).allowed).toBe(true);
  });
});

describe('§7 FIXED: `oldData` at the very end of a rule is loaded', () => {
  it.each(["user.id === 'u' && !!oldData", 'null !== oldData', "user.id === 'u' && oldData.v === 1 && !!oldData"])('%s', async (rule) => {
    const m = load(oneRule('record', 'read', rule));
    const d = await check(m, { type: 'record', action: 'read', name: 'r', user: { id: 'u' } }, { loadRecord: () => ({ v: 1 }) });
    expect(d.allowed).toBe(true);
  });
});

describe('§7 FIXED: keywords and names inside strings are just text', () => {
  it.each([
    ['event', 'publish', 'data.status === "new"'],
    ['event', 'publish', "data.kind === 'function' || data.kind === 'this'"],
    ['event', 'publish', "typeof(data.x) === 'string'"],
    ['record', 'create', "name === 'data/x'"],
    ['record', 'create', "name.startsWith('oldData')"],
    ['rpc', 'provide', "name !== 'process.exit(1)'"],
    ['event', 'publish', "data.s === 'new Date() ; delete this'"],
  ] as const)('%s %s: %s compiles', (section, action, rule) => {
    const { diagnostics } = compile(oneRule(section, action, rule));
    expect(diagnostics).toEqual([]);
  });

  it('`data.status === "new"` evaluates', async () => {
    expect((await publish('data.status === "new"', { status: 'new' })).allowed).toBe(true);
  });

  it('property names that are keywords are allowed after a dot', async () => {
    expect((await publish('data.new === 1 && data.delete === 2 && data.this === 3 && data.class === 4', { new: 1, delete: 2, this: 3, class: 4 })).allowed).toBe(true);
  });
});

describe('§7 FIXED: `action` is the message action name', () => {
  const m = () =>
    load(
      file({
        record: '  "*":\n    read: "action === \'READ\'"\n    write: "action === \'UPDATE\' || action === \'PATCH\'"\n',
        event: '  "*":\n    publish: "action === \'EMIT\'"\n',
      }),
    );

  it('record read → READ, event publish → EMIT, record write → UPDATE', async () => {
    const mod = m();
    expect((await check(mod, { type: 'record', action: 'read', name: 'r' })).allowed).toBe(true);
    expect((await check(mod, { type: 'event', action: 'publish', name: 'e' })).allowed).toBe(true);
    expect((await check(mod, { type: 'record', action: 'write', name: 'r', data: {} })).allowed).toBe(true);
  });

  it('the message action is passed through (PATCH, HEAD)', async () => {
    const mod = m();
    expect((await check(mod, { type: 'record', action: 'write', name: 'r', data: {}, messageAction: 'PATCH' })).allowed).toBe(true);
    expect((await check(mod, { type: 'record', action: 'read', name: 'r', messageAction: 'HEAD' })).allowed).toBe(false);
  });

  it('`action` is a string, not a protocol number', async () => {
    expect((await publish("typeof action === 'string'", {})).allowed).toBe(true);
  });
});

describe('§7 FIXED: a non-string `_()` argument gives one answer: deny with an error', () => {
  it.each([['data.n', 'a number'], ['data.o', 'an object'], ['null', 'null'], ['true', 'a boolean']])('_(%s) denies (VLV0905)', async (arg) => {
    let loads = 0;
    const m = load(oneRule('event', 'publish', `_(${arg}) === null`));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e', data: { n: 5, o: {} } }, { loadRecord: () => (loads++, null) });
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0905');
    expect(d.error).toBeTruthy();
    expect(loads).toBe(0);
  });

  it('`_(undefined)` gives undefined without a load (as upstream)', async () => {
    const m = load(oneRule('event', 'publish', '_(undefined) === undefined'));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e' })).allowed).toBe(true);
  });
});

describe('§7 FIXED: an invalid file is never used', () => {
  it('a file with an error has no module', () => {
    const { diagnostics, module } = compile(oneRule('record', 'read', 'process'));
    expect(codes(diagnostics)).toEqual(['VLV0301']);
    expect(module).toBeUndefined();
  });
});

describe('§7 FIXED: `${VAR}` is never substituted inside rules', () => {
  it('a string holding `${HOME}` stays literal', async () => {
    const m = load(oneRule('event', 'publish', "name === '${HOME}'"));
    expect((await check(m, { type: 'event', action: 'publish', name: '${HOME}' })).allowed).toBe(true);
  });

  it('a template substitution of an unknown name is an error, not an environment lookup', () => {
    expect(codes(compile(oneRule('event', 'publish', '`${HOME}` === name')).diagnostics)).toEqual(['VLV0301']);
  });
});

// ── §3 values in scope ───────────────────────────────────────────────────────────────────

describe('§3 values in scope', () => {
  it('user.id is "open" and user.isAuthenticated false for an unauthenticated connection; user.data is null', async () => {
    const m = load(oneRule('event', 'publish', "user.id === 'open' && user.isAuthenticated === false && user.data === null"));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e' })).allowed).toBe(true);
  });

  it('an authenticated user with server data', async () => {
    const m = load(oneRule('event', 'publish', "user.isAuthenticated && user.data.role === 'admin'"));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e', user: { id: 'u1', data: { role: 'admin' } } })).allowed).toBe(true);
  });

  it('`now` is the request time', async () => {
    const m = load(oneRule('event', 'publish', 'now === 1234'));
    expect((await check(m, { type: 'event', action: 'publish', name: 'e', now: 1234 })).allowed).toBe(true);
  });

  it('`name` is the full name', async () => {
    const m = load(oneRule('rpc', 'request', "name === 'math/add'"));
    expect((await check(m, { type: 'rpc', action: 'request', name: 'math/add' })).allowed).toBe(true);
  });

  it('a presence query of all users has name undefined and meets only the "*" pattern', async () => {
    const m = load(file({ presence: '  "*":\n    allow: "name === undefined"\n  "x*":\n    allow: false\n' }));
    expect((await check(m, { type: 'presence', action: 'allow', name: undefined })).allowed).toBe(true);
  });

  it('reading a property of null denies with an error and the rule position', async () => {
    const m = load(oneRule('event', 'publish', 'data.a.b === 1'));
    const d = await check(m, { type: 'event', action: 'publish', name: 'e', data: { a: null } });
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0901');
    expect(d.location).toMatch(/:\d+:\d+$/);
  });
});

// ── §2: rule selection ───────────────────────────────────────────────────────────────────

describe('§2 rule selection', () => {
  /** The root "*" and every listed pattern allow; the decision's pattern says which one was chosen. */
  const chosen = async (patterns: string[], name: string): Promise<string | undefined> => {
    const body = patterns.map((p) => `  ${JSON.stringify(p)}:\n    read: true\n`).join('');
    const m = load(file({ record: `  "*":\n    read: true\n${body}` }));
    return (await check(m, { type: 'record', action: 'read', name })).pattern;
  };

  it('the longest matching pattern wins', async () => {
    expect(await chosen(['user/*', 'user/$id'], 'user/abc')).toBe('user/$id');
    expect(await chosen(['user/$id', 'user/*'], 'user/abc')).toBe('user/$id');
    expect(await chosen(['user/*', 'user/$id/profile'], 'user/a/profile')).toBe('user/$id/profile');
  });

  it('a longer pattern that does not match is skipped', async () => {
    expect(await chosen(['user/*', 'user/$id/profile'], 'user/a/b/profile')).toBe('user/*');
    expect(await chosen(['user/*', 'user/$id'], 'user/a/b')).toBe('user/*');
  });

  it('on equal length the later pattern wins', async () => {
    expect(await chosen(['a/$x/*', 'a/*/$y'], 'a/b/c')).toBe('a/*/$y');
    expect(await chosen(['a/*/$y', 'a/$x/*'], 'a/b/c')).toBe('a/$x/*');
    expect(await chosen(['a/$x', 'a/*b'], 'a/cb')).toBe('a/*b');
  });

  it('"later" is JavaScript property order: keys that look like array indexes come first, so they lose ties', async () => {
    expect(await chosen(['1*', '10'], '10')).toBe('1*');
    expect(await chosen(['10', '1*'], '10')).toBe('1*');
    expect(await chosen(['$a', '10'], '10')).toBe('$a');
    // Not array indexes: a leading zero, and 2^32 - 1; those keep their file order.
    expect(await chosen(['0*', '01'], '01')).toBe('01');
    expect(await chosen(['429496729*', '4294967294'], '4294967294')).toBe('429496729*');
    expect(await chosen(['429496729*', '4294967295'], '4294967295')).toBe('4294967295');
  });

  it('a pattern that does not define the action is skipped; a less specific one applies', async () => {
    const m = load(file({ record: '  "*":\n    read: "name === \'user/x\'"\n  "user/*":\n    write: false\n' }));
    const d = await check(m, { type: 'record', action: 'read', name: 'user/x' });
    expect(d.pattern).toBe('*');
    expect(d.allowed).toBe(true);
    const w = await check(m, { type: 'record', action: 'write', name: 'user/x', data: {} });
    expect(w.pattern).toBe('user/*');
    expect(w.allowed).toBe(false);
  });

  it('no pattern defining the action denies (VLV0902)', async () => {
    const m = load(file({ event: '  "*":\n    publish: true\n' }));
    const d = await check(m, { type: 'event', action: 'subscribe', name: 'e' });
    expect(d.allowed).toBe(false);
    expect(d.pattern).toBeUndefined();
    expect(d.reason.code).toBe('VLV0902');
  });

  it('no matching pattern denies', async () => {
    const m = load(file({ record: '  "*":\n    write: true\n  "user/$id":\n    read: true\n' }));
    const d = await check(m, { type: 'record', action: 'read', name: 'other/x' });
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0902');
  });

  it('`$var` matches exactly one non-empty segment and binds it', async () => {
    const m = load(file({ record: '  "*":\n    read: false\n  "user/$id":\n    read: "$id === user.id"\n' }));
    const read = (name: string, id = 'abc') => check(m, { type: 'record', action: 'read', name, user: { id } });
    const one = await read('user/abc');
    expect(one.pattern).toBe('user/$id');
    expect(one.variables).toEqual({ $id: 'abc' });
    expect(one.allowed).toBe(true);
    expect((await read('user/abc/x')).pattern).toBe('*');
    expect((await read('user/')).pattern).toBe('*');
    expect((await read('user/xyz')).allowed).toBe(false);
  });

  it('`*` crosses `/` and may be empty', async () => {
    for (const name of ['files/a', 'files/a/b/c', 'files/']) expect(await chosen(['files/*'], name), name).toBe('files/*');
    expect(await chosen(['a/*/z'], 'a/b/c/z')).toBe('a/*/z');
    expect(await chosen(['a/*/z'], 'a/b/c/y')).toBe('*');
  });

  it('`$name` ends at the first character that is not a letter or digit', async () => {
    const m = load(file({ record: '  "*":\n    read: false\n  "u/$user_id":\n    read: "$user === \'abc\'"\n' }));
    const d = await check(m, { type: 'record', action: 'read', name: 'u/abc_id' });
    expect(d.variables).toEqual({ $user: 'abc' });
    expect(d.allowed).toBe(true);
    expect((await check(m, { type: 'record', action: 'read', name: 'u/abc' })).pattern).toBe('*');
  });

  it('several variables in one pattern bind in order', async () => {
    const m = load(file({ record: '  "*":\n    read: false\n  "chat/$room/$msg":\n    read: "$room === \'r\' && $msg === \'m\'"\n' }));
    const d = await check(m, { type: 'record', action: 'read', name: 'chat/r/m' });
    expect(d.variables).toEqual({ $room: 'r', $msg: 'm' });
    expect(d.allowed).toBe(true);
  });

  it('the decision names the rule position', async () => {
    const m = load(file({ record: '  "*":\n    read: true\n  "user/*":\n    read: true\n' }));
    expect((await check(m, { type: 'record', action: 'read', name: 'user/x' })).location).toMatch(/^spec\.yml:5:11$/);
  });

  it('selection is per section: an event pattern does not apply to records', async () => {
    const m = load(file({ record: '  "*":\n    read: false\n', event: '  "*":\n    publish: true\n  "x":\n    subscribe: true\n' }));
    expect((await check(m, { type: 'record', action: 'read', name: 'x' })).allowed).toBe(false);
    expect((await check(m, { type: 'event', action: 'subscribe', name: 'x' })).allowed).toBe(true);
  });

  /** The spec's definition, written directly: every literal character escaped, `$name` one segment, `*` anything. */
  const reference = (pattern: string): RegExp => {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*') out += '[\\s\\S]*';
      else if (c === '$') {
        const m = /^[A-Za-z0-9]+/.exec(pattern.slice(i + 1))!;
        out += '([^/]+)';
        i += m[0].length;
      } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp(`^${out}$`);
  };

  it('agrees with the spec on random patterns and names (longest, then latest in property order; variables bound)', async () => {
    // Digits make integer-like keys ("10"), which deepstream's for…in visits first.
    const piece = fc.constantFrom('a', 'b', 'ab', '/', '*', '$x', '$y', 'a/', '/b', '-', '.', '1', '0');
    const pattern = fc
      .array(piece, { minLength: 1, maxLength: 5 })
      .map((p) => p.join(''))
      .filter((p) => {
        const vars = p.match(/\$[A-Za-z0-9]+/g) ?? [];
        return p !== '*' && !p.startsWith('/') && !p.includes('.*') && new Set(vars).size === vars.length;
      });
    const name = fc.array(fc.constantFrom('a', 'b', '/', '-', '.', 'ab', '1', '0'), { maxLength: 6 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(pattern, { minLength: 1, maxLength: 5 }), name, async (patterns, n) => {
        const body = patterns.map((p) => `  ${JSON.stringify(p)}:\n    read: true\n`).join('');
        const { module, diagnostics } = compile(file({ record: `  "*":\n    write: true\n${body}` }));
        expect(errors(diagnostics)).toEqual([]);
        let best: string | undefined;
        // The order deepstream walks them in: the keys of the loaded object.
        const walked = Object.keys(Object.fromEntries(patterns.map((p) => [p, true])));
        for (const p of walked) if (reference(p).test(n) && (best === undefined || p.length >= best.length)) best = p;
        const d = await check(module!, { type: 'record', action: 'read', name: n });
        expect(d.pattern).toBe(best);
        if (best !== undefined) {
          const m = reference(best).exec(n)!;
          const vars = best.match(/\$[A-Za-z0-9]+/g) ?? [];
          expect(d.variables).toEqual(Object.fromEntries(vars.map((v, i) => [v, m[i + 1]])));
          expect(d.allowed).toBe(true);
        } else {
          expect(d.allowed).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});
