/**
 * The classic traps of rule refactoring (issue 15): each pair's exact verdict, and every example
 * reproduced on the real engine here, independently of the analysis' own replay.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { diffRules, releaseSolver, type DiffReport } from '../../analysis/index.js';
import { modelBugs } from '../../analysis/diff.js';
import { compile } from '../../engine/index.js';
import { parseRequest, storedLoader } from '../../tooling/index.js';

/** A rules file: `record` patterns as given (each `pattern: { action: rule }`), the other sections closed. */
function rules(record: Record<string, Record<string, string | boolean>>): string {
  const lines = ['record:'];
  for (const [pattern, actions] of Object.entries({ '*': {}, ...record })) {
    if (pattern === '*') {
      lines.push('  "*":', '    listen: false');
      for (const [action, rule] of Object.entries(actions)) lines.push(`    ${action}: ${JSON.stringify(rule)}`);
      continue;
    }
    lines.push(`  ${JSON.stringify(pattern)}:`);
    for (const [action, rule] of Object.entries(actions)) lines.push(`    ${action}: ${JSON.stringify(rule)}`);
  }
  lines.push('event:', '  "*":', '    publish: false', 'rpc:', '  "*":', '    request: false', 'presence:', '  "*":', '    allow: false', '');
  return lines.join('\n');
}

const write = (rule: string, pattern = 'doc/$id'): string => rules({ [pattern]: { write: rule } });

async function diff(oldText: string, newText: string): Promise<DiffReport> {
  const result = await diffRules({ text: oldText, file: 'old.yml' }, { text: newText, file: 'new.yml' });
  if ('errors' in result) throw new Error(result.errors.map((d) => d.message).join('; '));
  await expectReproduced(result.report, oldText, newText);
  return result.report;
}

/** Every example: the engine on OLD and on NEW decides as the direction says. */
async function expectReproduced(report: DiffReport, oldText: string, newText: string): Promise<void> {
  const [a, b] = [compile(oldText, { file: 'old.yml' }).module!, compile(newText, { file: 'new.yml' }).module!];
  for (const c of report.changes) {
    const { request } = parseRequest(JSON.stringify(c.example.request), 'example');
    expect(request, JSON.stringify(c.example.request)).toBeDefined();
    const loader = storedLoader(request!, new Map(Object.entries(c.example.records)));
    const [before, after] = [await a.check(request!, { loadRecord: loader }), await b.check(request!, { loadRecord: loader })];
    expect([before.allowed, after.allowed], JSON.stringify(c.example)).toEqual(c.direction === 'allows-more' ? [false, true] : [true, false]);
  }
}

const verdict = (r: DiffReport): string[] => [...r.changes.map((c) => `${c.section} ${c.action} ${c.direction}`), ...r.unknown.map((u) => `${u.section} ${u.action} unknown`)].sort();

afterAll(async () => {
  // A strict example (no inexact site on its path) that the engine did not reproduce is a model bug.
  expect(modelBugs).toEqual([]);
  await releaseSolver();
});

