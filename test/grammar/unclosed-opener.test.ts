/** An unclosed `(` (or `[`, `{`) is reported where the closer was due and, as a related location, at the opener. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { formatText } from '../../grammar/index.js';
import { formatGithub } from '../../cli/formats/github.js';

const SECTIONS = 'event:\n  "*":\n    publish: true\nrpc:\n  "*":\n    request: true\npresence:\n  "*":\n    allow: true\n';
const file = (rule: string): string => `record:\n  "*":\n    read: ${JSON.stringify(rule)}\n${SECTIONS}`;
const unclosed = (rule: string) => compile(file(rule), { file: 'r.yml' }).diagnostics.filter((d) => d.code === 'VLV0201');

describe('unclosed brackets point at the opener', () => {
  it('the outer `(` when the inner one is closed, with its file position', () => {
    const [d] = unclosed("(user.id === 'a' && (user.data.x || user.data.y)");
    expect(d.message).toBe('expected `)` but found the end of the rule');
    expect(d.related).toEqual([{ message: 'the `(` that is not closed', start: expect.objectContaining({ line: 3, column: 12 }), end: expect.objectContaining({ line: 3, column: 13 }) }]);
  });

  it('the innermost open `(` when a `]` comes first', () => {
    const [d] = unclosed('[1, (2].includes(3)');
    expect(d.related?.map((r) => r.start.column)).toEqual([16]);
  });

  it('no related location for other parse errors', () => {
    expect(unclosed('user.id ===')[0].related).toBeUndefined();
  });

  it('text and GitHub output show the opener', () => {
    const text = file('(a.b');
    const [d] = unclosed('(a.b');
    const shown = formatText(d, text, { color: false }).split('\n');
    expect(shown.slice(3, 6)).toEqual(['  r.yml:3:12: the `(` that is not closed', '3 |     read: "(a.b"', '  |            ^']);
    expect(formatGithub(d, process.cwd())).toContain('%0A3:12: the `(` that is not closed');
  });
});
