/**
 * What a deny says when the request itself is wrong (a caller of the API passed a wrong shape,
 * VLV0913), when no rule applies (VLV0902), or when an input can not be read or copied. Exact
 * texts, as the decision log shows them, and the same on the quick, full and interpreted paths.
 */
import { describe, expect, it } from 'vitest';
import type { CheckOptions, CheckRequest, Decision, RequestUser } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile } from '../security/helpers.js';

function sets(text: string): [string, RuleSet][] {
  const { module, diagnostics } = compile(text, { file: 'requests.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return [
    ['quick', new RuleSet(module.file, module.rules)],
    ['full', new RuleSet(module.file, module.rules, { quick: false })],
    ['interpreted', new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false })],
  ];
}

/** The decision, the same on every path. */
async function decide(rule: string, request: CheckRequest, options: CheckOptions = {}): Promise<Decision> {
  const all: Decision[] = [];
  for (const [path, set] of sets(permissionsFile(rule))) {
    all.push(await set.check(request, options));
    expect(all.at(-1), path).toEqual(all[0]);
  }
  return all[0]!;
}

const write = (more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'doc/1', user: { id: 'u' }, data: { x: 1 }, oldData: { x: 0 }, ...more });
const getter = <T extends object>(o: T, key: string): T => Object.defineProperty(o, key, { enumerable: true, get: () => { throw new Error('a getter ran'); } });

describe('a malformed user (VLV0913)', () => {
  const cases: [string, unknown, string][] = [
    ['a number', 5, '`user` must be an object, not the number 5'],
    ['null', null, '`user` must be an object, not `null`'],
    ['a string', 'alice', '`user` must be an object, not the string "alice"'],
    ['a Proxy', new Proxy({ id: 'alice' }, {}), '`user` is a Proxy'],
    ['no id', {}, '`user.id` must be a string, not `undefined`'],
    ['an inherited id', Object.create({ id: 'alice' }), '`user.id` must be a string, not `undefined`'],
    ['a numeric id', { id: 5 }, '`user.id` must be a string, not the number 5'],
    ['an id getter', getter({}, 'id'), '`user.id` is a getter'],
    ['isAuthenticated a string', { id: 'a', isAuthenticated: 'yes' }, '`user.isAuthenticated` must be a boolean, not the string "yes"'],
    ['isAuthenticated a getter', getter({ id: 'a' }, 'isAuthenticated'), '`user.isAuthenticated` is a getter'],
    ['data a getter', getter({ id: 'a' }, 'data'), '`user.data` is a getter'],
  ];
  for (const [what, user, detail] of cases) {
    it(`${what}: "${detail}"`, async () => {
      for (const rule of ['data.x === 1', "_('other') === null && data.x === 1"]) {
        const d = await decide(rule, write({ user: user as RequestUser }), { loadRecord: () => null });
        expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0913', message: `invalid request: ${detail}` }, error: `invalid request: ${detail}` });
      }
    });
  }

  it('a well-formed user with isAuthenticated and data given is no error', async () => {
    expect((await decide("user.isAuthenticated === false && user.data.a === 1", write({ user: { id: 'a', isAuthenticated: false, data: { a: 1 } } }))).allowed).toBe(true);
  });
});

