/**
 * Regular-expression syntax in path patterns (VLV0118) and the lone `.` (VLV0112): what is
 * reported where, with which hint, that `${NAME}` is never taken for syntax, and that a suggested
 * replacement covers exactly the names deepstream's RegExp covered (where the rewrite is exact).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { parsePattern, planOf } from '../../grammar/pattern.js';
import { scanRegexSyntax } from '../../grammar/pattern-regex.js';
import { hintOf } from '../../grammar/messages.js';

interface Reported {
  code: string;
  text: string;
  hint?: string;
}

function report(pattern: string): { reported: Reported[]; ok: boolean } {
  const reported: Reported[] = [];
  const ok = parsePattern(pattern, (code, where, params) => {
    const hint = hintOf(code, params);
    reported.push({ code, text: pattern.slice(where.start, where.end), ...(hint === undefined ? {} : { hint }) });
  }) !== undefined;
  return { reported, ok };
}

const file = (patterns: string): string =>
  `record:\n  "*":\n    read: true\n${patterns}event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n`;

/** The RegExp deepstream 7 builds from a pattern (services/permission/valve/path-parser.js). */
const upstreamRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/(\$[a-zA-Z0-9]+)/g, '([^/]+)')}$`);

describe('regular-expression syntax in a path pattern is an error (VLV0118)', () => {
  it.each([
    // pattern, the underlined text, a piece of the hint
    ['postits/.*', '.*', 'write `postits/*`'],
    ['YourUserTable/.*', '.*', 'write `YourUserTable/*`'],
    ['chat/.+/$id', '.+', 'write `chat/*/$id`'],
    ['x/(y|z)', '(y|z)', '`x/y`, `x/z`'],
    ['a|b', '|', '`a*`, `*b`'],
    ['colou?r', 'u?', '`color`, `colour`'],
    ['[abc]/$id', '[abc]', '`a/$id`, `b/$id`, `c/$id`'],
    ['n/[0-9]+', '[0-9]+', 'a class is one character'],
    ['a+', 'a+', 'say what is meant: `a*`'],
    ['^users/$id', '^', 'write `users/$id`'],
    ['a^b', '^', 'remove the `^`'],
    ['a{2}/x', 'a{2}', 'write `aa/x`'],
    ['\\.env', '\\.', 'write `.env`'],
    ['a\\d', '\\d', 'a Valve pattern is not a regular expression'],
    ['a\\', '\\', 'remove the `\\`'],
    ['a/(b', '(b', 'remove the `(`'],
    ['a/[b', '[b', 'remove the `[`'],
    ['x)', ')', 'remove the `)`'],
    ['+a', '+', 'write `a`'],
    ['*+', '*+', 'write `*`'],
    ['x/(?=a)', '(?=a)', 'a Valve pattern is not a regular expression'],
  ])('%s: `%s`', (pattern, text, hint) => {
    const { reported, ok } = report(pattern);
    expect(ok).toBe(false);
    const errors = reported.filter((r) => r.code === 'VLV0118');
    expect(errors.map((r) => r.text)).toEqual([text]);
    expect(errors[0].hint).toContain(hint);
  });

  it.each([
    // pattern, the text warned about, a piece of the hint
    ['user/{id}', '{id}', 'written `$id`'],
    ['a]', ']', 'nothing to change'],
    ['a}', '}', 'nothing to change'],
    ['a{', '{', 'nothing to change'],
    ['x{,2}', '{,2}', 'nothing to change'],
  ])('%s: `%s` is literal to deepstream too: a warning (VLV0120), and the pattern loads', (pattern, text, hint) => {
    const { reported, ok } = report(pattern);
    expect(ok).toBe(true);
    expect(reported.map((r) => [r.code, r.text])).toEqual([['VLV0120', text]]);
    expect(reported[0].hint).toContain(hint);
    // deepstream's RegExp matches the text itself, and only it, as our literal reading does
    expect(upstreamRegExp(pattern).test(pattern)).toBe(true);
    expect(upstreamRegExp(pattern).test(pattern.replace(text, 'x'))).toBe(false);
  });

  it('reports each piece once, with one shared Valve form', () => {
    const { reported } = report('u/(a|b)/(c|d)');
    expect(reported.map((r) => [r.code, r.text])).toEqual([['VLV0118', '(a|b)'], ['VLV0118', '(c|d)']]);
    for (const r of reported) expect(r.hint).toContain('`u/a/c`, `u/a/d`, `u/b/c`, `u/b/d`');
  });

  it('offers no form that is not a pattern of its own (too many names, empty, a repeated variable)', () => {
    expect(report('[a-z]/x').reported[0].hint).not.toContain('write');
    expect(report('^').reported[0].hint).toBe('remove the `^`');
    expect(report('$a/(x|$a)').reported.some((r) => r.hint?.startsWith('write'))).toBe(false);
  });

  it('positions the error in the file, on the offending characters', () => {
    const { diagnostics, module } = compile(file('  "postits/.*":\n    write: "data.owner === user.id"\n'));
    expect(module).toBeUndefined();
    const d = diagnostics.find((x) => x.code === 'VLV0118')!;
    expect([d.severity, d.start.line, d.start.column, d.end.column]).toEqual(['error', 4, 12, 14]);
    expect(d.message).toBe('`.*` in a path pattern is regular-expression syntax: deepstream reads it as any run of characters; a Valve pattern has no such syntax');
  });
});

describe('what is not regular-expression syntax', () => {
  it('a lone `.` is literal, with a warning (VLV0112)', () => {
    for (const pattern of ['a.c', 'files/*.json', 'x.y/$id']) {
      const { reported, ok } = report(pattern);
      expect(ok, pattern).toBe(true);
      expect(reported.map((r) => [r.code, r.text])).toEqual([['VLV0112', '.']]);
    }
  });

  it('`${NAME}` is environment substitution: VLV0109 without substitution, nothing with it', () => {
    const text = file('  "${TENANT}/$doc":\n    read: "$doc !== \'\'"\n  "${A.B+C}/x":\n    read: false\n');
    const off = compile(text);
    expect(off.diagnostics.map((d) => d.code).sort()).toEqual(['VLV0109', 'VLV0109']);
    const on = compile(text, { env: { TENANT: 'acme', 'A.B+C': 'b' } });
    expect(on.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(on.module!.program.rules.map((r) => r.pattern)).toContain('acme/$doc');
  });

  it('regex syntax next to `${NAME}` is still an error, and its hint keeps the `${NAME}`', () => {
    const { diagnostics } = compile(file('  "${TENANT}/.*":\n    read: false\n'), { env: { TENANT: 'acme' } });
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.hint])).toEqual([['VLV0118', 'write `${TENANT}/*` (a Valve `*` matches any run of characters)']]);
  });

  it('`*`, `$name`, a final `$` and other punctuation are not', () => {
    for (const pattern of ['a/*/$id', 'x-y_z/$a1', '100%/*', 'a/$', 'a,b;c:d=e@f!g~h']) {
      expect(scanRegexSyntax(pattern).syntax, pattern).toEqual([]);
    }
  });
});

describe('a suggested replacement covers the names deepstream covered', () => {
  // Rewrites that are exact (alternatives, optional pieces, small classes, anchors, escapes,
  // counted repetition); `.*` → `*` is not (deepstream's `..*` needs one character more).
  const EXACT = ['x/(y|z)', 'a|b/c', 'colou?r', '[abc]/$id', '^users/$id', 'a{2}/x', 'a{1,3}', '\\.env', 'u/(a|b)/(c|d)', 'p(ost)?s/$id', '(?:a|bc)[xy]'];
  const names = fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'y', 'z', '/', '.', 'env', 'users', 'o', 'u', 'r', 'col', 'post', 's', 'p', 'ost'), { maxLength: 6 }).map((p) => p.join(''));

  it.each(EXACT)('%s', (pattern) => {
    const forms = scanRegexSyntax(pattern).forms;
    expect(forms, pattern).toBeDefined();
    const upstream = upstreamRegExp(pattern);
    const plans = forms!.map((f) => {
      const parsed = parsePattern(f, () => undefined);
      expect(parsed, f).toBeDefined();
      return planOf(parsed!.parts);
    });
    fc.assert(fc.property(names, (name) => upstream.test(name) === plans.some((p) => p.matches(name))), { numRuns: 2000 });
  });
});