describe('valve diff: the classic traps', { timeout: 120_000 }, () => {
  it('commuted && over comparisons is equivalent under error-is-deny', async () => {
    const r = await diff(write('data.x === 1 && data.y.z === 2'), write('data.y.z === 2 && data.x === 1'));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('commuted && over a non-boolean operand is not: `1 && true` is true, `true && 1` is 1', async () => {
    const r = await diff(write('data.a && data.b === 1'), write('data.b === 1 && data.a'));
    expect(verdict(r)).toEqual(['record write allows-less']);
  });

  it('commuted || with an operand that throws is not equivalent', async () => {
    const r = await diff(write("user.id === 'alice' || data.x.y === 1"), write("data.x.y === 1 || user.id === 'alice'"));
    expect(verdict(r)).toEqual(['record write allows-less']);
    expect(r.changes[0].example.request.user).toEqual({ id: 'alice' });
  });

  it('De Morgan over comparisons is wrong where undefined and NaN make both sides false', async () => {
    const r = await diff(write('!(data.x < 5 || data.x > 10)'), write('data.x >= 5 && data.x <= 10'));
    expect(verdict(r)).toEqual(['record write allows-less']);
  });

  it('!(x > n) is not x <= n', async () => {
    const r = await diff(write('!(data.x > 10)'), write('data.x <= 10'));
    expect(verdict(r)).toEqual(['record write allows-less']);
  });

  it('< vs <= differ exactly at the boundary', async () => {
    const r = await diff(write('data.n < 10'), write('data.n <= 10'));
    expect(verdict(r)).toEqual(['record write allows-more']);
    expect(r.changes[0].example.request.data).toEqual({ n: 10 });
  });

  it('a renamed $variable is equivalent', async () => {
    const r = await diff(write('$id === user.id', 'doc/$id'), write('$di === user.id', 'doc/$di'));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('a new pattern takes names from `*`', async () => {
    const r = await diff(rules({ '*': { write: 'user.isAuthenticated' } }), rules({ '*': { write: 'user.isAuthenticated' }, 'admin/*': { write: false } }));
    expect(verdict(r)).toEqual(['record write allows-less']);
    const c = r.changes[0];
    expect(c.old?.pattern).toBe('*');
    expect(c.new?.pattern).toBe('admin/*');
    expect(String(c.example.request.record)).toMatch(/^admin\//);
  });

  it('a longer pattern that does not define the action leaves it to the shorter one', async () => {
    const r = await diff(rules({ '*': { write: 'user.isAuthenticated' } }), rules({ '*': { write: 'user.isAuthenticated' }, 'admin/*': { read: false } }));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('`_()` of a missing record is null: reading a property of it denies, testing it first does not change that', async () => {
    const r = await diff(write("_('team/' + $id).owner === user.id"), write("_('team/' + $id) !== null && _('team/' + $id).owner === user.id"));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('letting a missing record through allows more, with an example without that record', async () => {
    const r = await diff(write("_('team/' + $id).open === true"), write("_('team/' + $id) === null || _('team/' + $id).open === true"));
    expect(verdict(r)).toEqual(['record write allows-more']);
    const c = r.changes[0];
    expect(Object.keys(c.example.records).filter((k) => k.startsWith('team/'))).toEqual([]);
  });

  it('user.isAuthenticated && user.id === "open" never allows: equivalent to false', async () => {
    const r = await diff(write("user.isAuthenticated && user.id === 'open'"), write(false as unknown as string));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('a regular expression change: a Z3 regex where it translates exactly, with the name it differs on', async () => {
    const r = await diff(write('data.s.match(/^a+$/) !== null'), write('data.s.match(/^a*$/) !== null'));
    expect(verdict(r)).toEqual(['record write allows-more']);
    expect(r.changes[0].example.request.data).toEqual({ s: '' });
  });

  it('identical files are equivalent without asking the solver', async () => {
    const text = write('data.x === 1');
    expect(await diff(text, text)).toEqual({ equivalent: true, changes: [], unknown: [] });
  });
});

describe('valve diff: what the encoding makes exact', { timeout: 120_000 }, () => {
  it('a regex that does not translate exactly is unknown with the reason', async () => {
    const r = await diff(write('data.s.match(/\\bab/) !== null'), write('data.s.match(/\\b(?:ab)/) !== null'));
    expect(r.changes).toEqual([]);
    expect(r.unknown.length).toBeGreaterThan(0);
    for (const u of r.unknown) expect(u.reason).toMatch(/`\\b` inside a pattern is not encoded/);
  });

  it('trim is exact: `s.trim() === "a"` lets white space around the `a` through', async () => {
    const r = await diff(write("data.s === 'a'"), write("data.s.trim() === 'a'"));
    expect(verdict(r)).toEqual(['record write allows-more']);
    const s = (r.changes[0].example.request.data as { s: string }).s;
    expect(s !== 'a' && s.trim() === 'a').toBe(true);
  });

  it('toLowerCase of a string with no upper-case letter is itself', async () => {
    const r = await diff(write("data.s === 'abc'"), write("data.s.toLowerCase() === data.s && data.s === 'abc'"));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
  });

  it('includes and indexOf on an array literal are === / SameValueZero searches', async () => {
    const r = await diff(write("['a', 'b'].includes(data.k)"), write("data.k === 'a' || data.k === 'b'"));
    expect(r).toEqual({ equivalent: true, changes: [], unknown: [] });
    const i = await diff(write("['LOW', 'NORMAL', 'HIGH'].indexOf(data.p) >= 1"), write("data.p === 'NORMAL' || data.p === 'HIGH'"));
    expect(i).toEqual({ equivalent: true, changes: [], unknown: [] });
    const c = await diff(write("['LOW', 'HIGH'].includes(data.p)"), write("['LOW', 'NORMAL', 'HIGH'].includes(data.p)"));
    expect(verdict(c)).toEqual(['record write allows-more']);
    expect(c.changes[0].example.request.data).toEqual({ p: 'NORMAL' });
  });

  it('arithmetic on numbers: `n - 1 < 10` lets 10 through, `n * 2 >= 10` lets 5 through', async () => {
    // The other direction has no example, but numbers outside the safe integers are not encoded: unknown.
    const r = await diff(write('data.n < 10'), write('data.n - 1 < 10'));
    expect(verdict(r)).toEqual(['record write allows-more', 'record write unknown']);
    expect(r.unknown[0].reason).toMatch(/`data\.n - 1`: `-` on these kinds of value is not encoded yet/);
    const n = (r.changes[0].example.request.data as { n: number }).n;
    expect(n >= 10 && n < 11).toBe(true);
    const m = await diff(write('data.n * 2 > 10'), write('data.n * 2 >= 10'));
    expect(verdict(m)).toEqual(['record write allows-more']);
    expect(m.changes[0].example.request.data).toEqual({ n: 5 });
  });

  it('`+` adds safe integers', async () => {
    const r = await diff(write('data.n + 1 > 10'), write('data.n + 1 >= 10'));
    expect(verdict(r)).toEqual(['record write allows-more']);
    expect(r.changes[0].example.request.data).toEqual({ n: 9 });
  });

  it('length, startsWith, endsWith and includes of strings', async () => {
    const r = await diff(write("data.s.startsWith('ab')"), write("data.s.startsWith('a') && data.s.length >= 2 && !data.s.endsWith('x')"));
    expect(verdict(r)).toEqual(['record write allows-less', 'record write allows-more']);
    const [more, less] = ['allows-more', 'allows-less'].map((d) => (r.changes.find((c) => c.direction === d)!.example.request.data as { s: string }).s);
    expect(more.startsWith('a') && !more.startsWith('ab') && more.length >= 2).toBe(true);
    expect(less.startsWith('ab') && less.endsWith('x')).toBe(true);
  });
});
