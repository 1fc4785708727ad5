/**
 * The file's structure: the four sections, each with patterns and the root "*", actions valid
 * for their section, rules that are booleans or non-empty strings. Produces the list of rules
 * that are sound enough to check and compile.
 */
import type { DiagnosticSink } from '../grammar/diagnostic.js';
import type { PatternAst, RuleAst, RuleFileAst } from '../grammar/file.js';
import type { PathPattern } from '../grammar/pattern.js';
import { actionsOf, isSection, SECTIONS, type Section } from './scope.js';
import { didYouMean } from './suggest.js';

/** One rule whose place in the file is valid; its expression may still hold errors. */
export interface RuleSite {
  readonly section: Section;
  readonly pattern: PathPattern;
  readonly patternAst: PatternAst;
  readonly rule: RuleAst;
  /** Position of the pattern among all patterns of its section (file order). */
  readonly order: number;
}

const describeValue = (rule: RuleAst): string => {
  const n = rule.node;
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'nothing';
  return `the ${typeof n.value} \`${String(n.value)}\``;
};

export function checkStructure(ast: RuleFileAst, sink: DiagnosticSink): RuleSite[] {
  const sites: RuleSite[] = [];
  const seen = new Set<string>();
  for (const section of ast.sections) {
    if (!isSection(section.name)) {
      sink.report('VLV0102', section.keySpan, { section: section.name, known: SECTIONS }, didYouMean(section.name, SECTIONS));
      continue;
    }
    seen.add(section.name);
    if (section.patterns.length === 0) {
      sink.report('VLV0103', section.keySpan, { section: section.name }, 'add `"*":` with the default rules');
      continue;
    }
    if (!section.patterns.some((p) => p.text === '*')) {
      sink.report('VLV0104', section.keySpan, { section: section.name }, 'add `"*":` with the default rules for names no other pattern matches');
    }
    section.patterns.forEach((p, order) => {
      if (p.isMap && p.rules.length === 0) sink.report('VLV0113', p.keySpan, {});
      for (const rule of p.rules) {
        if (checkRule(section.name as Section, rule, sink) && p.pattern) {
          sites.push({ section: section.name as Section, pattern: p.pattern, patternAst: p, rule, order });
        }
      }
    });
  }
  for (const name of SECTIONS) {
    if (!seen.has(name)) sink.report('VLV0101', { start: ast.span.start, end: ast.span.start }, { section: name }, `add \`${name}:\` with at least \`"*":\``);
  }
  return sites;
}

/** True when the rule's action and value are valid (its expression is checked later). */
function checkRule(section: Section, rule: RuleAst, sink: DiagnosticSink): boolean {
  const known = actionsOf(section);
  let ok = true;
  if (!known.includes(rule.action)) {
    sink.report('VLV0105', rule.keySpan, { action: rule.action, section, known }, didYouMean(rule.action, known));
    ok = false;
  }
  const n = rule.node;
  if (n.kind !== 'scalar' || (typeof n.value !== 'boolean' && typeof n.value !== 'string')) {
    sink.report('VLV0106', n.kind === 'scalar' && n.value === null ? rule.keySpan : n.span, { found: describeValue(rule) }, 'write `true`, `false` or an expression in quotes');
    return false;
  }
  if (typeof n.value === 'string' && n.value.trim() === '') {
    sink.report('VLV0107', n.span, {}, 'write `false` to deny, `true` to allow');
    return false;
  }
  return ok;
}
