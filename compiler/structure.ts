/**
 * The file's structure: the four sections, each with patterns and the root "*", actions valid
 * for their section, rules that are booleans or non-empty strings. Every rule expression is
 * returned as a site, even under an unknown section, action or an invalid pattern, so its
 * names are still checked and the author sees all problems at once.
 */
import { type DiagnosticSink, type PatternAst, type RuleAst, type RuleFileAst, propertyOrder, type PathPattern } from '../grammar/index.js';
import { actionsOf, isSection, SECTIONS, type Section } from './scope.js';
import { suggest } from './suggest.js';

/** One rule as found in the file; only sites with `valid` set may be compiled. */
export interface RuleSite {
  /** Undefined under an unknown section. */
  readonly section?: Section;
  /** Undefined when the pattern itself is invalid. */
  readonly pattern?: PathPattern;
  readonly patternAst: PatternAst;
  readonly rule: RuleAst;
  /** False under an unknown action: `data`/`oldData` availability is then not judged. */
  readonly actionKnown: boolean;
  /** Section, pattern, action and value are all valid. */
  readonly valid: boolean;
  /**
   * Position of the pattern among all patterns of its section in deepstream's order (JavaScript
   * property order: integer-like keys first, ascending, then file order); later wins ties.
   */
  readonly order: number;
}

const describeValue = (rule: RuleAst): string => {
  const n = rule.node;
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'an empty value';
  return `the ${typeof n.value} \`${String(n.value)}\``;
};

export function checkStructure(ast: RuleFileAst, sink: DiagnosticSink): RuleSite[] {
  const sites: RuleSite[] = [];
  const seen = new Set<string>();
  for (const section of ast.sections) {
    const known = isSection(section.name) ? section.name : undefined;
    if (!known) sink.report('VLV0102', section.keySpan, { section: section.name, known: SECTIONS, ...suggest(section.name, SECTIONS) });
    else {
      seen.add(known);
      if (section.isMap && section.patterns.length === 0) sink.report('VLV0103', section.keySpan, { section: known });
      // deepstream wants a truthy root: `"*": null`, `false`, `""` or `0` count as missing.
      else if (section.isMap && !section.patterns.some((p) => p.text === '*' && !(p.node.kind === 'scalar' && !p.node.value))) {
        sink.report('VLV0104', section.keySpan, { section: known });
      }
    }
    const orders = propertyOrder(section.patterns.map((p) => p.text));
    section.patterns.forEach((p, i) => {
      const order = orders[i];
      if (p.isMap && p.rules.length === 0) sink.report('VLV0113', p.keySpan, {});
      for (const rule of p.rules) {
        const actionKnown = known !== undefined && checkAction(known, rule, sink);
        const valueOk = checkValue(rule, sink);
        sites.push({ section: known, pattern: p.pattern, patternAst: p, rule, actionKnown, valid: actionKnown && valueOk && p.pattern !== undefined, order });
      }
    });
  }
  for (const name of SECTIONS) {
    if (!seen.has(name)) sink.report('VLV0101', { start: ast.span.start, end: ast.span.start }, { section: name, actions: actionsOf(name) });
  }
  return sites;
}

function checkAction(section: Section, rule: RuleAst, sink: DiagnosticSink): boolean {
  const known = actionsOf(section);
  if (known.includes(rule.action)) return true;
  sink.report('VLV0105', rule.keySpan, { action: rule.action, section, known, ...suggest(rule.action, known) });
  return false;
}

function checkValue(rule: RuleAst, sink: DiagnosticSink): boolean {
  const n = rule.node;
  if (n.kind !== 'scalar' || (typeof n.value !== 'boolean' && typeof n.value !== 'string')) {
    sink.report('VLV0106', n.kind === 'scalar' && n.value === null ? rule.keySpan : n.span, { found: describeValue(rule) });
    return false;
  }
  if (n.value === '') {
    sink.report('VLV0107', n.span, {});
    return false;
  }
  // deepstream accepts a rule of only white space (it yields `undefined`); it denies every request.
  if (typeof n.value === 'string' && n.value.trim() === '') sink.report('VLV0115', n.span, {});
  return true;
}
