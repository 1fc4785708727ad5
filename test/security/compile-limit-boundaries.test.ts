/**
 * Compile-time limits at exactly their value and one past it (compiler/limits.ts): the scan that
 * runs before parsing (maxRuleLength, maxNestingDepth), the expression-depth check, and partial
 * overrides that keep the other defaults. (Issue 20: boundary mutants survived.)
 */
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { COMPILE_LIMITS, resolveCompileLimits, type CompileLimits } from '../../compiler/limits.js';
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
