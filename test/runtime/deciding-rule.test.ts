/** decidingRule: the one lookup of "the rule that decided" that explain, `valve eval` and the playground share. */
import { describe, expect, it } from 'vitest';
import { decidingRule } from '../../tooling/explain.js';
import { compile } from '../../engine/rules-module.js';
import { written } from '../unit/sources.js';

const RULES = `record:
  "*":
    read: false
  "profile/$owner":
    read: true
    write: user.id === $owner
event:
  "*":
    publish: true
rpc:
  "*":
    request: true
presence:
  "*":
    allow: true
`;

describe('decidingRule', () => {
  const { module } = compile(RULES, { file: 'rules.yml' });
  if (!module) throw new Error('the rules do not compile');

  it('is the rule at the decision\'s section, action and pattern', async () => {
    const d = await module.check({ type: 'record', action: 'write', name: 'profile/alice', user: { id: 'alice' }, data: {} });
    const rule = decidingRule(module.program, d);
    expect(rule).toMatchObject({ section: 'record', action: 'write', pattern: 'profile/$owner', body: { kind: 'expression', text: 'user.id === $owner' } });
    expect(`rules.yml:${rule?.location.line}:${rule?.location.column}`).toBe(d.location);
    expect(decidingRule(module.program, await module.check({ type: 'record', action: 'read', name: 'other/x' }))).toMatchObject({ pattern: '*', body: { kind: 'constant', value: false } });
  });

  it('is undefined when no pattern matched', async () => {
    const d = await module.check({ type: 'rpc', action: 'make', name: 'anything' });
    expect(d.pattern).toBeUndefined();
    expect(decidingRule(module.program, d)).toBeUndefined();
    expect(decidingRule(module.program, { section: 'event', action: 'subscribe', pattern: '*' })).toBeUndefined();
  });

  it('is the only place that looks the deciding rule up', () => {
    expect(written(/rules\.find\(\(r\) => r\.section === /, ['tooling/explain.ts'])).toEqual([]);
  });
});
