/**
 * Every bound: a safe, frozen default; an option to change it; a clear error (a catalogue code
 * naming the limit) when it is hit; and no exception or stack overflow on the way, however absurd
 * the input. SECURITY.md lists the same limits and defaults (checked here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILE_LIMITS } from '../../compiler/limits.js';
import { compileProgram } from '../../compiler/index.js';
import { createEngine } from '../../engine/create.js';
import type { Decision } from '../../engine/check.js';
import { LIMITS } from '../../engine/limits.js';
import { compile } from '../../engine/rules-module.js';
import { permissionsFile } from './helpers.js';

const errors = (text: string, limits?: Parameters<typeof compileProgram>[1] extends infer O ? (O extends { limits?: infer L } ? L : never) : never) =>
  compileProgram(text, limits ? { limits } : {}).diagnostics.filter((d) => d.severity === 'error');
const codes = (text: string, limits?: Parameters<typeof errors>[1]): string[] => errors(text, limits).map((d) => d.code);

describe('defaults', () => {
  it('are frozen', () => {
    expect(Object.isFrozen(LIMITS)).toBe(true);
    expect(Object.isFrozen(COMPILE_LIMITS)).toBe(true);
    expect(() => {
      (LIMITS as { maxStringLength: number }).maxStringLength = 1;
    }).toThrow();
  });

  it('are the values SECURITY.md documents', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'SECURITY.md'), 'utf8');
    for (const [name, value] of [...Object.entries(COMPILE_LIMITS), ...Object.entries(LIMITS)]) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `SECURITY.md has a row for ${name}`).toBeDefined();
      expect(row!.replace(/[ _,]/g, '')).toContain(`|${value}|`);
    }
  });
});

describe('compile-time limits', () => {
  it('maxFileSize: a file over the limit is refused before it is parsed (VLV0701)', () => {
    const huge = `${permissionsFile('true')}# ${'x'.repeat(COMPILE_LIMITS.maxFileSize)}\n`;
    const t = performance.now();
    expect(codes(huge)).toEqual(['VLV0701']);
    expect(performance.now() - t).toBeLessThan(5000); // sanity only: it is refused without parsing
    expect(errors(permissionsFile('true'), { maxFileSize: 50 })[0].message).toMatch(/more than the limit of 50 \(maxFileSize\)/);
  });

  it('maxRuleLength: a longer rule is refused at its position (VLV0703); the limit itself is fine', () => {
    const ok = `name === '${'x'.repeat(COMPILE_LIMITS.maxRuleLength - 11)}'`;
    expect(ok.length).toBe(COMPILE_LIMITS.maxRuleLength);
    expect(codes(permissionsFile(ok))).toEqual([]);
    const long = errors(permissionsFile(`${ok} `));
    expect(long.map((d) => d.code)).toEqual(['VLV0703']);
    expect(long[0].start.line).toBe(4);
    expect(codes(permissionsFile("name === 'abc'"), { maxRuleLength: 5 })).toEqual(['VLV0703']);
  });

  it('maxNestingDepth: brackets, braces and template substitutions beyond the limit are refused before parsing (VLV0704)', () => {
    const n = COMPILE_LIMITS.maxNestingDepth;
    expect(codes(permissionsFile(`${'('.repeat(n)}true${')'.repeat(n)}`))).toEqual([]);
    for (const rule of [`${'('.repeat(n + 1)}true${')'.repeat(n + 1)}`, `${'['.repeat(n + 1)}1${']'.repeat(n + 1)}.length === 1`, `${'`${'.repeat(n + 1)}1${'}`'.repeat(n + 1)} === '1'`, `${'{'.repeat(n + 1)}`]) {
      const found = errors(permissionsFile(rule));
      expect(found.map((d) => d.code)).toEqual(['VLV0704']);
      expect(found[0].start.column).toBeGreaterThan(12 + n); // at the bracket that is one too deep
    }
    expect(codes(permissionsFile('((true))'), { maxNestingDepth: 1 })).toEqual(['VLV0704']);
  });

  it('50,000 open parentheses (and other absurd nesting) end in a diagnostic, not a stack overflow', () => {
    const big = { maxRuleLength: 1_000_000 };
    for (const rule of ['('.repeat(50_000), '['.repeat(50_000), '`${'.repeat(20_000), '{'.repeat(50_000), `${'!'.repeat(20_000)}true`, `${'-'.repeat(10_000)}1`, `${'a ? b : '.repeat(2_000)}c`, `${'1+'.repeat(5_000)}1`, `user${'.a'.repeat(5_000)}`, `name${'.trim()'.repeat(2_000)}`]) {
      const found = codes(permissionsFile(rule), big);
      expect(found.some((c) => ['VLV0703', 'VLV0704', 'VLV0705'].includes(c))).toBe(true);
    }
    // Chains of syntax the language forbids are errors whatever the stack: their own code where the
    // stack holds the parse (worker threads have 4 MB), VLV0705 from the backstop where it does not.
    for (const [rule, own] of [[`${'a='.repeat(5_000)}1`, 'VLV0207'], [`${'x=>'.repeat(5_000)}1`, 'VLV0206']]) {
      const found = codes(permissionsFile(rule), big);
      expect(found.some((c) => c === own || c === 'VLV0705')).toBe(true);
    }
    // Even with every limit lifted the compiler answers, never throws: VLV0705 when it ran out of
    // stack (its backstop), or the rule's real verdict when the stack was deep enough.
    const lifted = { maxRuleLength: 1e9, maxNestingDepth: 1e9, maxExpressionDepth: 1e9 };
    for (const [rule, verdict] of [['('.repeat(50_000), 'VLV0705'], [`${'!'.repeat(50_000)}true`, 'VLV0705'], [`${'1+'.repeat(5_000)}1`, 'VLV0401']]) {
      const found = compileProgram(permissionsFile(rule), { limits: lifted }).diagnostics.map((d) => d.code);
      expect(found.some((c) => c === verdict || c === 'VLV0705')).toBe(true);
    }
  });

  it('maxExpressionDepth: operators nested or chained beyond the limit are refused (VLV0705)', () => {
    const n = COMPILE_LIMITS.maxExpressionDepth;
    expect(codes(permissionsFile(Array(100).fill("name === 'x'").join(' || ')))).toEqual([]);
    expect(codes(permissionsFile(`${'!'.repeat(n + 1)}true`))).toEqual(['VLV0705']);
    expect(codes(permissionsFile(Array(n + 1).fill('true').join(' && ')))).toEqual(['VLV0705']);
    expect(errors(permissionsFile('!!!true'), { maxExpressionDepth: 2 })[0].message).toMatch(/more than 2 deep \(maxExpressionDepth\)/);
  });

  it('a limit is an error: `# valve-ignore` can not silence it (an unchecked rule is never compiled)', () => {
    const text = permissionsFile(`${'!'.repeat(COMPILE_LIMITS.maxExpressionDepth + 1)}process`).replace('    write:', '    # valve-ignore VLV0705, VLV0301\n    write:');
    expect(text).toContain('valve-ignore');
    const { diagnostics, module } = compile(text);
    expect(module).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toContain('VLV0705');
  });

  it('maxRegexSize: a regular expression with a huge program is refused (VLV0706)', () => {
    expect(codes(permissionsFile('name.match(/^(.*){1,1000}$/) !== null'))).toEqual(['VLV0706']);
    expect(codes(permissionsFile("name.match('(.*){1,500}') !== null"))).toEqual(['VLV0706']);
    expect(codes(permissionsFile('name.match(/^[a-z]+$/) !== null'), { maxRegexSize: 3 })).toEqual(['VLV0706']);
  });

  it('an invalid limit option is a programming error, reported at once', () => {
    expect(() => compileProgram('', { limits: { maxRuleLength: 0 } })).toThrow(/maxRuleLength.*whole number of at least 1/);
    expect(() => compileProgram('', { limits: { maxRuleLenght: 5 } as never })).toThrow(/unknown compile limit `maxRuleLenght`/);
  });
});

describe('run-time limits', () => {
  const engine = (rule: string, limits?: Parameters<typeof createEngine>[0]['limits'], records: Record<string, unknown> = {}) =>
    createEngine({ rules: { text: permissionsFile(rule), file: 'limits.yml' }, loadRecord: (n) => records[n] ?? null, ...(limits ? { limits } : {}) });
  const write = (data: unknown, user: { id: string; data?: unknown } = { id: 'u' }) => ({ type: 'record', action: 'write', name: 'r/x', user, data, oldData: {} }) as const;

  it('maxStringLength: `+` and conversions stop at the limit', async () => {
    const rule = '(data.s + data.s + data.s).length > 0';
    expect((await engine(rule).check(write({ s: 'abcdef' }))).allowed).toBe(true);
    const d = (await engine(rule, { maxStringLength: 10 }).check(write({ s: 'abcdef' }))) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0901' } });
    expect(d.error).toContain('string too long');
    expect(await engine("data.list + '' !== ''", { maxStringLength: 10 }).check(write({ list: Array(20).fill('ab') }))).toMatchObject({ allowed: false });
  });

  it('maxDepth: conversions stop at the limit', async () => {
    const publish = (data: unknown) => ({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data }) as const;
    const events = (limits?: { maxDepth: number }) =>
      createEngine({ rules: { text: permissionsFile("data.list + '' !== ''", { section: 'event', action: 'publish' }), file: 'limits.yml' }, ...(limits ? { limits } : {}) });
    const d = (await events({ maxDepth: 3 }).check(publish({ list: [[[[[['x']]]]]] }))) as Decision;
    expect(d.error).toContain('nested too deeply');
    expect((await events().check(publish({ list: [[[[[['x']]]]]] }))).allowed).toBe(true);
  });

  it('maxDepth: a record write may store exactly maxDepth levels, not one more (VLV0912), whatever the rule reads', async () => {
    const nest = (levels: number): unknown => {
      let v: unknown = 'x';
      for (let i = 0; i < levels; i++) v = { a: v };
      return v;
    };
    for (const rule of ['true', 'data.a !== null']) {
      const e = engine(rule, { maxDepth: 5 });
      expect((await e.check(write(nest(5)))).allowed).toBe(true);
      expect(await e.check(write(nest(6)))).toMatchObject({ allowed: false, reason: { code: 'VLV0912' } });
      // An event is not stored: its depth is only the conversions' business.
      expect((await e.check({ type: 'event', action: 'publish', name: 'e', user: { id: 'u' }, data: nest(6) })).allowed).toBe(true);
    }
  });

  it('maxReferences: more distinct `_()` records than the limit deny (VLV0909)', async () => {
    const records = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`r${i}`, { ok: true }]));
    const three = "_('r0').ok && _('r1').ok && _('r2').ok";
    expect((await engine(three, undefined, records).check(write({}))).allowed).toBe(true);
    const d = (await engine(three, { maxReferences: 2 }, records).check(write({}))) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0909' } });
    expect(d.reason.message).toMatch(/referenced 3 records .* limit of 2 \(maxReferences\)/);
    const seventy = Array.from({ length: 70 }, (_, i) => `_('r${i}').ok`).join(' && ');
    expect(await engine(seventy, undefined, records).check(write({}))).toMatchObject({ allowed: false, reason: { code: 'VLV0909' } });
    expect((await engine(seventy, { maxReferences: 70 }, records).check(write({}))).allowed).toBe(true);
  });

  it('maxRecordSize: a payload, user.data or a loaded record over the limit is not read (VLV0910)', async () => {
    const big = { s: 'x'.repeat(200) };
    const limits = { maxRecordSize: 100 };
    const payload = (await engine('data.s.length > 0', limits).check(write(big))) as Decision;
    expect(payload).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    expect(payload.reason.message).toBe('the payload (`data`) is larger than the limit of 100 (maxRecordSize); it was not read');
    expect(await engine("user.data.s === 'x'", limits).check(write({}, { id: 'u', data: big }))).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    expect(await engine("user === null || user.id === 'u'", limits).check(write({}, { id: 'u', data: big }))).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    // A rule that can not reach `user.data` (only `user.id` / `user.isAuthenticated`) does not size it, as the payload is not sized when `data` is not read.
    expect(await engine("user.id === 'u' && user.isAuthenticated", limits).check(write({}, { id: 'u', data: big }))).toMatchObject({ allowed: true });
    const loaded = (await engine("_('big').s.length > 0", limits, { big }).check(write({}))) as Decision;
    expect(loaded).toMatchObject({ allowed: false, reason: { code: 'VLV0910' } });
    expect(loaded.reason.message).toContain('record `big`');
    expect((await engine("_('big').s.length > 0", undefined, { big }).check(write({}))).allowed).toBe(true);
  });

  it('maxRegexWork: a match over the limit denies without running (VLV0911)', async () => {
    expect(await engine('data.s.match(/a+$/) !== null', { maxRegexWork: 100 }).check(write({ s: 'a'.repeat(50) }))).toMatchObject({ allowed: false, reason: { code: 'VLV0911' } });
    expect((await engine('data.s.match(/a+$/) !== null').check(write({ s: 'a'.repeat(50) }))).allowed).toBe(true);
  });

  it('maxRuleIterations: rounds of loads beyond the limit deny (VLV0903)', async () => {
    const chain = "_(_(_(_('a').next).next).next).ok";
    const records = { a: { next: 'b' }, b: { next: 'c' }, c: { next: 'd' }, d: { ok: true } };
    expect(await engine(chain, undefined, records).check(write({}))).toMatchObject({ allowed: false, reason: { code: 'VLV0903' } });
    expect((await engine(chain, { maxRuleIterations: 5 }, records).check(write({}))).allowed).toBe(true);
  });

  it('an invalid limit is refused by createEngine, and denies (never throws) when given to one check', async () => {
    expect(() => engine('true', { maxRecordSize: -1 })).toThrow(/maxRecordSize.*whole number of at least 1/);
    expect(() => engine('true', { maxRecordSiz: 1 } as never)).toThrow(/unknown limit `maxRecordSiz`/);
    const { module } = compile(permissionsFile('data.x === 1'));
    const d = (await module!.check(write({ x: 1 }), { limits: { maxDepth: Number.NaN } })) as Decision;
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0916' } });
    expect(d.error).toContain('invalid limits');
  });
});
