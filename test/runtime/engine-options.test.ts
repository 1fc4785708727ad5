import { describe, expect, it } from 'vitest';
import { createEngine, RulesError, type CheckRequest } from '../../index.js';
import { compile } from '../../engine/rules-module.js';

const RULES = `record:\n  "*":\n    read: "user.id === 'alice'"\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
const read = (name: string, user = 'alice'): CheckRequest => ({ type: 'record', action: 'read', name, user: { id: user } });
const allowed = (e: ReturnType<typeof createEngine>, r: CheckRequest): boolean => (e.check(r) as { allowed: boolean }).allowed;

describe('createEngine options', () => {
  it('takes the rules as a plain string', () => {
    const e = createEngine({ rules: RULES });
    expect(allowed(e, read('a'))).toBe(true);
    expect(allowed(e, read('a', 'bob'))).toBe(false);
    expect(e.file).toBe('permissions.yml');
    e.replace(RULES.replace("'alice'", "'bob'"));
    expect(allowed(e, read('a', 'bob'))).toBe(true);
  });

  it.each([
    [undefined, /options must be an object/],
    ['rules', /options must be an object/],
    [{}, /option `rules` is required/],
    [{ rules: 42 }, /option `rules` must be the rules text.*got number 42/],
    [{ rules: null }, /option `rules` must be .*got null/],
    [{ rules: { txt: RULES } }, /option `rules` must be the rules text/],
    [{ rules: { text: 1 } }, /option `rules.text` must be a string, got number 1/],
    [{ rules: { text: RULES, file: 3 } }, /option `rules.file` must be a string/],
    [{ rules: { default: 'x' } }, /option `rules.default` must be the factory function/],
    [{ rules: RULES, loadRecord: 'db' }, /option `loadRecord` must be a function/],
    [{ rules: RULES, maxRuleIterations: 0 }, /option `maxRuleIterations` must be a whole number of at least 1, got number 0/],
    [{ rules: RULES, maxRuleIterations: 1.5 }, /`maxRuleIterations` must be a whole number/],
    [{ rules: RULES, loadTimeoutMs: '100' }, /option `loadTimeoutMs` must be a whole number of at least 1, got the string "100"/],
    [{ rules: RULES, limits: 5 }, /option `limits` must be an object of limits/],
    [{ rules: RULES, env: 'PROD' }, /option `env` must be an object/],
    [{ rules: RULES, env: { A: 1 } }, /option `env.A` must be a string/],
    [{ rules: RULES, loadrecord: () => null }, /unknown option `loadrecord`; the options are rules, loadRecord/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => createEngine(options as never)).toThrow(TypeError);
    expect(() => createEngine(options as never)).toThrow(message);
  });

  it('names an invalid limit (checked by the limits themselves)', () => {
    expect(() => createEngine({ rules: RULES, limits: { maxDepth: -1 } })).toThrow(/the limit `maxDepth` must be a whole number/);
  });

  it('refuses an invalid replacement and keeps the rules in force', () => {
    const e = createEngine({ rules: RULES });
    expect(() => e.replace(7 as never)).toThrow(/engine\.replace: `rules` must be/);
    expect(allowed(e, read('a'))).toBe(true);
  });

  it('accepts a compiled module and a module namespace', () => {
    const { module } = compile(RULES);
    expect(allowed(createEngine({ rules: module! }), read('a'))).toBe(true);
  });
});

describe('env: `${NAME}` substitution in path patterns (substituteEnv)', () => {
  const tenantRules = (rule: string) => `record:\n  "*":\n    read: false\n  "\${TENANT}/$doc":\n    read: ${JSON.stringify(rule)}\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;

  it('substitutes a set variable in a pattern', () => {
    const e = createEngine({ rules: tenantRules('true'), env: { TENANT: 'acme' } });
    expect(allowed(e, read('acme/d1'))).toBe(true);
    expect(allowed(e, read('other/d1'))).toBe(false);
  });

  it('without env, `${NAME}` in a pattern is an error that says how to turn substitution on', () => {
    const d = compile(tenantRules('true')).diagnostics.find((x) => x.code === 'VLV0109');
    expect(d?.message).toContain('`${TENANT}`');
    expect(d?.hint).toContain('substituteEnv');
  });

  it('never rewrites a rule expression', () => {
    const e = createEngine({ rules: tenantRules("$doc === '${TENANT}'"), env: { TENANT: 'acme' } });
    expect(allowed(e, read('acme/acme'))).toBe(false);
    expect(allowed(e, read('acme/${TENANT}'))).toBe(true);
    // In a template string `${TENANT}` stays an expression: a name rules do not have.
    const template = compile(tenantRules('$doc === `${TENANT}`'), { env: { TENANT: 'acme' } }).diagnostics;
    expect(template.map((d) => d.code)).toContain('VLV0301');
  });

  it('reports an unset or empty variable at its position instead of substituting ""', () => {
    for (const env of [{}, { TENANT: '' }]) {
      const { diagnostics } = compile(tenantRules('true'), { env });
      const d = diagnostics.find((x) => x.code === 'VLV0117');
      expect(d?.message).toBe('environment variable `TENANT` is not set, so the pattern can not be completed');
      expect([d?.start.line, d?.start.column, d?.end.column]).toEqual([4, 4, 13]);
      expect(() => createEngine({ rules: tenantRules('true'), env })).toThrow(RulesError);
    }
  });

  it('checks the substituted pattern like any other', () => {
    const { diagnostics } = compile(tenantRules('true'), { env: { TENANT: '$doc' } });
    expect(diagnostics.map((d) => d.code)).toContain('VLV0110');
  });
});
