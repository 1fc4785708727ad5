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

const isObject = (v: unknown): boolean => v !== null && typeof v === 'object';

export const OPEN_FINDINGS: readonly OpenFinding[] = [
  {
    id: 'patch-of-non-object-record',
    corpus: 'cases/24-generated-values.yml › a patch of a record stored as a string, under a rule that does not read data',
    summary: 'a PATCH of a record stored as a string, number or boolean, under a rule that does not read `data`: upstream allows (it only applies the patch for a rule that reads `data`, and then crashes: GAP 1); we deny with VLV0908 "invalid patch path" although the path is valid (runtime/patch.ts applyPatch throws for a non-object root, runtime/evaluate.ts patched() turns that into VLV0908 before looking at whether the rule reads data)',
    matches: (c) => {
      const name = c.check.message.name;
      const stored = name === undefined ? undefined : c.check.records.get(name);
      return c.upstream?.allowed === true && c.ours?.allowed === false && stored !== undefined && stored !== null && !isObject(stored) &&
        (c.ours.steps.some((s) => s.decision?.reason.code === 'VLV0908'));
    },
  },
  // presence-all-variables (a query of all users under a `$variable` pattern) was fixed: upstream
  // reads `$variables` only from a given name; pinned in cases/19-generated-regressions.yml.
];

export function knownFinding(c: Comparison): OpenFinding | undefined {
  return OPEN_FINDINGS.find((f) => f.matches(c));
}
