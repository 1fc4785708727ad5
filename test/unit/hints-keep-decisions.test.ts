/**
 * A hint, followed literally, must not change which requests are allowed unless it says so
 * (issue 17: VLV0406 said "use `*`", and `workspace/*` then allowed `workspace/acme/private/x`).
 */
import { describe, expect, it } from 'vitest';
import { compile, createEngine, type CheckRequest } from '../../index.js';

const SECTIONS = 'event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';
const rules = (pattern: string): string => `record:\n  "*":\n    read: false\n  "${pattern}":\n    read: "user.isAuthenticated"\n${SECTIONS}`;
const read = (name: string): CheckRequest => ({ type: 'record', action: 'read', name, user: { id: 'alice' } });
const allowed = async (pattern: string, name: string): Promise<boolean> => (await createEngine({ rules: { text: rules(pattern) } }).check(read(name))).allowed;

describe('hints keep decisions', () => {
  it('VLV0406 does not offer `*` for an unused `$variable`: `*` crosses `/`', async () => {
    const hint = compile(rules('workspace/$wsId'), { file: 'r.yml' }).diagnostics.find((d) => d.code === 'VLV0406')?.hint;
    // Why the old hint was unsafe: the two patterns decide differently.
    expect(await allowed('workspace/$wsId', 'workspace/acme/private/x')).toBe(false);
    expect(await allowed('workspace/*', 'workspace/acme/private/x')).toBe(true);
    // The hint names the form that keeps decisions, and says why `*` is not it.
    expect(hint).toBeDefined();
    expect(hint).not.toMatch(/^use `\*`/);
    expect(hint).toContain('`$wsId`');
    expect(hint).toContain('`/`');
  });

  it('VLV0118 for `.+` says that the Valve `*` also matches the empty run', async () => {
    const hint = compile(rules('postits/.+'), { file: 'r.yml' }).diagnostics.find((d) => d.code === 'VLV0118')?.hint;
    expect(hint).toContain('`postits/*`');
    expect(hint).toMatch(/empty/);
    expect(await allowed('postits/*', 'postits/')).toBe(true); // `postits/.+` never matched `postits/` in deepstream
  });

  it('VLV0116 on the pattern `$` does not offer `*` as if it were the same', () => {
    const hint = compile(rules('$'), { file: 'r.yml' }).diagnostics.find((d) => d.code === 'VLV0116')?.hint;
    expect(hint).toBeDefined();
    expect(hint).toMatch(/every name/);
    expect(hint).toMatch(/widen|more|allow/);
  });

  it('VLV0302 for `data` in a `create` rule points at `write` with `oldData === null`, which does see the first value', async () => {
    const text = (action: string, rule: string): string => `record:\n  "*":\n    read: true\n  "doc/$id":\n    ${action}: "${rule}"\n${SECTIONS}`;
    const hint = compile(text('create', 'data.owner === user.id'), { file: 'r.yml' }).diagnostics.find((d) => d.code === 'VLV0302')?.hint;
    expect(hint).toContain('`write`');
    expect(hint).toContain('`oldData === null`');
    // Followed, it decides on the first value of a record that does not exist yet.
    const engine = createEngine({ rules: { text: text('write', 'oldData === null && data.owner === user.id && $id.length > 0') }, loadRecord: () => null });
    const write = (owner: string): CheckRequest => ({ type: 'record', action: 'write', name: 'doc/1', data: { owner }, user: { id: 'alice' } });
    expect((await engine.check(write('alice'))).allowed).toBe(true);
    expect((await engine.check(write('bob'))).allowed).toBe(false);
  });
});
