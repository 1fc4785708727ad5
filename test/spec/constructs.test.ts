/**
 * Constructs upstream loads and evaluates as JavaScript (spec §7, "Everything not in this table
 * follows upstream"): `**`, the bitwise operators, `void`, `NaN`, `Infinity`, object literals,
 * regex `\c` escapes and the `v` flag; and those it loads but that throw when they run (an
 * undeclared `$variable`, an invalid `match` string), which load here with a warning and deny.
 * Each rule is decided by plain JavaScript (upstream runs rules with `new Function`) and by a
 * compiled module, which must agree; the interpreter is compared with the compiled code by the
 * property tests.
 */
import { describe, expect, it } from 'vitest';
import { compile, type Decision, type Diagnostic } from '../../index.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';

const file = (pattern: string, rule: string): string =>
  `record:\n  "*": { read: true }\nevent:\n  "*": { publish: true }\n  ${JSON.stringify(pattern)}:\n    publish: ${JSON.stringify(rule)}\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n`;

/** What upstream does with a rule on `data` (name `e/x`, `$id` bound to `x`): allow, deny, or a thrown error. */
function javascript(rule: string, data: unknown): 'allow' | 'deny' | 'error' {
  try {
    return new Function('data', 'name', '$id', `return ${rule};`)(data, 'e/x', 'x') === true ? 'allow' : 'deny';
  } catch {
    return 'error';
  }
}

async function decide(rule: string, data: unknown): Promise<{ compiled: Decision; interpreted: Decision; diagnostics: readonly Diagnostic[] }> {
  const { diagnostics, module } = compile(file('e/$id', rule), { file: 'constructs.yml' });
  expect(diagnostics.filter((d) => d.severity === 'error'), rule).toEqual([]);
  const request = { type: 'event', action: 'publish', name: 'e/x', user: { id: 'alice' }, data } as const;
  const compiled = await module!.check(request);
  const interpreted = await new RuleSet(module!.file, interpretedRules(module!.program.rules), { quick: false }).check(request);
  return { compiled, interpreted, diagnostics };
}

const CASES: ReadonlyArray<readonly [string, unknown]> = [
  // `**`: right-associative, JavaScript's Math.pow-like edge values, huge results are Infinity
  ['2 ** 10 === 1024', null],
  ['2 ** 3 ** 2 === 512', null],
  ['(2 ** 3) ** 2 === 64', null],
  ['(-2) ** 2 === 4 && 2 ** -1 === 0.5', null],
  ['10 ** 400 === Infinity && data.n ** 0.5 === 3', { n: 9 }],
  ['1 ** NaN !== 1 ** NaN', null],
  ["data.s ** 2 === 16 && '3' ** '2' === 9", { s: '4' }],
  ['[2] ** 2 === 4 && null ** 0 === 1', null],
  // bitwise operators: 32-bit integers, JavaScript's precedence (| below ^ below & below ===)
  ['(5 & 3) === 1 && (5 | 3) === 7 && (5 ^ 3) === 6 && ~5 === -6', null],
  ['(1 | 2 & 3 ^ 4) === 7', null],
  ['(1 | 2 === 2) === 1', null],
  ['1 << 31 === -2147483648 && 1 << 32 === 1 && -1 >>> 0 === 4294967295 && -8 >> 1 === -4 && -8 >>> 28 === 15', null],
  ['(data.flags & 4) !== 0', { flags: 6 }],
  ['(data.flags & 4) !== 0', { flags: 3 }],
  ['(2 ** 53 | 0) === 0 && (1.9 | 0) === 1 && (-1.9 | 0) === -1 && ~~"12" === 12', null],
  ["(data.x | 0) === 0 && ~data.x === -1 && ('a' & 1) === 0", { x: 'abc' }],
  ['1 + 2 << 1 === 6 && 1 < 2 << 1', null],
  // void, NaN, Infinity
  ['void 0 === undefined && void data.x === undefined', { x: 1 }],
  ['void data.missing.x === undefined', {}],
  ['NaN !== NaN && typeof NaN === "number" && data.n !== data.n', { n: 'x' }],
  ['Infinity > 1e308 && -Infinity < -1e308 && 1 / 0 === Infinity', null],
  ['data.n < Infinity', { n: 5 }],
  ['data.NaN === 1 && data.Infinity === 2', { NaN: 1, Infinity: 2 }],
  // object literals: own properties, a later key wins, computed keys, shorthand
  ['({ a: 1, b: 2 }).b === 2', null],
  ["({ a: 1, 'b c': 2, 3: 'x', [$id]: 4 })[data.k] === 4", { k: 'x' }],
  ["({ admin: true, owner: true })[data.role] === true", { role: 'owner' }],
  ["({ admin: true, owner: true })[data.role] === true", { role: 'guest' }],
  ['({ a: 1, a: 2 }).a === 2 && ({ 1e3: 1 })[1000] === 1', null],
  ["({ $id, name }).$id === 'x' && ({ name }).name === 'e/x'", null],
  ["'a' in { a: undefined } && !('b' in { a: 1 })", null],
  ["!('undefined' in { a: 1 }) && !('undefined' in {})", null],
  ["({ [/a+/]: 1 })['/a+/'] === 1", null],
  ["({}) + '' === '[object Object]' && typeof {} === 'object' && ({}) !== ({})", null],
  ["`${{}}` === '[object Object]'", null],
  ['({ a: data.x }).a.y === 1', { x: { y: 1 } }],
  ["({ new: 1, true: 2, typeof: 3 }).typeof === 3", null],
  // \c control escapes, the v flag where it means what u means
  ["data.s.match(/^\\cJ\\ca$/) !== null", { s: '\n\u0001' }],
  ["data.s.match(/^[\\c1\\c_]+$/) !== null", { s: '\u0011\u001f' }],
  ["data.s.match(/^\\c1$/) !== null", { s: '\\c1' }],
  ["data.s.match(/^\\c$/) !== null", { s: '\\c' }],
  ["data.s.match(/^\\p{L}+$/v) !== null", { s: 'héllo' }],
  ["data.s.match(/^[a-z\\d]+$/v) !== null", { s: 'abc1' }],
  ["data.s.match(/^[\\&\\-]$/v) !== null", { s: '&' }],
  // an undeclared `$variable`: a ReferenceError where it is read
  ['$nope === 1', null],
  ['true || $nope', null],
  ["typeof $nope === 'undefined'", null],
  ['data.x === 1 && $nope', { x: 2 }],
  // an invalid `match` string: an error when the call runs
  ["data.s.match('[') !== null", { s: 'a' }],
  ["data.s === 'b' || data.s.match('(') !== null", { s: 'b' }],
];

