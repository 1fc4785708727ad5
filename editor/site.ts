/**
 * Where the cursor is in permissions.yml (grammar/file.ts): which section, pattern and rule, and
 * the mapping between file offsets and offsets in a rule's text. Every editor service starts here.
 */
import { isSection, type Section } from '../compiler/index.js';
import { parseRuleFile, type PathPattern, type PatternAst, type RuleAst } from '../grammar/index.js';

export interface Site {
  readonly section: Section;
  readonly pattern: string;
  /** Undefined when the pattern itself is invalid. */
  readonly path?: PathPattern;
  readonly variables: readonly string[];
  readonly rule: RuleAst;
  /** The pattern entry the rule belongs to (its key's place, its other rules). */
  readonly entry: PatternAst;
}

/** The rule whose key or value holds `offset`, and whether the offset is in the value. */
export function siteAt(text: string, offset: number): { site: Site; inValue: boolean } | undefined {
  const { ast } = parseRuleFile(text, 'permissions.yml');
  if (!ast) return undefined;
  for (const section of ast.sections) {
    if (!isSection(section.name)) continue;
    for (const p of section.patterns) {
      for (const rule of p.rules) {
        const site = { section: section.name, pattern: p.text, path: p.pattern, variables: p.pattern?.variables ?? [], rule, entry: p };
        if (offset >= rule.keySpan.start && offset <= rule.keySpan.end) return { site, inValue: false };
        if (offset >= rule.node.span.start && offset <= rule.node.span.end) return { site, inValue: true };
        // YAML drops trailing blanks of a plain value, but `read: a && ‸` is still in the rule.
        const plain = rule.node.kind === 'scalar' && rule.node.style === 'plain';
        if (plain && offset > rule.node.span.end && /^[ \t]*$/.test(text.slice(rule.node.span.end, offset))) return { site, inValue: true };
      }
    }
  }
  return undefined;
}

/** File offset → offset in the rule's text (the mapping is monotonic). */
export function ruleOffset(rule: RuleAst, fileOffset: number): number | undefined {
  const text = rule.text;
  if (text === undefined) return undefined;
  const at = (i: number): number => rule.toFileSpan({ start: i, end: i }).start;
  if (fileOffset < at(0)) return undefined;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at(mid) <= fileOffset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
