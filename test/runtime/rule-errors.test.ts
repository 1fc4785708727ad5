/**
 * What a deny says when a rule fails: each failure names the operation and the value it met, so
 * an author reading the decision log (or `valve eval --explain`) knows what to fix. Exact texts,
 * through compiled rules; `describe` is how every message names a value.
 */
import { describe as suite, expect, it } from 'vitest';
import { translateRegex } from '../../compiler/regex.js';
import { RuleSet, type Decision } from '../../engine/check.js';
import type { RuntimeRule } from '../../engine/instantiate.js';
import { compile } from '../../engine/rules-module.js';
import { describe, regex } from '../../engine/stdlib.js';
import { permissionsFile } from '../security/helpers.js';

suite('describe names values', () => {
  it.each([
    [null, '`null`'],
    [undefined, '`undefined`'],
    [[1], 'an array'],
    [{}, 'an object'],
    ['abc', 'the string "abc"'],
    ['x'.repeat(40), `the string "${'x'.repeat(40)}"`],
    ['x'.repeat(41), `the string "${'x'.repeat(37)}…"`],
    [3, 'the number 3'],
    [true, 'the boolean true'],
    [10n, 'the bigint 10'],
  ] as [unknown, string][])('%s → %s', (value, text) => {
    expect(describe(value)).toBe(text);
  });
  it('a regular expression', () => {
    const t = translateRegex('a', '');
    if (!t.ok) throw new Error(t.error);
    expect(describe(regex(t.re2, '/a/'))).toBe('a regular expression');
    expect(regex(t.re2, '/a/').text).toBe('/a/');
  });
});

suite('failure messages', () => {
  const error = async (rule: string, data: unknown): Promise<string | undefined> => {
    const { module, diagnostics } = compile(permissionsFile(rule, { section: 'event', action: 'publish' }), { file: 'errors.yml' });
    if (!module) throw new Error(diagnostics.map((d) => d.message).join('; '));
    const d = (await module.check({ type: 'event', action: 'publish', name: 'e', data })) as Decision;
    expect(d.allowed).toBe(false);
    return d.error;
  };

  it.each([
    ['data.a.b === 1', { a: null }, 'can not read `b` of `null`'],
    ['data.a[data.k] === 1', { k: 'x' }, 'can not read `x` of `undefined`'],
    ['data.a[data.k] === 1', { k: 2 }, 'can not read `2` of `undefined`'],
    ['data.s.trim() === ""', { s: 1 }, '`trim` needs a string, got the number 1'],
    ['data.s.toUpperCase() === ""', { s: [] }, '`toUpperCase` needs a string, got an array'],
    ['data.s.toLowerCase() === ""', { s: {} }, '`toLowerCase` needs a string, got an object'],
    ['data.s.startsWith("a")', { s: null }, '`startsWith` needs a string, got `null`'],
    ['data.s.endsWith("a")', { s: true }, '`endsWith` needs a string, got the boolean true'],
    ['data.s.includes("a")', { s: 2 }, '`includes` needs a string, got the number 2'],
    ['data.s.indexOf("a") === 0', { s: 2 }, '`indexOf` needs a string, got the number 2'],
    ['data.s.match(/a/) !== null', { s: 2 }, '`match` needs a string, got the number 2'],
    ['_(data.n) !== null', { n: 5 }, 'the number 5'],
    ['"k" in data.o', { o: 'str' }, '`in` needs an object on its right, got the string "str"'],
    ['"k" in data.o', { o: null }, '`in` needs an object on its right, got `null`'],
    ['data.a[/x+/] === 1', {}, 'can not read `/x+/` of `undefined`'],
    ['({ [data.k]: 1 }) !== null', { k: 'constructor' }, 'the property `constructor` can not be set in a rule'],
  ] as [string, unknown, string][])('%s with %j', async (rule, data, message) => {
    expect(await error(rule, data)).toContain(message);
  });

  it.each([
    // Values no JSON message carries, as an authentication plugin's user data may hold them.
    ['data.a + "" === ""', Symbol('s'), 'a symbol can not become a string'],
    ['[data.a] + "" === ""', Symbol('s'), 'a symbol can not become a string'],
    ['data.a * 2 === 2', Symbol('s'), 'the symbol Symbol(s) can not become a number'],
    ['data.a - 1 === 9', 10n, 'the bigint 10 can not become a number'],
    ['data.a < 1', Symbol('s'), 'a symbol can not be compared'],
  ] as [string, unknown, string][])('%s with a symbol or a bigint', async (rule, a, message) => {
    expect(await error(rule, { a })).toBe(`rule failed: ${message}`);
  });

  it('startsWith, endsWith and includes refuse a regular expression, as JavaScript does', async () => {
    for (const m of ['startsWith', 'endsWith', 'includes']) expect(await error(`"abc".${m}(/a/)`, {})).toContain(`\`${m}\` can not take a regular expression`);
  });

  it('a regex over maxRegexWork names the regex, the length and the limit', async () => {
    const { module } = compile(permissionsFile('data.s.match(/b/) !== null', { section: 'event', action: 'publish' }));
    const d = (await module!.check({ type: 'event', action: 'publish', name: 'e', data: { s: 'a'.repeat(20) } }, { limits: { maxRegexWork: 10 } })) as Decision;
    expect(d.reason.code).toBe('VLV0911');
    expect(d.reason.message).toContain('/b/');
    expect(d.reason.message).toContain('20');
    expect(d.reason.message).toContain('10');
  });
});

suite('a rule that fails denies with what failed, on the quick and full paths', () => {
  const { module } = compile(permissionsFile('data.a.b === 1', { section: 'event', action: 'publish' }), { file: 'errors.yml' });
  const publish = { type: 'event' as const, action: 'publish', name: 'e', user: { id: 'u' }, data: { a: null } };

  it('a failure of the rule language is "rule failed:" and its text', async () => {
    for (const quick of [true, false]) {
      const d = (await new RuleSet('errors.yml', module!.rules, { quick }).check(publish)) as Decision;
      expect(d.reason).toEqual({ code: 'VLV0901', message: 'rule failed: can not read `b` of `null`' });
      expect(d.error).toBe('rule failed: can not read `b` of `null`');
    }
  });

  it('any other exception of a rule function (a module made by hand) is named with its type', async () => {
    const throwing = (thrown: unknown): RuntimeRule[] => module!.rules.map((r) => (r.section === 'event' ? { ...r, rule: () => { throw thrown; } } : r));
    for (const quick of [true, false]) {
      expect(((await new RuleSet('errors.yml', throwing(new TypeError('boom')), { quick }).check(publish)) as Decision).reason).toEqual({ code: 'VLV0901', message: 'rule failed: TypeError: boom' });
      expect(((await new RuleSet('errors.yml', throwing('plain'), { quick }).check(publish)) as Decision).reason).toEqual({ code: 'VLV0901', message: 'rule failed: plain' });
    }
  });
});
