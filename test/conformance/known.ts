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
  // patch-of-non-object-record (a PATCH of a record stored as a string, number or boolean under a
  // rule that does not read `data`) was fixed: pinned in cases/24-generated-values.yml.
  // presence-all-variables (a query of all users under a `$variable` pattern) was fixed: upstream
  // reads `$variables` only from a given name; pinned in cases/19-generated-regressions.yml.
];

export function knownFinding(c: Comparison): OpenFinding | undefined {
  return OPEN_FINDINGS.find((f) => f.matches(c));
}
