/**
 * Compile-time limits at exactly their value and one past it (compiler/limits.ts): the scan that
 * runs before parsing (maxRuleLength, maxNestingDepth), the expression-depth check, and partial
 * overrides that keep the other defaults. (Issue 20: boundary mutants survived.)
 */
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { COMPILE_LIMITS, resolveCompileLimits, scanRules, type CompileLimits } from '../../compiler/limits.js';
import type { YNode } from '../../grammar/yaml.js';
import { expectPartialOverrides, permissionsFile } from './helpers.js';

const codes = (text: string, limits?: Partial<CompileLimits>): string[] =>
  compileProgram(text, limits ? { limits } : {}).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('maxNestingDepth', () => {
  it('exactly the limit of brackets is fine, one more is VLV0704', () => {
    for (const [open, close, inner] of [['(', ')', 'true'], ['[', ']', '1']] as const) {
      const rule = (n: number): string => (open === '(' ? `${open.repeat(n)}${inner}${close.repeat(n)}` : `${open.repeat(n)}${inner}${close.repeat(n)}.length === 1`);
      expect(codes(permissionsFile(rule(5)), { maxNestingDepth: 5 })).toEqual([]);
      expect(codes(permissionsFile(rule(6)), { maxNestingDepth: 5 })).toEqual(['VLV0704']);
    }
  });

  it('counts open brackets only: many closed groups side by side are one level each', () => {
    const side = Array(COMPILE_LIMITS.maxNestingDepth * 2).fill("(name === 'a')").join(' || ');
    expect(codes(permissionsFile(side))).toEqual([]);
    // A template substitution closes too.
    const templates = Array(COMPILE_LIMITS.maxNestingDepth * 2).fill('`${name}`').join(' + ');
    expect(codes(permissionsFile(`(${templates}) !== ''`))).toEqual([]);
  });

  it('other tokens between brackets do not close them; the error spans the one bracket too deep', () => {
    const text = permissionsFile("(name === 'a' && (name === 'b' && (true)))");
    expect(codes(text, { maxNestingDepth: 3 })).toEqual([]);
    const [d] = compileProgram(text, { limits: { maxNestingDepth: 2 } }).diagnostics.filter((x) => x.code === 'VLV0704');
    expect(d).toBeDefined();
    expect(d.end.column - d.start.column).toBe(1);
    expect(d.message).toContain('2');
  });

  it('a stray closing bracket never makes the depth negative (later opens still count from 0)', () => {
    // `)` first is a syntax error, but the scan must still refuse what nests too deeply after it.
    expect(codes(permissionsFile(`) ${'('.repeat(3)}true${')'.repeat(3)}`), { maxNestingDepth: 2 })).toContain('VLV0704');
  });
});

