/**
 * Open findings: disagreements with upstream that no section 7 row covers, each pinned by a
 * corpus case that fails until the engine (or the spec) is changed. The generated run counts a
 * difference matching one of these as "known" instead of failing on it again, so it keeps
 * looking for new ones. Remove an entry once its corpus case passes.
 */
import type { Comparison } from './compare.js';

export interface OpenFinding {
  readonly id: string;
  /** The corpus case that shows it (fails until fixed). */
  readonly corpus: string;
  readonly summary: string;
  readonly matches: (c: Comparison) => boolean;
}

export const OPEN_FINDINGS: readonly OpenFinding[] = [
  {
    id: 'presence-all-variables',
    corpus: '(generated) presence QUERY_ALL decided by a `$variable` pattern',
    summary: 'a presence query of all users meets patterns as the text "undefined" in both engines, but when a `$variable` pattern wins, upstream denies where our rule, seeing `$id` = "undefined", may allow; not yet pinned down',
    matches: (c) => (c.check.flow.message === 'QUERY_ALL' || c.check.flow.message === 'SUBSCRIBE_ALL') && (c.ours?.steps ?? []).some((s) => (s.decision?.pattern ?? '').includes('$')),
  },
];

export function knownFinding(c: Comparison): OpenFinding | undefined {
  return OPEN_FINDINGS.find((f) => f.matches(c));
}
