/**
 * String escapes and number literals JavaScript refuses are refused here too (issue 13 item 12):
 * `'\u{41zz}' === 'A'` was true. Malformed `\x` / `\u` escapes are errors in every mode of
 * JavaScript, so upstream's `new Function` refuses them as well; `017`, `08` and `'\017'` are read
 * by sloppy mode (upstream) and refused by strict mode, which we follow (spec section 7, STRICTER:
 * legacy octal literals). The oracle below is V8 compiling the literal alone, in strict mode.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../grammar/ast.js';
import { parseExpression } from '../../grammar/expression.js';
import { compileProgram } from '../../compiler/index.js';
import { hintOf } from '../../grammar/messages.js';

interface Reported {
  code: string;
  start: number;
  end: number;
  hint?: string;
}

function parse(text: string): { ast: Expr; reported: Reported[] } {
  const reported: Reported[] = [];
  const ast = parseExpression(text, (code, where, params) => {
    const hint = hintOf(code, params);
    reported.push({ code, start: where.start, end: where.end, ...(hint ? { hint } : {}) });
  });
  return { ast, reported };
}

/** What strict-mode JavaScript makes of a literal: its value, or that it refuses it. */
function strictJs(literal: string): { value: unknown } | 'refused' {
  try {
    // A lone string or number literal (the generators below never produce a quote or newline).
    return { value: new Function(`'use strict'; return ${literal};`)() };
  } catch {
    return 'refused';
  }
}

describe('escapes and numbers JavaScript refuses', () => {
  it.each([
    ["'\\u{41zz}'", 'VLV0217', '\\u{41zz}'],
    ["'\\x4'", 'VLV0217', '\\x4'],
    ["'\\x'", 'VLV0217', '\\x'],
    ["'\\u12'", 'VLV0217', '\\u12'],
    ["'\\u{}'", 'VLV0217', '\\u{}'],
    ["'\\u{110000}'", 'VLV0218', '\\u{110000}'],
    ['`a${1}\\u{zz}`', 'VLV0217', '\\u{zz}'],
    ["'\\017'", 'VLV0220', '\\017'],
    ["'\\1'", 'VLV0220', '\\1'],
    ["'\\8'", 'VLV0220', '\\8'],
    ['`\\01`', 'VLV0220', '\\01'],
    ['017', 'VLV0219', '017'],
    ['08', 'VLV0219', '08'],
    ['09.5', 'VLV0219', '09.5'],
    ['00', 'VLV0219', '00'],
  ])('%s → %s, underlining `%s`', (literal, code, underlined) => {
    const { ast, reported } = parse(`x === ${literal}`);
    expect(reported.map((r) => r.code)).toEqual([code]);
    expect(`x === ${literal}`.slice(reported[0].start, reported[0].end)).toBe(underlined);
    expect(ast.kind).toBe('binary');
    expect(strictJs(literal)).toBe('refused');
  });

  it.each([
    ['017', 'write `0o17` for the octal number 15 (how sloppy JavaScript reads it), or `17`'],
    ['0_7', 'write `0o7` for the octal number 7 (how sloppy JavaScript reads it), or `7`'],
    ['08', 'write `8`'],
    ['008.5e1', 'write `8.5e1`'],
    ["'\\017'", 'write `\\x0f` for the character it stands for in sloppy mode (U+000F)'],
    ["'\\9'", 'write `9`: the backslash adds nothing'],
  ])('%s: the hint says what to write', (literal, hint) => {
    expect(parse(literal).reported[0].hint).toBe(hint);
  });

  it('every bad escape of a template is reported, each at its line and column in the file', () => {
    const text = 'record:\n  "*":\n    read: "name === `\\\\x4${name}\\\\u{110000}` || \'\\\\8\' === 017"\n    write: true\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';
    const got = compileProgram(text, { file: 'p.yml' }).diagnostics.map((d) => `${d.start.line}:${d.start.column} ${d.code}`);
    expect(got).toEqual(['3:22 VLV0217', '3:33 VLV0218', '3:50 VLV0220', '3:59 VLV0219']);
  });

  it('valid forms keep their meaning: `\\0`, `\\u{0041}`, `0.5`, `0e1`, `0x1F`, `0o17`, `1_000`, line continuations', () => {
    for (const literal of ["'\\0'", "'\\u{0000041}'", "'\\x41\\u0041\\u{41}'", '0.5', '0e1', '0x1F', '0o17', '0b11', '1_000', "'a\\\nb'", "'\\\\8'", '`\\0`']) {
      const { ast, reported } = parse(literal);
      expect(reported, literal).toEqual([]);
      expect(ast, literal).toMatchObject({ kind: ast.kind === 'template' ? 'template' : 'literal' });
      const js = strictJs(literal);
      if (ast.kind === 'literal') expect(js, literal).toEqual({ value: ast.value });
    }
  });

  /** Refused exactly when strict-mode JavaScript refuses it; otherwise the same value. */
  const agreesWithStrictJs = (literal: string): void => {
    const { ast, reported } = parse(literal);
    const js = strictJs(literal);
    if (js === 'refused') expect(reported.length, literal).toBeGreaterThan(0);
    else {
      expect(reported, literal).toEqual([]);
      expect(ast, literal).toMatchObject({ kind: 'literal', value: js.value });
    }
  };

  it('accepts a string exactly when strict JavaScript does, with the same value (generated bodies)', () => {
    const piece = fc.constantFrom('\\', '\\\\', 'x', 'u', '{', '}', '0', '1', '4', '7', '8', '9', 'a', 'F', 'z', '10FFFF', '110000', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const body = pieces.join('');
        fc.pre(/^(?:[^'\\\n\r]|\\[\s\S])*$/.test(body)); // one complete single-quoted string
        const literal = `'${body}'`;
        agreesWithStrictJs(literal);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a number exactly when strict JavaScript does, with the same value (generated literals)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9][0-9_]{0,4}(?:\.[0-9]{0,2})?(?:e[0-9])?$/), (literal) => {
        agreesWithStrictJs(literal);
      }),
      { numRuns: 2000 },
    );
  });
});
