/**
 * Hand-written conformance corpus (cases/*.yml): every check runs through deepstream 7.0.2's own
 * Valve and through ours (compare.ts); allow/deny must agree, or the case carries the section 7
 * row the difference falls under (and the classifier must agree with that tag).
 */
import { describe, expect, it } from 'vitest';
import { loadCorpus, loadLoadCorpus } from './cases.js';
import { compareCheck, describeComparison } from './compare.js';
import { ROW_IDS } from './rows.js';

const checks = loadCorpus();
const features = [...new Set(checks.map((c) => c.feature))];

describe('conformance corpus', () => {
  it('has at least 300 hand-written checks', () => {
    expect(checks.length).toBeGreaterThanOrEqual(300);
  });

  it('shows every section 7 row at least once (decision or load-time case)', () => {
    const tagged = new Set([...checks.map((c) => c.tag), ...loadLoadCorpus().map((c) => c.tag)]);
    expect(ROW_IDS.filter((r) => !tagged.has(r) && r !== 'fixed/invalid-file')).toEqual([]);
  });

  for (const feature of features) {
    describe(feature, () => {
      for (const check of checks.filter((c) => c.feature === feature)) {
        it(check.id.replace(/^[^›]*› /, ''), async () => {
          const c = await compareCheck(check);
          expect(c.problems, describeComparison(c)).toEqual([]);
        });
      }
    });
  }
});
