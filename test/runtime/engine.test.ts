import { describe, expect, it } from 'vitest';
import { createEngine, RulesError, type CheckRequest, type Decision } from '../../index.js';

const SECTIONS = `event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
const engineFor = (record: string, options: { records?: Record<string, unknown>; loads?: string[]; max?: number; delay?: number; fail?: string[]; timeoutMs?: number } = {}) =>
  createEngine({
    rules: { text: `record:\n${record}\n${SECTIONS}`, file: 'rules.yml' },
    maxRuleIterations: options.max,
    loadTimeoutMs: options.timeoutMs,
    loadRecord: (name) => {
      options.loads?.push(name);
      if (options.fail?.includes(name)) return Promise.reject(new Error('storage down'));
      const value = Object.prototype.hasOwnProperty.call(options.records ?? {}, name) ? options.records![name] : null;
      return options.delay === undefined ? value : new Promise((res) => setTimeout(() => res(value), options.delay));
    },
  });

const read = (name: string, user = 'alice'): CheckRequest => ({ type: 'record', action: 'read', name, user: { id: user } });

describe('rule selection', () => {
  const e = engineFor(
    [
      '  "*":',
      '    read: false',
      '  "users/*":',
      '    read: "name === \'users/a/b\'"',
      '  "users/$id":',
      '    read: "$id === \'bob\'"',
      '  "users/$id/x":',
      '    write: true',
      '  "users/bob":',
      '    read: true',
      '  "users/tom":',
      '    write: true',
      '  "ab$x":',
      '    read: true',
      '  "ab$y":',
      '    read: "$y === \'z\'"',
      '  "a.c":',
      '    read: true',
    ].join('\n'),
  );
  const decide = (name: string): Decision => e.check(read(name)) as Decision;

  it('picks the longest matching pattern text', () => {
    expect(decide('users/bob').pattern).toBe('users/bob');
    expect(decide('users/eve').pattern).toBe('users/$id');
  });
  it('lets the later pattern win a tie in length', () => {
    expect(decide('abq').pattern).toBe('ab$y');
    expect(decide('abq').allowed).toBe(false);
    expect(decide('abz').allowed).toBe(true);
  });
  it('falls back to a less specific pattern that defines the action', () => {
    // users/tom defines only write, so read falls back to users/$id
    expect(decide('users/tom').pattern).toBe('users/$id');
  });
  it('matches $variables against one segment only, and * across segments', () => {
    expect(decide('users/a/b').pattern).toBe('users/*');
    expect(decide('users/a/b').allowed).toBe(true);
    expect(decide('users/').pattern).toBe('users/*');
  });
  it('treats regex characters in patterns literally (STRICTER)', () => {
    expect(decide('a.c').pattern).toBe('a.c');
    expect(decide('abc').pattern).toBe('ab$y');
  });
  it('binds $variables and reports where the rule is', () => {
    const d = decide('users/bob2');
    expect(d.variables).toEqual({ $id: 'bob2' });
    expect(d.location).toBe('rules.yml:7:11');
  });
  it('denies when no pattern defines the action', () => {
    const only = createEngine({ rules: { text: `record:\n  "*":\n    write: true\n${SECTIONS}` } });
    const d = only.check(read('x')) as Decision;
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0902');
  });
  it('selects among thousands of patterns without scanning them (same answers as the rule)', () => {
    const lines = ['  "*":', '    read: false'];
    for (let i = 0; i < 5000; i++) lines.push(`  "p${i}/$id/*":`, `    read: "$id === 'ok${i % 7}'"`);
    const big = engineFor(lines.join('\n'));
    expect((big.check(read('p4242/ok0/deep/er')) as Decision).allowed).toBe(true);
    expect((big.check(read('p4242/ok1/deep')) as Decision).pattern).toBe('p4242/$id/*');
    expect((big.check(read('p99999/ok0/x')) as Decision).pattern).toBe('*');
  });
});

describe('cross-references', () => {
  it('loads independent references in one round, in parallel', async () => {
    const loads: string[] = [];
    const e = engineFor(`  "*":\n    read: "_('a').ok && _('b').ok && _('c').ok"`, { records: { a: { ok: true }, b: { ok: true }, c: { ok: true } }, loads, delay: 5 });
    const d = await e.check(read('x'));
    expect(d.allowed).toBe(true);
    expect(d.rounds).toBe(1);
    expect(loads.sort()).toEqual(['a', 'b', 'c']);
  });
  it('takes one round per nesting level', async () => {
    const e = engineFor(`  "*":\n    read: "_(_('user/' + user.id).team).members.includes(user.id)"`, {
      records: { 'user/alice': { team: 'team/1' }, 'team/1': { members: ['alice'] } },
    });
    const d = await e.check(read('x'));
    expect(d.allowed).toBe(true);
    expect(d.rounds).toBe(2);
  });
  it('denies with an error naming the rule past maxRuleIterations', async () => {
    const e = engineFor(`  "*":\n    read: "_(_(_('a').b).c).d === 1"`, { records: { a: { b: 'b' }, b: { c: 'c' }, c: { d: 1 } }, max: 2 });
    const d = await e.check(read('x'));
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0903');
    expect(d.error).toContain('record `*` read at rules.yml:3:11');
    // deepstream counts rule runs (the first included): three levels of loads need a limit of 4.
    const atThree = await engineFor(`  "*":\n    read: "_(_(_('a').b).c).d === 1"`, { records: { a: { b: 'b' }, b: { c: 'c' }, c: { d: 1 } }, max: 3 }).check(read('x'));
    expect(atThree.allowed).toBe(false);
    const ok = await engineFor(`  "*":\n    read: "_(_(_('a').b).c).d === 1"`, { records: { a: { b: 'b' }, b: { c: 'c' }, c: { d: 1 } }, max: 4 }).check(read('x'));
    expect(ok.allowed).toBe(true);
  });
  it('gives null for a missing record (so a property read denies with an error)', async () => {
    const e = engineFor(`  "*":\n    read: "_('nope') === null"\n  "b":\n    read: "_('nope').x === 1"`);
    expect((await e.check(read('a'))).allowed).toBe(true);
    const d = await e.check(read('b'));
    expect(d.allowed).toBe(false);
    expect(d.error).toMatch(/can not read `x` of `null`/);
  });
  it('loads each record at most once per check', async () => {
    const loads: string[] = [];
    const e = engineFor(`  "*":\n    write: "_('x').n + _('x').n === 2 && oldData.n === 1 && _(name).n === 1"`, { records: { x: { n: 1 } }, loads });
    const d = await e.check({ type: 'record', action: 'write', name: 'x', user: { id: 'a' }, data: {} });
    expect(d.allowed).toBe(true);
    expect(loads).toEqual(['x']);
  });
  it('denies when a load fails or times out', async () => {
    const failing = engineFor(`  "*":\n    read: "_('a') === null"`, { fail: ['a'] });
    const d = await failing.check(read('x'));
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0904');
    expect(d.error).toContain('storage down');
    const slow = engineFor(`  "*":\n    read: "_('a') === null"`, { delay: 200, timeoutMs: 20 });
    const t = await slow.check(read('x'));
    expect(t.allowed).toBe(false);
    expect(t.error).toMatch(/timed out after 20 ms/);
  });
  it('does not load for _(undefined) or names containing "undefined"', async () => {
    const loads: string[] = [];
    const e = engineFor(`  "*":\n    read: "_('u/' + undefined) === undefined && _(undefined) === undefined"`, { loads });
    const d = e.check(read('x'));
    expect(d).not.toBeInstanceOf(Promise);
    expect((d as Decision).allowed).toBe(true);
    expect(loads).toEqual([]);
  });
  it('denies a non-string _() argument once, with an error (FIXED)', async () => {
    const e = engineFor(`  "*":\n    read: "_(42) === null"`);
    const d = await e.check(read('x'));
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0905');
  });
});

describe('oldData, data and patches', () => {
  const rules = `  "*":\n    write: "oldData === null || data.owner === oldData.owner"\n    read: true`;
  it('answers synchronously when nothing must load', () => {
    const d = engineFor(rules).check(read('doc'));
    expect(d).not.toBeInstanceOf(Promise);
  });
  it('loads oldData when the rule uses it and the request does not give it', async () => {
    const e = engineFor(rules, { records: { doc: { owner: 'alice', n: 1 } } });
    expect((await e.check({ type: 'record', action: 'write', name: 'doc', user: { id: 'a' }, data: { owner: 'alice' } })).allowed).toBe(true);
    expect((await e.check({ type: 'record', action: 'write', name: 'doc', user: { id: 'a' }, data: { owner: 'bob' } })).allowed).toBe(false);
    expect((await e.check({ type: 'record', action: 'write', name: 'new', user: { id: 'a' }, data: { owner: 'bob' } })).allowed).toBe(true);
  });
  it('applies a patch to a copy of the stored record', async () => {
    const stored = { owner: 'alice', items: [{ tags: { a: 1 } }] };
    const e = engineFor(`  "*":\n    write: "data.owner === 'alice' && data.items[0].tags.b === 2 && data.items[0].tags.a === 1"`, { records: { doc: stored } });
    const d = await e.check({ type: 'record', action: 'write', name: 'doc', user: { id: 'a' }, patch: { path: 'items[0].tags.b', value: 2 } });
    expect(d.allowed).toBe(true);
    expect(stored.items[0].tags).toEqual({ a: 1 });
    const created = await engineFor(`  "*":\n    write: "data.x.y[1].z === 3"`, { records: { doc: {} } }).check({ type: 'record', action: 'write', name: 'doc', patch: { path: 'x.y[1].z', value: 3 } });
    expect(created.allowed).toBe(true);
  });
  it('loads references that do not depend on the patched record in the same round as it', async () => {
    const rule = `  "*":\n    write: "_('c/' + _('b/' + _('a/' + user.id).x).y).ok === true"`;
    const records = { 'a/u': { x: '1' }, 'b/1': { y: '2' }, 'c/2': { ok: true }, doc: { v: 1 } };
    const full = await engineFor(rule, { records, max: 4 }).check({ type: 'record', action: 'write', name: 'doc', user: { id: 'u' }, data: { v: 2 } });
    const patch = await engineFor(rule, { records, max: 4 }).check({ type: 'record', action: 'write', name: 'doc', user: { id: 'u' }, patch: { path: 'v', value: 2 } });
    expect([full.allowed, full.rounds]).toEqual([true, 3]);
    expect([patch.allowed, patch.rounds]).toEqual([true, 3]);
  });
  it('a patch of a missing record: a rule that reads data fails (as deepstream), a path-write sent as an update sees data undefined, a path reaching __proto__ is refused (FIXED)', async () => {
    const e = engineFor(`  "*":\n    write: true\n  "d":\n    write: "data !== null"`, { records: { d: { a: 1 } } });
    const missing = await e.check({ type: 'record', action: 'write', name: 'nothing/d', patch: { path: 'a', value: 1 } });
    expect(missing.allowed).toBe(true);
    const readsData = engineFor(`  "*":\n    write: "data === undefined"`);
    const m2 = await readsData.check({ type: 'record', action: 'write', name: 'zz', patch: { path: 'a', value: 1 } });
    expect(m2).toMatchObject({ allowed: false, reason: { code: 'VLV0919' } });
    expect(m2.error).toMatch(/`zz` does not exist, so the patch has nothing to apply to/);
    const setData = await readsData.check({ type: 'record', action: 'write', name: 'zz', messageAction: 'UPDATE', patch: { path: 'a', value: 1 } });
    expect(setData.allowed).toBe(true);
    const proto = await e.check({ type: 'record', action: 'write', name: 'd', patch: { path: '__proto__.polluted', value: 1 } });
    expect(proto.allowed).toBe(false);
    expect(proto.reason.code).toBe('VLV0908');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fail closed', () => {
  it('allows only exactly true (STRICTER)', () => {
    for (const rule of ['undefined', 'null', '0', "''", '1', "'yes'", '[]']) {
      const d = engineFor(`  "*":\n    read: "${rule}"`).check(read('x')) as Decision;
      expect(d.allowed, rule).toBe(false);
    }
  });
  it('turns evaluation errors into denies with a reason and position', () => {
    const d = engineFor(`  "*":\n    read: "user.data.role === 'admin'"`).check(read('x')) as Decision;
    expect(d.allowed).toBe(false);
    expect(d.reason.code).toBe('VLV0901');
    expect(d.location).toBe('rules.yml:3:11');
  });
  it('a failure outside the rule set (an overrides object that throws when read) denies with VLV0915, not a rule failure', () => {
    const overrides = {
      get loadRecord(): never {
        throw new Error('boom');
      },
    };
    const d = engineFor(`  "*":\n    read: true`).check(read('x'), overrides) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0915', message: 'rule failed: internal error: boom' }, error: 'internal error: boom' });
  });
  it('refuses to build an engine from rules with errors, listing them', () => {
    expect(() => engineFor(`  "*":\n    read: "process.exit(1)"`)).toThrow(RulesError);
    try {
      engineFor(`  "*":\n    read: "process.exit(1)"`);
    } catch (e) {
      expect((e as RulesError).diagnostics.map((d) => d.code)).toEqual(['VLV0301', 'VLV0305']);
    }
  });
  it('swaps rules atomically with replace()', () => {
    const e = engineFor(`  "*":\n    read: false`);
    expect((e.check(read('x')) as Decision).allowed).toBe(false);
    e.replace({ text: `record:\n  "*":\n    read: true\n${SECTIONS}` });
    expect((e.check(read('x')) as Decision).allowed).toBe(true);
    expect(() => e.replace({ text: 'record: [' })).toThrow(RulesError);
    expect((e.check(read('x')) as Decision).allowed).toBe(true);
  });
});

describe('YAML features deepstream accepts', () => {
  it('merges `<<: *anchor` rule sets; the mapping\'s own keys win', () => {
    const e = createEngine({
      rules: { text: `record:\n  "*": &default\n    read: true\n    write: true\n  "y/*":\n    <<: *default\n    read: false\n${SECTIONS}` },
    });
    expect((e.check(read('y/1')) as Decision).allowed).toBe(false);
    const w = e.check({ type: 'record', action: 'write', name: 'y/1', data: {} }) as Decision;
    expect([w.allowed, w.pattern]).toEqual([true, 'y/*']);
  });
});
