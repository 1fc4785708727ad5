/**
 * Each run-time limit holds at exactly its value and refuses one past it, on every path that
 * decides: the quick path, the full path (`quick: false`) and the reference interpreter. A
 * partial override changes only the limit it names. (Issue 20: `>` → `>=` on every one of these
 * bounds, and `{ ...LIMITS }` → `{}`, survived the suites before.)
 */
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import type { CheckOptions, CheckRequest, Decision } from '../../engine/check.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';
import { inspect, LIMITS, resolveLimits, type RuntimeLimits } from '../../engine/limits.js';
import { compile } from '../../engine/rules-module.js';
import { expectPartialOverrides, permissionsFile } from './helpers.js';

/** The three ways one rule is decided; every assertion below holds for all of them. */
function paths(rule: string, where?: Parameters<typeof permissionsFile>[1]): { name: string; set: RuleSet }[] {
  const { module, diagnostics } = compile(permissionsFile(rule, where), { file: 'bounds.yml' });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return [
    { name: 'quick', set: new RuleSet(module.file, module.rules) },
    { name: 'full', set: new RuleSet(module.file, module.rules, { quick: false }) },
    { name: 'interpreted', set: new RuleSet(module.file, interpretedRules(module.program.rules), { quick: false }) },
  ];
}

const write = (data: unknown, more: Partial<CheckRequest> = {}): CheckRequest => ({ type: 'record', action: 'write', name: 'r/x', user: { id: 'u' }, data, oldData: {}, ...more });

async function decide(rule: string, request: CheckRequest, limits: Partial<RuntimeLimits>, options: CheckOptions = {}): Promise<{ name: string; d: Decision }[]> {
  const where = request.type === 'event' ? ({ section: 'event', action: 'publish' } as const) : undefined;
  return Promise.all(paths(rule, where).map(async ({ name, set }) => ({ name, d: (await set.check(request, { ...options, limits })) as Decision })));
}

async function expectAllowed(rule: string, request: CheckRequest, limits: Partial<RuntimeLimits>, options?: CheckOptions): Promise<void> {
  for (const { name, d } of await decide(rule, request, limits, options)) expect(d, `${name} path`).toMatchObject({ allowed: true });
}

async function expectDenied(rule: string, request: CheckRequest, limits: Partial<RuntimeLimits>, code: string, options?: CheckOptions): Promise<Decision[]> {
  const all = await decide(rule, request, limits, options);
  for (const { name, d } of all) expect(d, `${name} path`).toMatchObject({ allowed: false, reason: { code } });
  return all.map((a) => a.d);
}

