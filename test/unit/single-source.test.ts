/** Facts of the toolchain that are declared once and imported everywhere else (issue 18, item 4). */
import { describe, expect, it } from 'vitest';
import { written } from './sources.js';

describe('declared once', () => {
  it('the anonymous user id is ANONYMOUS_ID (compiler/scope.ts), not a literal', () => {
    // floor.ts transcribes the example rules by hand, which compare with 'open' themselves;
    // bench/lib/deepstream.ts mirrors deepstream's own socket wrapper; assist.ts's doc text shows it.
    expect(written(/['"]open['"]/, ['compiler/scope.ts', 'bench/lib/floor.ts', 'bench/lib/deepstream.ts', 'playground/assist.ts'])).toEqual([]);
  });
});