describe('maxRuleLength', () => {
  it('a rule reused through a YAML alias is reported once', () => {
    const long = `name === '${'x'.repeat(40)}'`;
    const text = `record:\n  "*":\n    read: &r ${JSON.stringify(long)}\n    write: *r\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
    expect(codes(text, { maxRuleLength: 20 })).toEqual(['VLV0703']);
    expect(codes(text, { maxRuleLength: long.length })).toEqual([]);
    const [d] = compileProgram(text, { limits: { maxRuleLength: 20 } }).diagnostics;
    expect(d.message).toContain(String(long.length));
    expect(d.message).toContain('20');
    expect(d.hint).toBeTruthy();
  });
});

describe('maxRuleLength, rule by rule', () => {
  const file = (rules: Record<string, string>): string =>
    `record:\n  "*":\n${Object.entries(rules).map(([action, rule]) => `    ${action}: ${JSON.stringify(rule)}\n`).join('')}event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;

  it('every over-long rule is reported, each at its own rule', () => {
    const text = file({ read: `name === '${'a'.repeat(30)}'`, write: `name === '${'b'.repeat(40)}'` });
    const found = compileProgram(text, { limits: { maxRuleLength: 20 } }).diagnostics.map((d) => [d.code, d.start.line, d.start.column, d.end.column]);
    // The rule text starts after `read: "` (column 12) / `write: "` (column 13).
    expect(found).toEqual([
      ['VLV0703', 3, 12, 12 + 41],
      ['VLV0703', 4, 13, 13 + 51],
    ]);
  });

  it('a rule of white space only is reported as white space (VLV0115), not as too long', () => {
    const found = compileProgram(permissionsFile(' '.repeat(30)), { limits: { maxRuleLength: 20 } }).diagnostics.map((d) => d.code);
    expect(found).toEqual(['VLV0115']);
  });

  it('a rule scalar without an offset table (a hand-built tree) is blamed at its whole span', () => {
    const span = { start: 20, end: 30 };
    const rule: YNode = { kind: 'scalar', span, value: 'x'.repeat(10), style: 'plain' };
    const tree: YNode = { kind: 'map', span, entries: [{ key: 'record', keySpan: span, value: { kind: 'map', span, entries: [{ key: '*', keySpan: span, value: { kind: 'map', span, entries: [{ key: 'read', keySpan: span, value: rule }] } }] } }] };
    const text = `${' '.repeat(20)}${'x'.repeat(10)}\n`;
    const { diagnostics } = scanRules(text, 'permissions.yml', { ...COMPILE_LIMITS, maxRuleLength: 5 }, { root: tree });
    expect(diagnostics.map((d) => [d.code, d.start.offset, d.end.offset])).toEqual([['VLV0703', 20, 30]]);
  });

  it('with every limit lifted, a rule that still overflows the parser is blamed: the one with the most tokens, the first of equals', () => {
    const lifted = { maxRuleLength: 1e9, maxNestingDepth: 1e9, maxExpressionDepth: 1e9 };
    const deep = '('.repeat(50_000);
    const blamed = (rules: Record<string, string>): unknown[] =>
      compileProgram(file(rules), { limits: lifted }).diagnostics.filter((d) => d.code === 'VLV0705').map((d) => [d.start.line, d.start.column, d.end.column]);
    expect(blamed({ read: "name === 'a'", write: deep, delete: "name === 'b'" })).toEqual([[4, 13, 13 + 50_000]]);
    expect(blamed({ read: "name === 'a'", write: deep, delete: deep })).toEqual([[4, 13, 13 + 50_000]]);
  }, 60_000);
});

describe('maxExpressionDepth', () => {
  it('an expression of exactly the limit is fine, one level more is VLV0705', () => {
    // `!true` is two levels: the operator and the literal.
    expect(codes(permissionsFile(`${'!'.repeat(3)}true`), { maxExpressionDepth: 4 })).toEqual([]);
    expect(codes(permissionsFile(`${'!'.repeat(4)}true`), { maxExpressionDepth: 4 })).toEqual(['VLV0705']);
  });
});

describe('a partial override', () => {
  it('changes only the limit it names', () => {
    expectPartialOverrides(COMPILE_LIMITS, resolveCompileLimits);
  });

  it('refuses a limit that is not a whole number of at least 1, naming it', () => {
    for (const bad of [0, -1, 1.5, NaN, '5', null]) {
      expect(() => resolveCompileLimits({ maxRuleLength: bad as number })).toThrow(/the compile limit `maxRuleLength` must be a whole number of at least 1/);
    }
    expect(() => resolveCompileLimits({ maxRuleLenght: 5 } as never)).toThrow(/unknown compile limit `maxRuleLenght`; the limits are maxFileSize, /);
    expect(resolveCompileLimits({ maxRuleLength: 1 }).maxRuleLength).toBe(1);
  });

  it('keeps the other limits in force when compiling', () => {
    const deep = `${'('.repeat(COMPILE_LIMITS.maxNestingDepth + 1)}true${')'.repeat(COMPILE_LIMITS.maxNestingDepth + 1)}`;
    expect(codes(permissionsFile(deep), { maxRuleLength: 10_000 })).toEqual(['VLV0704']);
  });
});