describe('maxRecordSize: a value of exactly the limit is read, one more is not', () => {
  // Size: 1 per value, plus every string's and key's length, plus an array's length.
  const object = (n: number): unknown => ({ s: 'x'.repeat(n) }); // 1 + 1 (`s`) + 1 + n
  const array = (n: number): unknown => ['x'.repeat(n)]; // 1 + 1 (length) + 1 + n

  it('counts as documented', () => {
    expect(inspect(object(10), Infinity).size).toBe(13);
    expect(inspect(array(10), Infinity).size).toBe(13);
    expect(inspect({ a: [1, 2], b: null }, Infinity).size).toBe(1 + 1 + 1 + 2 + 1 + 1 + 1 + 1);
  });

  for (const [what, value] of [['an object', object], ['an array (strings inside arrays count too)', array]] as const) {
    it(`the payload, ${what}`, async () => {
      await expectAllowed('data !== null', write(value(50)), { maxRecordSize: 53 });
      await expectDenied('data !== null', write(value(51)), { maxRecordSize: 53 }, 'VLV0910');
    });
  }

  it('a string on its own counts as it does inside an object (1 + its length)', async () => {
    const s = (n: number): string => 'x'.repeat(n);
    await expectAllowed('data !== null', write(s(52)), { maxRecordSize: 53 });
    await expectDenied('data !== null', write(s(53)), { maxRecordSize: 53 }, 'VLV0910');
    const publish = (data: unknown): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data });
    await expectAllowed('data.length > 0', publish(s(52)), { maxRecordSize: 53 });
    await expectDenied('data.length > 0', publish(s(53)), { maxRecordSize: 53 }, 'VLV0910');
    await expectAllowed('oldData !== null', write({}, { oldData: s(52) }), { maxRecordSize: 53 });
    await expectDenied('oldData !== null', write({}, { oldData: s(53) }), { maxRecordSize: 53 }, 'VLV0910');
    await expectAllowed('user.data !== null', write({}, { user: { id: 'u', data: s(52) } }), { maxRecordSize: 53 });
    await expectDenied('user.data !== null', write({}, { user: { id: 'u', data: s(53) } }), { maxRecordSize: 53 }, 'VLV0910');
    await expectAllowed("_('a') !== null", write({}), { maxRecordSize: 53 }, { loadRecord: () => s(52) });
    await expectDenied("_('a') !== null", write({}), { maxRecordSize: 53 }, 'VLV0910', { loadRecord: () => s(53) });
  });

  it('oldData, user.data and a loaded record', async () => {
    await expectAllowed('oldData !== null', write({}, { oldData: object(50) }), { maxRecordSize: 53 });
    await expectDenied('oldData !== null', write({}, { oldData: object(51) }), { maxRecordSize: 53 }, 'VLV0910');
    await expectAllowed('user.data !== null', write({}, { user: { id: 'u', data: object(50) } }), { maxRecordSize: 53 });
    await expectDenied('user.data !== null', write({}, { user: { id: 'u', data: object(51) } }), { maxRecordSize: 53 }, 'VLV0910');
    const loaded = (n: number): CheckOptions => ({ loadRecord: () => object(n) });
    await expectAllowed("_('a') !== null", write({}), { maxRecordSize: 53 }, loaded(50));
    await expectDenied("_('a') !== null", write({}), { maxRecordSize: 53 }, 'VLV0910', loaded(51));
  });

  it('a patched record: the record after the patch must fit', async () => {
    // {} patched with s = 'x'×n is object(n).
    const patch = (n: number): CheckRequest => write(undefined, { oldData: {}, patch: { path: 's', value: 'x'.repeat(n) } });
    for (const { name, d } of await decide('true', patch(50), { maxRecordSize: 53 })) expect(d.allowed, name).toBe(true);
    for (const { name, d } of await decide('true', patch(51), { maxRecordSize: 53 })) expect(d, name).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
  });
});

describe('maxDepth', () => {
  const nest = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < levels; i++) v = [v];
    return v;
  };

  it('a stored record may have exactly maxDepth levels', async () => {
    await expectAllowed('true', write(nest(4)), { maxDepth: 4 });
    await expectDenied('true', write(nest(5)), { maxDepth: 4 }, 'VLV0912');
  });

  it('a conversion to a string goes exactly maxDepth levels deep, as a stored record may', async () => {
    // An event: not stored, so only the conversion counts levels.
    const publish = (data: unknown): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data: { list: data } });
    await expectAllowed("data.list + '' === 'x'", publish(nest(4)), { maxDepth: 4 });
    const denied = await expectDenied("data.list + '' === 'x'", publish(nest(5)), { maxDepth: 4 }, 'VLV0901');
    for (const d of denied) expect(d.error).toContain('nested too deeply');
  });

  it('a patch path may have exactly maxDepth segments', async () => {
    const patch = (segments: number): CheckRequest => write(undefined, { oldData: {}, patch: { path: Array(segments).fill('a').join('.'), value: 1 } });
    await expectAllowed('true', patch(4), { maxDepth: 4 });
    await expectDenied('true', patch(5), { maxDepth: 4 }, 'VLV0912');
  });
});

describe('maxStringLength: a string of exactly the limit may be built, one more may not', () => {
  const publish = (s: string): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data: { s } });

  for (const [how, rule] of [
    ['`+`', "(data.s + data.s).length > 0"],
    ['a template', '`${data.s}${data.s}`.length > 0'],
    ['a template with text', '`${data.s}:::::`.length > 0'],
    ['an array converted', "[data.s, data.s] + '' !== ''"],
  ] as const) {
    it(how, async () => {
      const { module } = compile(permissionsFile(rule, { section: 'event', action: 'publish' }), { file: 'bounds.yml' });
      const sets = [new RuleSet(module!.file, module!.rules), new RuleSet(module!.file, module!.rules, { quick: false }), new RuleSet(module!.file, interpretedRules(module!.program.rules), { quick: false })];
      // `[s, s] + ''` is s + ',' + s: one character more than s + s.
      const length = how === 'an array converted' ? 11 : 10;
      for (const set of sets) {
        expect((await set.check(publish('abcde'), { limits: { maxStringLength: length } })).allowed).toBe(true);
        expect(await set.check(publish('abcde'), { limits: { maxStringLength: length - 1 } })).toMatchObject({ allowed: false, error: expect.stringContaining('string too long') });
      }
    });
  }
});

