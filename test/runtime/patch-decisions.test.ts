/**
 * How a patch (a write of one path) is decided: `data` is the stored record with the value set,
 * which must fit what a stored record may be; a malformed path or a patch of a missing record the
 * rule reads is denied, each with the text the decision log shows, on every path alike.
 */
import { describe, expect, it } from 'vitest';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile } from '../security/helpers.js';

async function decide(rule: string, request: CheckRequest, options: CheckOptions = {}): Promise<Decision> {
  const { module, diagnostics } = compile(permissionsFile(rule), { file: 'patch.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const all: Decision[] = [];
  for (const set of [new RuleSet(module.file, module.rules), new RuleSet(module.file, module.rules, { quick: false }), new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false })]) {
    all.push(await set.check(request, options));
    expect(all.at(-1)).toEqual(all[0]);
  }
  return all[0]!;
}

const patch = (path: string, value: unknown, more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'doc/1', user: { id: 'u' }, oldData: { a: 1 }, patch: { path, value }, ...more });
const nested = (n: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe('a patch', () => {
  it('the rule sees the stored record with the value set', async () => {
    expect((await decide('data.a === 1 && data.b.c === 2 && oldData.b === undefined', patch('b.c', 2))).allowed).toBe(true);
  });

  it('a path of more than maxDepth segments is named with its length', async () => {
    expect((await decide('true', patch('a.b.c.d.e', 1), { limits: { maxDepth: 4 } })).reason).toEqual({ code: 'VLV0912', message: 'the patch path (5 segments) nests more than 4 levels deep (maxDepth); the server could not serialise it' });
  });

  it('the record after the patch must nest no deeper than maxDepth, the path being short', async () => {
    expect((await decide('true', patch('a', nested(3)), { limits: { maxDepth: 4 } })).allowed).toBe(true);
    expect((await decide('true', patch('a', nested(4)), { limits: { maxDepth: 4 } })).reason).toEqual({ code: 'VLV0912', message: 'the record after the patch nests more than 4 levels deep (maxDepth); the server could not serialise it' });
  });

  it('a malformed path is refused with its text', async () => {
    expect((await decide('true', patch('__proto__.x', 1))).reason).toEqual({ code: 'VLV0908', message: 'invalid patch path `__proto__.x`' });
  });

  it('a patch that can not be applied says why', async () => {
    const d = await decide('true', patch('a', nested(200_000)));
    expect(d.reason.code).toBe('VLV0918');
    expect(d.reason.message).toMatch(/^the patch can not be applied: /);
  });

  it('of a record that does not exist: a rule reading `data` is denied and told why; one that does not is run', async () => {
    const loadRecord = (): unknown => null;
    const missing = patch('a', 1, { oldData: undefined });
    expect((await decide('data !== null', missing, { loadRecord })).reason).toEqual({ code: 'VLV0919', message: 'the record `doc/1` does not exist, so the patch has nothing to apply to (the rule reads `data`)' });
    expect((await decide("user.id === 'u'", missing, { loadRecord })).allowed).toBe(true);
    // Sent as an update (create-and-patch, setData): the rule runs with `data` undefined.
    expect((await decide('data === undefined', { ...missing, messageAction: 'UPDATE' }, { loadRecord })).allowed).toBe(true);
  });

  it('the records a rule references load in the same round as the stored record, when they do not depend on it', async () => {
    const loaded: string[] = [];
    const loadRecord = (n: string): unknown => (loaded.push(n), n === 'doc/1' ? { x: 0 } : { ok: true });
    const d = await decide("_('a').ok && data.x === 1", patch('x', 1, { oldData: undefined }), { loadRecord });
    expect(d).toMatchObject({ allowed: true, rounds: 1 });
    expect(loaded.sort()).toEqual(['a', 'a', 'a', 'doc/1', 'doc/1', 'doc/1']);
  });

  it('a patch that can not be applied loads no record', async () => {
    const loaded: string[] = [];
    const d = await decide("_('a').ok", patch('__proto__.x', 1), { loadRecord: (n) => (loaded.push(n), { ok: true }) });
    expect(d.reason.code).toBe('VLV0908');
    expect(loaded).toEqual([]);
  });
});
