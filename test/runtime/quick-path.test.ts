/**
 * Which path decides. The quick path decides the common check (no patch, no `_()`, inputs within
 * the limits, no failure) without the full path's bookkeeping; everything else starts over on the
 * full path, which decides the same and says why. A quick path that gave up more often would
 * decide the same, only slower: `workCounters` (a test-only export) shows which one decided, so
 * these tests pin both the decision and the path. Limits objects an engine hands to every check
 * are resolved once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { RuleSet, workCounters } from '../../engine/check.js';
import { LIMITS, type RuntimeLimits } from '../../engine/limits.js';
import type { RuntimeRule } from '../../engine/instantiate.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile, type Section } from '../security/helpers.js';

/** A constant rule is a YAML boolean (`write: true`); the rule text `"true"` compiles to a function. */
const CONSTANT = /^(true|false)$/;

function rules(rule: string, where: { section?: Section; action?: string } = {}): readonly RuntimeRule[] {
  const text = CONSTANT.test(rule) ? permissionsFile(rule, where).replace(`: "${rule}"`, `: ${rule}`) : permissionsFile(rule, where);
  const { module, diagnostics } = compile(text, { file: 'quick.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return module.rules;
}

/** The decision of the quick path's RuleSet, whether the quick path made it, and the full path's decision. */
async function decide(rule: string, request: CheckRequest, options: CheckOptions = {}, where?: { section?: Section; action?: string }): Promise<{ d: Decision; quick: boolean }> {
  const all = rules(rule, where ?? (request.type === 'event' ? { section: 'event', action: 'publish' } : {}));
  const before = workCounters.quick;
  if (CONSTANT.test(rule)) expect(all.some((r) => typeof r.rule === 'boolean')).toBe(true);
  const d = await new RuleSet('quick.yml', all).check(request, options);
  const quick = workCounters.quick - before === 1;
  const full = await new RuleSet('quick.yml', all, { quick: false }).check(request, options);
  expect(workCounters.quick - before, 'the full path is never counted as quick').toBe(quick ? 1 : 0);
  expect(d, 'the quick path decides as the full path does').toEqual(full);
  return { d, quick };
}

const publish = (data: unknown, more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data, ...more });
const write = (data: unknown, more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'r/x', user: { id: 'u' }, data, oldData: {}, ...more });
/** `{ s: 'x' × n }`: size 3 + n (limits.ts inspect). */
const sized = (n: number): unknown => ({ s: 'x'.repeat(n) });
/** n arrays nested around a string: depth n. */
const nested = (n: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe('the quick path decides the common check', () => {
  it('a rule of constant text', async () => {
    expect(await decide('1 === 1', publish({}))).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('a constant rule, true or false', async () => {
    expect(await decide('true', publish({}))).toMatchObject({ quick: true, d: { allowed: true, reason: { code: 'VLV0906', message: 'the rule yielded true' } } });
    expect(await decide('false', publish({}))).toMatchObject({ quick: true, d: { allowed: false, reason: { message: 'the rule yielded false' } } });
  });

  it('a rule reading the payload, the stored record given, the user', async () => {
    expect(await decide('data.x === 1', publish({ x: 1 }))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('oldData.x === data.x', write({ x: 1 }, { oldData: { x: 1 } }))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide("user.id === 'u' && user.isAuthenticated", publish(1))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide("user.data.role === 'admin'", publish(1, { user: { id: 'u', data: { role: 'admin' } } }))).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('a rule yielding something else than a boolean denies and names it', async () => {
    expect(await decide('data.x', publish({ x: 1 }))).toMatchObject({ quick: true, d: { allowed: false, reason: { code: 'VLV0906', message: 'the rule yielded the number 1' } } });
  });

  it('a payload, stored record or user.data of exactly maxRecordSize', async () => {
    const limits = { maxRecordSize: 53 };
    expect(await decide('data !== null', publish(sized(50)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('oldData !== null', write({}, { oldData: sized(50) }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('user.data !== null', publish(1, { user: { id: 'u', data: sized(50) } }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    // A constant rule's record write: what the server stores must fit too.
    expect(await decide('true', write(sized(50)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('true', write('x'.repeat(52)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('a written record of exactly maxDepth levels', async () => {
    const limits = { maxDepth: 4 };
    expect(await decide('data !== null', write(nested(4)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('true', write(nested(4)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('maxDepth bounds what is stored only: a deeper event payload, stored record or user.data is read', async () => {
    const limits = { maxDepth: 4 };
    expect(await decide('data !== null', publish(nested(6)), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('oldData !== null', write({}, { oldData: nested(6) }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('user.data !== null', publish(1, { user: { id: 'u', data: nested(6) } }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('an input the rule can not read is not looked at, however large', async () => {
    const limits = { maxRecordSize: 10 };
    const big = sized(100);
    expect(await decide("user.id === 'u'", publish(big), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('data.x === 1', write({ x: 1 }, { oldData: big }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('data.x === 1', publish({ x: 1 }, { user: { id: 'u', data: big } }), { limits })).toMatchObject({ quick: true, d: { allowed: true } });
  });

  it('plain inputs are read directly; only inputs holding a getter are read by descriptors', async () => {
    const guarded = async (rule: string, request: CheckRequest): Promise<number> => {
      const before = workCounters.guarded;
      expect(await decide(rule, request)).toMatchObject({ quick: true, d: { allowed: true } });
      return workCounters.guarded - before;
    };
    const data = Object.defineProperty({ x: 1 }, 'g', { enumerable: true, get: () => 1 });
    expect(await guarded('data.x === 1 && oldData.x === 1 && user.data.x === 1', write({ x: 1 }, { oldData: { x: 1 }, user: { id: 'u', data: { x: 1 } } }))).toBe(0);
    expect(await guarded('data.x === 1', publish(data))).toBe(1);
    expect(await guarded('data.x === 1 && oldData.x === 1', write({ x: 1 }, { oldData: data }))).toBe(1);
    expect(await guarded('data.x === 1 && user.data.x === 1', publish({ x: 1 }, { user: { id: 'u', data } }))).toBe(1);
  });

  it('a rule reading inputs that hold getters, decided by descriptors (the getter never runs)', async () => {
    let ran = 0;
    const data = Object.defineProperty({ x: 1 }, 'g', { enumerable: true, get: () => (ran++, 1) });
    expect(await decide('data.x === 1', publish(data))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('oldData.x === 1', write({}, { oldData: data }))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('user.data.x === 1', publish(1, { user: { id: 'u', data } }))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(ran).toBe(0);
  });

  it('the same limits object handed to every check (as an engine does) keeps the quick path', async () => {
    const limits = Object.freeze({ maxDepth: 8 });
    for (let i = 0; i < 3; i++) expect(await decide('data.x === 1', publish({ x: 1 }), { limits })).toMatchObject({ quick: true });
  });
});

describe('the full path decides the rest, and says why', () => {
  it('one past maxRecordSize or maxDepth', async () => {
    expect(await decide('data !== null', publish(sized(51)), { limits: { maxRecordSize: 53 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0910', message: 'the payload (`data`) is larger than the limit of 53 (maxRecordSize); it was not read' } } });
    expect(await decide('oldData !== null', write({}, { oldData: sized(51) }), { limits: { maxRecordSize: 53 } })).toMatchObject({ quick: false, d: { reason: { message: 'the stored record (`oldData`) is larger than the limit of 53 (maxRecordSize); it was not read' } } });
    expect(await decide('user.data !== null', publish(1, { user: { id: 'u', data: sized(51) } }), { limits: { maxRecordSize: 53 } })).toMatchObject({ quick: false, d: { reason: { message: '`user.data` is larger than the limit of 53 (maxRecordSize); it was not read' } } });
    expect(await decide('true', write(sized(51)), { limits: { maxRecordSize: 53 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0910' } } });
    expect(await decide('data !== null', write(nested(5)), { limits: { maxDepth: 4 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0912', message: 'the payload (`data`) nests more than 4 levels deep (maxDepth); the server could not serialise it' } } });
    expect(await decide('true', write(nested(5)), { limits: { maxDepth: 4 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0912' } } });
  });

  it('a record to load, or a stored record not given', async () => {
    expect(await decide("_('a') === null", publish({}), { loadRecord: () => null })).toMatchObject({ quick: false, d: { allowed: true, rounds: 1 } });
    expect(await decide('oldData.x === 1', write({}, { oldData: undefined }), { loadRecord: () => ({ x: 1 }) })).toMatchObject({ quick: false, d: { allowed: true, rounds: 1 } });
  });

  it('a patch, even of a constant rule', async () => {
    expect(await decide('true', write(undefined, { patch: { path: 'a', value: 1 } }))).toMatchObject({ quick: false, d: { allowed: true } });
  });

  it('a rule that fails', async () => {
    expect(await decide('data.a.b === 1', publish({ a: null }))).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0901' } } });
  });

  it('a malformed user or invalid limits', async () => {
    // A constant rule reads nothing of the user: decided whatever its shape, patch or not.
    expect(await decide('true', publish({}, { user: { id: 5 } as never }))).toMatchObject({ quick: true, d: { allowed: true } });
    expect(await decide('true', write(undefined, { user: { id: 5 } as never, patch: { path: 'a', value: 1 } }))).toMatchObject({ quick: false, d: { allowed: true } });
    expect(await decide('data !== null', publish({}, { user: { id: 5 } as never }))).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0913' } } });
    expect(await decide('data !== null', publish({}), { limits: { maxDepth: 0 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0916', message: 'rule failed: invalid limits: the limit `maxDepth` must be a whole number of at least 1, not 0' } } });
    expect(await decide('true', write({}), { limits: { maxDepth: 0 } })).toMatchObject({ quick: false, d: { allowed: false, reason: { code: 'VLV0916' } } });
  });

  it('every check of a RuleSet made with `quick: false`', async () => {
    const before = workCounters.quick;
    const set = new RuleSet('quick.yml', rules('true', { section: 'event', action: 'publish' }), { quick: false });
    expect((await set.check(publish({}))).allowed).toBe(true);
    expect(workCounters.quick).toBe(before);
  });
});

describe('the clock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is read once when the rule reads `now`, and not at all when it does not', async () => {
    const clock = vi.spyOn(Date, 'now');
    const set = new RuleSet('quick.yml', rules('data.x === 1', { section: 'event', action: 'publish' }));
    expect(set.check(publish({ x: 1 }))).toMatchObject({ allowed: true });
    expect(clock).not.toHaveBeenCalled();
    const timed = new RuleSet('quick.yml', rules('now > 0', { section: 'event', action: 'publish' }));
    expect(timed.check(publish({}))).toMatchObject({ allowed: true });
    expect(clock).toHaveBeenCalledTimes(1);
  });
});

describe('limits objects are resolved once', () => {
  const resolving = (limits: Partial<RuntimeLimits> | undefined, times: number): number => {
    const set = new RuleSet('quick.yml', rules('data.x === 1', { section: 'event', action: 'publish' }));
    const before = workCounters.limitsResolved;
    for (let i = 0; i < times; i++) expect(set.check(publish({ x: 1 }), limits === undefined ? {} : { limits })).toMatchObject({ allowed: true });
    return workCounters.limitsResolved - before;
  };

  it('no limits, or the defaults themselves, need no resolving', () => {
    expect(resolving(undefined, 3)).toBe(0);
    expect(resolving(LIMITS, 3)).toBe(0);
  });

  it('a frozen limits object once, however many checks use it, also when two alternate', () => {
    const a = Object.freeze({ maxDepth: 9 });
    const b = Object.freeze({ maxDepth: 10 });
    expect(resolving(a, 3)).toBe(1);
    expect(resolving(b, 1) + resolving(a, 1) + resolving(b, 1)).toBe(1);
  });

  it('an object that can still change is read afresh on every check', async () => {
    const limits: { maxRecordSize: number } = { maxRecordSize: 100 };
    const set = new RuleSet('quick.yml', rules('data !== null', { section: 'event', action: 'publish' }));
    expect((await set.check(publish(sized(50)), { limits })).allowed).toBe(true);
    limits.maxRecordSize = 10;
    expect(await set.check(publish(sized(50)), { limits })).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    expect(resolving(limits, 2)).toBe(2);
  });
});