describe('maxStringLength holds for conversions used as keys and method arguments', () => {
  it('an array converted to a key, even one whose parts are shared (inspect counts a shared array once)', async () => {
    const part = ['abcde'];
    const publish = (k: unknown): CheckRequest => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data: { o: {}, k } });
    // `[part, part]` converts to 'abcde,abcde': 11 characters.
    await expectAllowed("data.o[data.k] === undefined", publish([part, part]), { maxStringLength: 11 });
    for (const d of await expectDenied("data.o[data.k] === undefined", publish([part, part]), { maxStringLength: 10 }, 'VLV0901')) expect(d.error).toContain('string too long');
    // 3,000 references to one array of 2,000 strings: a few kB by inspect(), 6 M characters converted.
    const shared = Array(3000).fill(Array(2000).fill('x'));
    for (const d of await expectDenied("'x'.indexOf(data.k) === -1", publish(shared), {}, 'VLV0901')) expect(d.error).toContain('string too long');
  });
});

describe('maxRegexWork: a match of exactly the limit runs, one more character does not', () => {
  it('counts input length × program size', async () => {
    const size = RE2JS.compile('b', 0).programSize();
    const rule = 'data.s.match(/b/) !== null';
    await expectAllowed(rule, write({ s: 'a'.repeat(9) + 'b' }), { maxRegexWork: 10 * size });
    await expectDenied(rule, write({ s: 'a'.repeat(10) + 'b' }), { maxRegexWork: 10 * size }, 'VLV0911');
  });
});

describe('maxReferences and maxRuleIterations', () => {
  const records: Record<string, unknown> = { a: { next: 'b', ok: true }, b: { next: 'c', ok: true }, c: { ok: true } };
  const loadRecord = (n: string): unknown => records[n] ?? null;

  it('exactly maxReferences distinct records may load, one more may not', async () => {
    const rule = "_('a').ok && _('b').ok && _('c').ok";
    await expectAllowed(rule, write({}), { maxReferences: 3 }, { loadRecord });
    await expectDenied(rule, write({}), { maxReferences: 2 }, 'VLV0909', { loadRecord });
  });

  it('maxRuleIterations counts rule runs, the first included', async () => {
    // Two nested loads: three runs of the rule.
    const rule = "_(_('a').next).ok";
    await expectAllowed(rule, write({}), { maxRuleIterations: 3 }, { loadRecord });
    await expectDenied(rule, write({}), { maxRuleIterations: 2 }, 'VLV0903', { loadRecord });
  });
});

describe('a partial override', () => {
  it('changes only the limit it names; the others keep their defaults', () => {
    expectPartialOverrides(LIMITS, resolveLimits);
  });

  it('accepts any whole number from 1; refuses others and unknown names, saying which limits exist', () => {
    for (const key of Object.keys(LIMITS) as (keyof RuntimeLimits)[]) expect(resolveLimits({ [key]: 1 })[key]).toBe(1);
    for (const bad of [0, -1, 1.5, NaN, Infinity, '5', null]) {
      expect(() => resolveLimits({ maxDepth: bad as number })).toThrow(new RangeError(`the limit \`maxDepth\` must be a whole number of at least 1, not ${String(bad)}`));
    }
    expect(() => resolveLimits({ maxDeph: 5 } as never)).toThrow(
      new TypeError('unknown limit `maxDeph`; the limits are maxStringLength, maxDepth, maxRuleIterations, maxReferences, maxRecordSize, maxRegexWork'),
    );
  });

  it('keeps the other limits in force in a check', async () => {
    // maxDepth overridden: maxRecordSize still holds at its default.
    const big = { s: 'x'.repeat(LIMITS.maxRecordSize) };
    await expectDenied('data !== null', write(big), { maxDepth: 10 }, 'VLV0910');
  });
});
