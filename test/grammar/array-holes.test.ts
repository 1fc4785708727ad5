import { describe, expect, it } from 'vitest';
import { compile, parseExpression, print } from '../../index.js';
import type { Expr } from '../../grammar/ast.js';
import { RuleSet } from '../../engine/check.js';
import { interpretedRules } from '../../tooling/interpret.js';

/** `[1,,2]` has an empty slot, as in JavaScript (and deepstream): `indexOf` skips it, `includes` sees undefined. */
describe('holes in array literals', () => {
  it.each(['[1, , 2]', '[,]', '[1, ,]', '[, , 3]'])('print keeps `%s` with its holes (round trip)', (text) => {
    const parse = (t: string): Expr => parseExpression(t, () => expect.unreachable(`a diagnostic for ${t}`));
    const first = parse(text);
    expect(print(first)).toBe(text);
    const shape = (e: Expr): unknown => (e.kind === 'array' ? e.elements.map((x) => (x.kind === 'literal' && x.hole ? 'hole' : x.kind)) : e.kind);
    expect(shape(parse(print(first)))).toEqual(shape(first));
    expect(shape(first)).toContain('hole');
  });

  const RULES: readonly [string, boolean][] = [
    ['[1,,2].indexOf(undefined) === -1', true],
    ['[1,,2].includes(undefined)', true],
    ['[1,,2].length === 3 && [,].length === 1 && [1,,].length === 2', true],
    ["'' + [1,,2] === '1,,2'", true],
    ['[1,undefined,2].indexOf(undefined) === 1', true],
  ];
  it.each(RULES)('compiled and interpreted agree: %s', async (rule, expected) => {
    const { module } = compile(`record:\n  "*": { read: true }\nevent:\n  "*":\n    publish: ${JSON.stringify(rule)}\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n`);
    const request = { type: 'event', action: 'publish', name: 'e', data: {} } as const;
    expect((await module!.check(request)).allowed).toBe(expected);
    const interpreted = new RuleSet('x', interpretedRules(module!.program.rules), { quick: false });
    expect((await interpreted.check(request)).allowed).toBe(expected);
  });
});
