/** Explicit, frozen defaults; a check that hits one denies with a reason. */
export const LIMITS = Object.freeze({
  /** Longest string a rule may build (by `+` or conversion), in UTF-16 units. */
  maxStringLength: 4 * 1024 * 1024,
  /** Deepest nesting converted to a string or compared. */
  maxDepth: 256,
  /** Default rounds of cross-reference loads per check (deepstream's maxRuleIterations). */
  maxRuleIterations: 3,
});
