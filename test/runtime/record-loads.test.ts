/**
 * What a record loader hands back, and how a check takes it: a promise or another thenable is
 * awaited, anything else is the record itself, and nothing of a record runs (a getter named
 * `then`, a Proxy anywhere in its prototype chain, a function's `then`). A failed, missing or
 * malformed load denies with the text the decision log shows; a finished load leaves no timer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile } from '../security/helpers.js';

function sets(rule: string): [string, RuleSet][] {
  const { module, diagnostics } = compile(permissionsFile(rule, { section: 'event', action: 'publish' }), { file: 'loads.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return [
    ['quick', new RuleSet(module.file, module.rules)],
    ['full', new RuleSet(module.file, module.rules, { quick: false })],
    ['interpreted', new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false })],
  ];
}

const publish: CheckRequest = { type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data: {} };

/** The decision on every path; they must agree, so the first is returned after comparing. */
async function decide(rule: string, options: CheckOptions, request: CheckRequest = publish): Promise<Decision> {
  const all: Decision[] = [];
  for (const [path, set] of sets(rule)) {
    const d = await set.check(request, options);
    all.push(d);
    expect({ allowed: d.allowed, reason: d.reason }, path).toEqual({ allowed: all[0]!.allowed, reason: all[0]!.reason });
  }
  return all[0]!;
}

