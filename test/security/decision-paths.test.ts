/**
 * What every path that decides (quick, full, interpreted; with and without record loads and
 * patches) must agree on: a request without a user is unauthenticated, the clock is read when
 * `now` is not given, a failed load denies, and an internal failure on the async path is a deny,
 * never a rejection. (Issue 20: mutants of each survived the unit and security suites.)
 */
import { describe, expect, it } from 'vitest';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile } from './helpers.js';

function sets(rule: string): [string, RuleSet][] {
  const { module, diagnostics } = compile(permissionsFile(rule), { file: 'paths.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return [
    ['quick', new RuleSet(module.file, module.rules)],
    ['full', new RuleSet(module.file, module.rules, { quick: false })],
    ['interpreted', new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false })],
  ];
}

async function decisions(rule: string, request: CheckRequest, options: CheckOptions = {}): Promise<[string, Decision][]> {
  return Promise.all(sets(rule).map(async ([name, set]) => [name, (await set.check(request, options)) as Decision] as [string, Decision]));
}

const write = (more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'doc/1', data: { x: 1 }, oldData: { x: 0 }, ...more });
const loadRecord = (n: string): unknown => (n === 'doc/1' ? { x: 0 } : { ok: true });

describe('a request without a user', () => {
  // The same question asked plainly, with a record load (full path), and with a patch.
  const shapes: [string, string, (r: CheckRequest) => CheckRequest][] = [
    ['plain', '', (r) => r],
    ['with a load', "_('other').ok && ", (r) => r],
    ['a patch', '', (r) => ({ ...r, data: undefined, patch: { path: 'x', value: 2 } })],
  ];

  for (const [shape, prefix, make] of shapes) {
    it(`is unauthenticated with id "open" and no data on every path (${shape})`, async () => {
      for (const [rule, expected] of [
        ['user.isAuthenticated', false],
        ['!user.isAuthenticated', true],
        ["user.id === 'open'", true],
        ['user.data === null', true],
      ] as const) {
        for (const [path, d] of await decisions(`${prefix}${rule}`, make(write()), { loadRecord })) {
          expect(d.allowed, `${rule} on the ${path} path (${shape})`).toBe(expected);
        }
      }
    });
  }

  it('a user with id "open" is unauthenticated too; any other id is authenticated unless it says otherwise', async () => {
    const cases: [CheckRequest['user'], boolean][] = [
      [{ id: 'open' }, false],
      [{ id: 'alice' }, true],
      [{ id: 'alice', isAuthenticated: false }, false],
      [{ id: 'open', isAuthenticated: true }, true],
    ];
    for (const [user, authenticated] of cases) {
      for (const prefix of ['', "_('other').ok && "]) {
        for (const [path, d] of await decisions(`${prefix}user.isAuthenticated`, write({ user }), { loadRecord })) {
          expect(d.allowed, `${JSON.stringify(user)} on the ${path} path${prefix ? ' with a load' : ''}`).toBe(authenticated);
        }
      }
    }
  });
});

describe('now', () => {
  it('is the clock when the request does not give it, and the given value when it does', async () => {
    const before = Date.now();
    for (const prefix of ['', "_('other').ok && "]) {
      for (const [path, d] of await decisions(`${prefix}now >= ${before}`, write(), { loadRecord })) expect(d.allowed, path).toBe(true);
      for (const [path, d] of await decisions(`${prefix}now === 5`, write({ now: 5 }), { loadRecord })) expect(d.allowed, path).toBe(true);
    }
  });
});

describe('failures deny', () => {
  it('a stored record that fails to load denies a rule that reads oldData (VLV0904), and a patch of it', async () => {
    const failing = (): unknown => {
      throw new Error('storage is down');
    };
    for (const [rule, request] of [
      ['oldData === null || oldData.x === 0', write({ oldData: undefined })],
      ['true', write({ oldData: undefined, data: undefined, patch: { path: 'x', value: 2 } })],
    ] as const) {
      for (const [path, d] of await decisions(rule, request, { loadRecord: failing })) {
        expect(d, `${rule} on the ${path} path`).toMatchObject({ allowed: false, reason: { code: 'VLV0904' } });
        expect(d.error, path).toContain('storage is down');
      }
    }
    // A rejected promise is the same failure.
    for (const [path, d] of await decisions('oldData !== null', write({ oldData: undefined }), { loadRecord: () => Promise.reject(new Error('gone')) })) {
      expect(d, path).toMatchObject({ allowed: false, reason: { code: 'VLV0904' } });
    }
  });

  it('an internal failure on the async path is a deny with the error, not a rejection', async () => {
    // A caller's options object that throws when read, once loads have started.
    const options = {
      loadRecord,
      get maxRuleIterations(): number {
        throw new Error('boom');
      },
    };
    for (const [path, set] of sets("_('other').ok")) {
      const pending = set.check(write(), options);
      expect(pending, path).toBeInstanceOf(Promise);
      const d = await pending;
      expect(d, path).toMatchObject({ allowed: false, reason: { code: 'VLV0915' } });
      expect(d.error, path).toContain('internal error: boom');
    }
  });

  it('a section or action with no rules at all denies (VLV0902)', async () => {
    const { module } = compile(permissionsFile('true'), { file: 'paths.yml' });
    const recordsOnly = new RuleSet(module!.file, module!.rules.filter((r) => r.section === 'record' && r.action === 'write'));
    expect(recordsOnly.check({ type: 'event', action: 'publish', name: 'e' })).toMatchObject({ allowed: false, reason: { code: 'VLV0902' } });
    expect(recordsOnly.check({ type: 'record', action: 'read', name: 'doc/1' })).toMatchObject({ allowed: false, reason: { code: 'VLV0902' } });
    expect(recordsOnly.check({ type: 'record', action: 'write', name: 'doc/1', data: {} })).toMatchObject({ allowed: true });
  });
});
