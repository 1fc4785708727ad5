/**
 * `valve check` on a big file does each piece of work once per distinct input: a regex is
 * translated once per (pattern, flags, limit), a rule text is lexed and parsed once per file.
 * Counted, never timed; the diagnostics themselves are held byte-identical by test/diagnostics.
 */
import { describe, expect, it, vi } from 'vitest';
import { compileProgram } from '../../compiler/index.js';
import { translateRegex } from '../../compiler/regex.js';
import { ruleLexer, ruleParser } from '../../grammar/index.js';

describe('regex translation', () => {
  it('translates the same pattern, flags and limit once', () => {
    const a = translateRegex('^[a-z]+-7$', 'i', 1000);
    const b = translateRegex('^[a-z]+-7$', 'i', 1000);
    expect(a.ok).toBe(true);
    expect(b).toBe(a);
  });

  it('keeps translations with other flags or limits apart', () => {
    const wide = translateRegex('^(ab|cd){3}x$', '', 1000);
    const narrow = translateRegex('^(ab|cd){3}x$', '', 5);
    const folded = translateRegex('^(ab|cd){3}x$', 'i', 1000);
    expect(wide).not.toBe(narrow);
    expect(wide).not.toBe(folded);
    expect(narrow.ok && narrow.programSize > 5).toBe(true);
    expect(translateRegex('^(ab|cd){3}x$', '', 5)).toBe(narrow);
  });
});

describe('rule texts', () => {
  const rest = 'event:\n  "*":\n    publish: false\n    subscribe: false\nrpc:\n  "*":\n    provide: false\n    request: false\npresence:\n  "*":\n    allow: false\n';
  const rules = (n: number, rule: string): string => [
    'record:', '  "*":', '    read: true', '    write: false', '    create: false', '    delete: false',
    ...Array.from({ length: n }, (_, i) => `  p${i}/$a:\n    read: "${rule}"`),
  ].join('\n') + `\n${rest}`;

  it('lexes and parses each distinct rule text once per compile (the limit scan and the parser share it)', () => {
    const lex = vi.spyOn(ruleLexer, 'tokenize');
    const parse = vi.spyOn(ruleParser(), 'sequence');
    try {
      // `?.` is outside grammar/fast-parse.ts's subset: this rule goes to Chevrotain.
      const result = compileProgram(rules(5, 'user.data?.id === $a'), { emit: false });
      expect(result.diagnostics).toEqual([]);
      expect(result.program?.rules.filter((r) => r.body.kind === 'expression')).toHaveLength(5);
      expect(lex).toHaveBeenCalledTimes(1);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      lex.mockRestore();
      parse.mockRestore();
    }
  });

  it('never runs Chevrotain on rules of the everyday subset (grammar/fast-parse.ts builds their AST)', () => {
    const parse = vi.spyOn(ruleParser(), 'sequence');
    try {
      const shapes = ["user.id === $a && ['x', 'y'].includes(user.id)", "(oldData.n ?? 0) * 2 + 1 < 100 && name.endsWith('/1') === false", 'oldData === null || $a.match(/^[a-z]+-3$/) !== null'];
      // Parsed and checked (lints may speak; the parser has nothing to say).
      for (const s of shapes) {
        const { diagnostics, program } = compileProgram(rules(3, s), { emit: false });
        expect(diagnostics.filter((d) => d.code.startsWith('VLV02'))).toEqual([]);
        expect(program?.rules.filter((r) => r.body.kind === 'expression')).toHaveLength(3);
      }
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('gives every rule its own AST and reports a repeated mistake at each rule', () => {
    const { program } = compileProgram(rules(2, 'user.id === $a'), { emit: false });
    const [a, b] = (program?.rules ?? []).filter((r) => r.body.kind === 'expression').map((r) => (r.body.kind === 'expression' ? r.body.expr : undefined));
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    const { diagnostics } = compileProgram(rules(3, 'user.id === ('), { emit: false });
    const errors = diagnostics.filter((d) => d.code === 'VLV0201');
    expect(errors.length).toBeGreaterThan(0);
    const at = (line: number): string[] => errors.filter((d) => d.start.line === line).map((d) => `${d.start.column}-${d.end.column} ${d.message}`);
    expect(at(8).length).toBeGreaterThan(0);
    expect(at(10)).toEqual(at(8));
    expect(at(12)).toEqual(at(8));
    expect(errors).toHaveLength(3 * at(8).length);
  });
});