/** A Proxy that records every trap it runs (none may run). */
function trapped(target: object, traps: string[]): object {
  const handler: ProxyHandler<object> = {};
  for (const name of ['get', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'has', 'ownKeys', 'set', 'defineProperty', 'apply'] as const) {
    (handler as Record<string, unknown>)[name] = (...args: unknown[]) => {
      traps.push(name);
      return (Reflect[name] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return new Proxy(target, handler);
}

describe('a loader may answer with a promise or another thenable', () => {
  it('a promise, an object with its own `then` and one that inherits `then` are awaited', async () => {
    class Deferred {
      then(resolve: (v: unknown) => void): void {
        resolve({ ok: true });
      }
    }
    const answers: [string, () => unknown][] = [
      ['a promise', () => Promise.resolve({ ok: true })],
      ['an own `then`', () => ({ then: (resolve: (v: unknown) => void) => resolve({ ok: true }) })],
      ['an inherited `then`', () => new Deferred()],
      ['a plain record', () => ({ ok: true })],
    ];
    for (const [what, answer] of answers) {
      const d = await decide("_('a').ok === true", { loadRecord: answer });
      expect(d, what).toMatchObject({ allowed: true, rounds: 1 });
    }
  });

  it('a rejected promise denies with its message', async () => {
    const d = await decide("_('a').ok", { loadRecord: () => Promise.reject(new Error('database down')) });
    expect(d.reason).toEqual({ code: 'VLV0904', message: 'loading record `a` failed: database down' });
  });

  it('a loader that throws denies with its message; a thrown non-error is named too', async () => {
    expect((await decide("_('a').ok", { loadRecord: () => { throw new Error('no connection'); } })).reason.message).toBe('loading record `a` failed: no connection');
    expect((await decide("_('a').ok", { loadRecord: () => { throw 'plain text'; } })).reason.message).toBe('loading record `a` failed: plain text');
  });

  it('without a loader, a rule that reads a record denies and says so', async () => {
    const d = await decide("_('a').ok", {});
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0904', message: 'loading record `a` failed: no record loader is configured' } });
  });

  it('a loader answering undefined is a missing record (null)', async () => {
    expect((await decide("_('a') === null", { loadRecord: () => undefined })).allowed).toBe(true);
  });
});

describe('nothing of a loaded record runs', () => {
  it('a getter named `then` is not called: the record is data', async () => {
    let called = 0;
    const record = Object.defineProperty({ ok: true }, 'then', { enumerable: false, get: () => (called++, () => undefined) });
    const d = await decide("_('a') !== null", { loadRecord: () => record });
    expect(called).toBe(0);
    expect(d.rounds).toBe(1);
  });

  it('an inherited getter named `then` is not called either', async () => {
    let called = 0;
    const proto = Object.defineProperty({}, 'then', { get: () => (called++, () => undefined) });
    await decide("_('a') !== null", { loadRecord: () => Object.assign(Object.create(proto) as object, { ok: true }) });
    expect(called).toBe(0);
  });

  it('a `then` that is not a function makes no thenable', async () => {
    expect((await decide("_('a').then === 1", { loadRecord: () => ({ then: 1 }) })).allowed).toBe(true);
  });

  it('a Proxy as the record is refused without running a trap', async () => {
    const traps: string[] = [];
    const d = await decide("_('a') !== null", { loadRecord: () => trapped({ ok: true }, traps) });
    expect(traps).toEqual([]);
    expect(d.reason).toEqual({ code: 'VLV0914', message: 'record `a` can not be read: it is a Proxy, whose traps would run code' });
  });

  it('a Proxy anywhere in the prototype chain runs no trap', async () => {
    for (const depth of [1, 2]) {
      const traps: string[] = [];
      let proto: object = trapped({}, traps);
      for (let i = 1; i < depth; i++) proto = Object.create(proto) as object;
      // Defined, not assigned: an assignment would ask the prototype chain (the set trap).
      const record = Object.create(proto, { ok: { value: true, enumerable: true, writable: true, configurable: true } }) as object;
      const d = await decide("_('a') !== null", { loadRecord: () => record });
      expect(traps, `a Proxy ${depth} level(s) up`).toEqual([]);
      expect(d.rounds).toBe(1);
    }
  });

  it('a function with a `then` is not a thenable: it is not called', async () => {
    let called = 0;
    const fn = Object.assign(() => undefined, { then: () => { called++; } });
    await decide("_('a') !== null", { loadRecord: () => fn });
    expect(called).toBe(0);
  });
});

describe('the load timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a load that finishes leaves no timer behind (a CLI would otherwise wait for it)', async () => {
    vi.useFakeTimers();
    const [, set] = sets("_('a').ok")[1]!;
    const d = await set.check(publish, { loadRecord: () => Promise.resolve({ ok: true }) });
    expect(d.allowed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    const failed = await set.check(publish, { loadRecord: () => Promise.reject(new Error('x')) });
    expect(failed.allowed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a load slower than loadTimeoutMs denies with the time', async () => {
    vi.useFakeTimers();
    const [, set] = sets("_('a').ok")[1]!;
    const pending = set.check(publish, { loadRecord: () => new Promise(() => undefined), loadTimeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    expect((await pending).reason.message).toBe('loading record `a` failed: timed out after 50 ms');
  });
});

describe('rounds of loads', () => {
  it('a rule whose module lists no `_()` arguments (made by hand) still loads what it asks for, a round each', async () => {
    const { module } = compile(permissionsFile("_('a').ok && _('b').ok", { section: 'event', action: 'publish' }), { file: 'loads.yml' });
    const rules = module!.rules.map((r) => (r.section === 'event' ? { ...r, refs: [] } : r));
    const loaded: string[] = [];
    const loadRecord = (n: string): unknown => (loaded.push(n), { ok: true });
    for (const quick of [true, false]) {
      loaded.length = 0;
      const d = await new RuleSet('loads.yml', rules, { quick }).check(publish, { loadRecord });
      expect(d).toMatchObject({ allowed: true, rounds: 2 });
      expect(loaded).toEqual(['a', 'b']);
    }
  });

  it('independent records load together in one round; a nested one waits a round', async () => {
    const loaded: string[][] = [];
    let round: string[] = [];
    const loadRecord = (n: string): Promise<unknown> => {
      if (round.length === 0) loaded.push(round);
      round.push(n);
      return Promise.resolve().then(() => ((round = []), n === 'a' ? { next: 'c', ok: true } : { ok: true }));
    };
    const d = await decide("_('a').ok && _('b').ok && _(_('a').next).ok", { loadRecord });
    expect(d).toMatchObject({ allowed: true, rounds: 2 });
    expect(loaded.slice(0, 2)).toEqual([['a', 'b'], ['c']]);
  });

  it('more rounds than maxRuleIterations allows deny, naming the rule', async () => {
    const loadRecord = (n: string): unknown => ({ next: `${n}x`, ok: true });
    const d = await decide('_(_(_(\'a\').next).next).ok', { loadRecord, maxRuleIterations: 3 });
    expect(d.reason).toEqual({ code: 'VLV0903', message: 'the rule event `*` publish at loads.yml:6:14 needed more than 3 rounds of record loads (maxRuleIterations)' });
  });
});

describe('what is prefetched', () => {
  const logged = (): { loaded: string[]; loadRecord: (n: string) => unknown } => {
    const loaded: string[] = [];
    return { loaded, loadRecord: (n: string) => (loaded.push(String(n)), { ok: true, x: 0 }) };
  };

  it('a name built from a missing value loads nothing (deepstream), also not ahead of time', async () => {
    for (const [, set] of sets("_('u/' + data.nope) === undefined && _('a').ok")) {
      const { loaded, loadRecord } = logged();
      expect(await set.check(publish, { loadRecord })).toMatchObject({ allowed: true, rounds: 1 });
      expect(loaded).toEqual(['a']);
    }
  });

  it('`_()` of an array loads nothing and denies', async () => {
    for (const [, set] of sets("_(data.list) !== null")) {
      const { loaded, loadRecord } = logged();
      expect((await set.check({ ...publish, data: { list: ['a'] } }, { loadRecord })).reason.code).toBe('VLV0905');
      expect(loaded).toEqual([]);
    }
  });

  it('a `_()` argument reading a getter runs no getter while records are prefetched', async () => {
    let ran = 0;
    const data = Object.defineProperty({}, 'name', { enumerable: true, get: () => (ran++, 'a') });
    for (const [, set] of sets("_('b').ok && _(data.name).ok")) {
      const { loadRecord } = logged();
      expect((await set.check({ ...publish, data }, { loadRecord })).allowed).toBe(false);
    }
    expect(ran).toBe(0);
  });

  it('the record being written loads only when the rule reads oldData and it was not given', async () => {
    const write = (oldData: unknown): CheckRequest => ({ type: 'record', action: 'write', name: 'doc/1', user: { id: 'u' }, data: {}, oldData });
    const { module } = compile(permissionsFile("_('a').ok && oldData.x === 0"), { file: 'loads.yml' });
    for (const quick of [true, false]) {
      const set = new RuleSet('loads.yml', module!.rules, { quick });
      const given = logged();
      expect(await set.check(write({ x: 0 }), { loadRecord: given.loadRecord })).toMatchObject({ allowed: true, rounds: 1 });
      expect(given.loaded).toEqual(['a']);
      const missing = logged();
      expect(await set.check(write(undefined), { loadRecord: missing.loadRecord })).toMatchObject({ allowed: true, rounds: 1 });
      expect(missing.loaded.sort()).toEqual(['a', 'doc/1']);
    }
  });
});