describe('a request naming no record, event or RPC properly', () => {
  it('a name that is not a string is a malformed request, whatever the rules', async () => {
    for (const [, set] of sets(permissionsFile('true'))) {
      expect(await set.check({ type: 'record', action: 'write', name: 5 as never, data: {} })).toEqual({
        section: 'record',
        action: 'write',
        name: undefined,
        rounds: 0,
        allowed: false,
        reason: { code: 'VLV0913', message: 'invalid request: the name must be a string, not the number 5' },
        error: 'invalid request',
      });
    }
  });

  it('an action no pattern defines denies and says which (VLV0902)', async () => {
    for (const [, set] of sets(permissionsFile('true'))) {
      expect(await set.check({ type: 'record', action: 'listen', name: 'doc/1' })).toEqual({ section: 'record', action: 'listen', name: 'doc/1', rounds: 0, allowed: false, reason: { code: 'VLV0902', message: 'no `record` pattern defines `listen` for `doc/1`' } });
      // An unknown section or action is no error of the engine: it denies the same way.
      expect((await set.check({ type: 'nothing' as never, action: 'read', name: 'x' })).reason.message).toBe('no `nothing` pattern defines `read` for `x`');
      expect((await set.check({ type: 'presence', action: 'allow' })).allowed).toBe(true);
    }
  });

  it('a request without a name, where no pattern defines the action, names the empty name', async () => {
    for (const [, set] of sets(permissionsFile('true'))) {
      expect((await set.check({ type: 'record', action: 'listen' })).reason).toEqual({ code: 'VLV0902', message: 'no `record` pattern defines `listen` for ``' });
    }
  });
});

describe('select: the rule check uses, and its $variables', () => {
  const text = 'record:\n  "*":\n    read: true\n  "doc/$owner/$id":\n    read: "user.id === $owner"\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';
  it('names the pattern that decides and the values of its variables', () => {
    const [, set] = sets(text)[1]!;
    const found = set.select('record', 'read', 'doc/alice/7');
    expect(found?.rule.pattern).toBe('doc/$owner/$id');
    expect(found?.vars).toEqual(['alice', '7']);
    expect(set.select('record', 'read', 'other')?.rule.pattern).toBe('*');
    expect(set.select('record', 'listen', 'doc/alice/7')).toBeUndefined();
    expect(set.select('nothing' as never, 'read', 'x')).toBeUndefined();
  });
});

describe('an input that can not be read or copied', () => {
  it('a patch value over maxRecordSize is named', async () => {
    const d = await decide('true', write({ data: undefined, patch: { path: 'a', value: 'x'.repeat(20) } }), { limits: { maxRecordSize: 10 } });
    expect(d.reason).toEqual({ code: 'VLV0910', message: 'the patch value is larger than the limit of 10 (maxRecordSize); it was not read' });
  });

  it('a patch value or a stored record given with a getter can not be copied into the patched record', async () => {
    const value = getter({ a: 1 }, 'g');
    expect((await decide('true', write({ data: undefined, patch: { path: 'a', value } }))).reason).toEqual({ code: 'VLV0917', message: 'rule failed: the patch value holds a getter, which can not be copied to apply the patch' });
    const oldData = getter({ a: 1 }, 'g');
    expect((await decide('true', write({ data: undefined, oldData, patch: { path: 'a', value: 2 } }))).reason).toEqual({ code: 'VLV0917', message: 'rule failed: the stored record (`oldData`) holds a getter, which can not be copied to apply the patch' });
  });

  it('a loaded stored record with a getter can not be patched', async () => {
    const d = await decide('true', write({ data: undefined, oldData: undefined, patch: { path: 'a', value: 2 } }), { loadRecord: () => getter({ a: 1 }, 'g') });
    expect(d.reason).toEqual({ code: 'VLV0904', message: 'loading record `doc/1` failed: it holds a getter, which can not be copied to apply the patch' });
  });

  it('without a patch nothing is copied: inputs holding getters are read by descriptors, also with a load', async () => {
    const rule = "_('other') === null && data.x === 1 && oldData.x === 0 && user.data.x === 2";
    const d = await decide(rule, write({ data: getter({ x: 1 }, 'g'), oldData: getter({ x: 0 }, 'g'), user: { id: 'u', data: getter({ x: 2 }, 'g') } }), { loadRecord: () => null });
    expect(d).toMatchObject({ allowed: true, rounds: 1 });
  });

  it('a patch makes `data` the patched record: a payload sent along is not read', async () => {
    const d = await decide('data.a === 2', write({ data: getter({ x: 'x'.repeat(50) }, 'g'), oldData: {}, patch: { path: 'a', value: 2 } }), { limits: { maxRecordSize: 20 } });
    expect(d.allowed).toBe(true);
  });
});
