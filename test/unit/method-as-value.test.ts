/**
 * STRICTER 7 (issue 19): a string or array method read without a call (`name.trim.length`) is 0
 * in deepstream (the function's length) and an error here; VLV0160 says so at load time, with
 * the call as the hint, instead of leaving only a run-time "can not read `length` of `undefined`".
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';

const file = (rule: string): string =>
  `record:\n  "*":\n    read: ${JSON.stringify(rule)}\nevent:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;
const codes = (rule: string) => compile(file(rule), { file: 'p.yml' }).diagnostics.filter((d) => d.code === 'VLV0160');

describe('VLV0160: a method read as a value', () => {
  it('names the method and gives the call as the hint', () => {
    const [d] = codes('name.trim.length === 0');
    expect(d?.message).toBe('`name.trim` is a method, which a rule can only call: read as a value it is undefined here (deepstream reads the function)');
    expect(d?.hint).toBe('call it: `name.trim(…)`');
  });

  it('covers array methods on arrays and string methods on strings only', () => {
    expect(codes("['a'].includes === undefined")).toHaveLength(1);
    expect(codes("name.toUpperCase === undefined")).toHaveLength(1);
    // `trim` is no array method: an array has no such member in JavaScript either
    expect(codes("['a'].trim === undefined")).toHaveLength(0);
  });

  it('leaves calls, unknown values and own properties alone', () => {
    expect(codes("name.trim() === name && name.startsWith('a')")).toHaveLength(0);
    expect(codes('_(name).trim === 1')).toHaveLength(0);
    expect(codes('oldData.trim === 1')).toHaveLength(0);
  });
});
