/** The playground's text helper (playground/dom.ts): file text shown on the page is escaped (issue #13, item 10). */
import { describe, expect, it } from 'vitest';
import { shown } from '../../playground/dom.js';

describe('playground shown()', () => {
  it('escapes control and bidi characters and keeps line breaks for <pre> blocks', () => {
    expect(shown('pattern `a\u001b]0;x\u0007` and \u202eevil')).toBe('pattern `a\\x1b]0;x\\x07` and \\u202eevil');
    expect(shown('oldData.a &&\n  \u2066user.id\u2069')).toBe('oldData.a &&\n  \\u2066user.id\\u2069');
  });

  it('returns plain text unchanged', () => {
    expect(shown('No problems')).toBe('No problems');
  });
});