describe('constructs upstream loads decide as JavaScript decides them', () => {
  for (const [rule, data] of CASES) {
    const expected = javascript(rule, data);
    it(`${rule} on ${JSON.stringify(data)} → ${expected}`, async () => {
      const { compiled, interpreted } = await decide(rule, data);
      for (const d of [compiled, interpreted]) {
        expect(d.allowed, JSON.stringify(d.reason)).toBe(expected === 'allow');
        if (expected === 'error') expect(d.reason.code).toBe('VLV0901');
        else expect(d.error).toBeUndefined();
      }
    });
  }
});

describe('what upstream loads but throws on: a warning with its position, and a deny with a reason', () => {
  it('an undeclared `$variable` is VLV0313 at its line:column, and reading it denies naming it', async () => {
    const { diagnostics, compiled } = await decide("data.ok && $userId === 'x'", { ok: true });
    const d = diagnostics.find((x) => x.code === 'VLV0313')!;
    expect(d).toMatchObject({ severity: 'warning', start: { line: 6, column: 26 } });
    expect(d.message).toBe('`$userId` is not a variable of pattern `e/$id` (its variables are $id); a check that reads it denies with an error');
    expect(compiled).toMatchObject({ allowed: false, reason: { code: 'VLV0901', message: 'rule failed: `$userId` is not a variable of this rule\'s pattern' } });
  });

  it('an invalid `match` string is VLV0314, and calling that `match` denies with the reason', async () => {
    const { diagnostics, compiled } = await decide("data.s.match('[a-') !== null", { s: 'a' });
    const d = diagnostics.find((x) => x.code === 'VLV0314')!;
    expect(d).toMatchObject({ severity: 'warning', start: { line: 6, column: 28 } });
    expect(d.message).toBe("`'[a-'` is not a valid regular expression (unterminated character class); a check that calls this `match` denies with an error");
    expect(compiled).toMatchObject({ allowed: false, reason: { code: 'VLV0901', message: 'rule failed: invalid regular expression /[a-/: unterminated character class' } });
  });
});

describe('what JavaScript itself refuses stays a load error, as upstream refuses the file', () => {
  it.each([
    ['-2 ** 2 === 4', 'VLV0201'],
    ['typeof data ** 2', 'VLV0201'],
    ['data.s.match(/[(]/v) !== null', 'VLV0204'],
    ['data.s.match(/a/uv) !== null', 'VLV0204'],
    ['data.s.match(/\\c1/u) !== null', 'VLV0204'],
  ])('%s → %s', (rule, code) => {
    expect(javascript(rule, { s: 'a' })).toBe('error');
    const { diagnostics, module } = compile(file('e/$id', rule));
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(code);
    expect(module).toBeUndefined();
  });
});
