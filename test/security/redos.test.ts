/**
 * Regular expressions run on a linear-time engine (re2js) with a bounded amount of work: classic
 * ReDoS patterns on 100 kB inputs are decided (denied: no match) or refused by maxRegexWork;
 * features that need backtracking and huge programs are rejected when the rules load; a pattern
 * taken from data is a compile error. Timing is measured in bench/redos.ts, not asserted here.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/rules-module.js';
import type { Decision } from '../../engine/check.js';
import { permissionsFile } from './helpers.js';
import { REDOS, REFUSED } from './redos-patterns.js';

const decide = async (rule: string, data: unknown, limits?: { maxRegexWork?: number }): Promise<Decision> => {
  const { diagnostics, module } = compile(permissionsFile(rule));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return module!.check({ type: 'record', action: 'write', name: 'r/x', user: { id: 'mallory' }, data, oldData: {} }, limits ? { limits } : {});
};

describe('classic ReDoS patterns on 100 kB inputs', () => {
  it.each(REDOS.map((r) => [r.name, r] as const))('%s: decided, and denied', async (_name, r) => {
    expect(r.input.length).toBeGreaterThanOrEqual(100_000);
    const d = await decide(`data.s.match(${r.literal}) !== null`, { s: r.input });
    expect(d.allowed).toBe(false);
    // Either the match ran to the end and found nothing, or it was refused as too much work.
    expect(['VLV0906', 'VLV0911']).toContain(d.reason.code);
  });

  it('the same patterns given as string literals are compiled the same way', async () => {
    const d = await decide("data.s.match('^(a+)+$') !== null", { s: `${'a'.repeat(100_000)}!` });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0906' } });
  });

  it('ordinary inputs still match', async () => {
    for (const [literal, s] of [['/^(a+)+$/', 'aaaa'], ['/^(\\w+\\s?)*$/', 'ab cd'], ['/^"(\\\\.|[^"\\\\])*"$/', '"a\\"b"']] as const) {
      expect((await decide(`data.s.match(${literal}) !== null`, { s })).allowed).toBe(true);
    }
  });

  it('maxRegexWork (input length × program size) refuses a match without running it', async () => {
    const d = await decide('data.s.match(/^(a+)+$/) === null', { s: 'a'.repeat(1000) }, { maxRegexWork: 5000 });
    expect(d).toMatchObject({ allowed: false, reason: { code: 'VLV0911' } });
    expect(d.reason.message).toContain('maxRegexWork');
    expect((await decide('data.s.match(/^(a+)+$/) === null', { s: 'a'.repeat(100) }, { maxRegexWork: 5000 })).allowed).toBe(false);
  });
});

describe('patterns refused when the rules load', () => {
  it.each(REFUSED.map((r) => [r.literal, r] as const))('%s (%s)', (_literal, r) => {
    const { diagnostics, module } = compile(permissionsFile(`data.s.match(${r.literal}) !== null`));
    expect(module).toBeUndefined();
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(r.code);
  });

  it('a pattern from data is a compile error (VLV0310)', () => {
    for (const rule of ['data.s.match(data.pattern) !== null', "data.s.match('^' + data.p) !== null", 'data.s.match(`${data.p}`) !== null']) {
      const { diagnostics } = compile(permissionsFile(rule));
      expect(diagnostics.map((d) => d.code)).toContain('VLV0310');
    }
  });

  it('maxRegexSize is an option of the compiler', () => {
    const text = permissionsFile('data.s.match(/^[a-z]{3,16}$/) !== null');
    expect(compile(text).module).toBeDefined();
    const { diagnostics } = compile(text, { limits: { maxRegexSize: 10 } });
    expect(diagnostics.find((d) => d.code === 'VLV0706')?.message).toMatch(/compiles to \d+ instructions, more than the limit of 10 \(maxRegexSize\)/);
  });
});
