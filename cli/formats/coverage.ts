/** Text rendering of rule coverage (`valve test --coverage`); the data comes from tooling/coverage.ts. */
import type { CoverageReport, RuleCoverage } from '../../tooling/index.js';
import { visible } from '../../grammar/index.js';
import { paint } from '../report.js';

const pct = (n: number, of: number): string => `${n}/${of}${of === 0 ? '' : ` (${((100 * n) / of).toFixed(1)}%)`}`;

/** One line, at most `max` characters, whitespace (block scalars) collapsed. */
export const oneLine = (s: string, max = 100): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function outcome(r: RuleCoverage): string {
  if (!r.exercised) return 'NOT EXERCISED';
  const errors = r.errors > 0 ? ` (${r.errors} by error)` : '';
  if (r.constant !== undefined) return `${r.constant ? 'allow' : 'deny'} x${r.tests} (constant ${String(r.constant)})`;
  const seen = `allow x${r.allow}, deny x${r.deny}${errors}`;
  if (r.allow === 0) return `${seen}  <- never allowed`;
  if (r.deny === 0) return `${seen}  <- never denied`;
  return seen;
}

/** The coverage of one rules file: totals, a line per rule, and under each rule its sub-expression gaps. */
export function formatCoverage(report: CoverageReport, style: { readonly color: boolean }): string {
  const t = report.totals;
  const lines = [
    `coverage of ${visible(report.file)}`,
    `  rules exercised:            ${pct(t.exercised, t.rules)}`,
    `  rules allowing and denying: ${pct(t.complete, t.rules)}  (a true/false rule counts once exercised; expression rules: ${t.expressionRulesBothWays}/${t.expressionRules})`,
    `  sub-expressions evaluated:  ${pct(t.evaluated, t.expressions)}`,
    `  conditions true and false:  ${pct(t.conditionsBothWays, t.conditions)}`,
  ];
  // Patterns, rule text and values come from the rules file and the tests: escaped for the terminal.
  const heads = report.rules.map((r) => visible(`${r.section} ${JSON.stringify(r.pattern)} ${r.action}`));
  const places = report.rules.map((r) => visible(`${r.location.file}:${r.location.line}:${r.location.column}`));
  const w1 = Math.max(...heads.map((h) => h.length), 0);
  const w2 = Math.max(...places.map((h) => h.length), 0);
  report.rules.forEach((r, i) => {
    const text = outcome(r);
    const mark = !r.exercised ? paint(style.color, '31;1', text) : !r.complete ? paint(style.color, '33', text) : text;
    lines.push(`  ${heads[i].padEnd(w1)}  ${places[i].padEnd(w2)}  ${mark}`);
    for (const e of r.expressions) {
      if (!e.gap) continue;
      const seen = e.gap === 'never evaluated' ? '' : `  values: ${visible(e.values.join(', '))}${e.moreValues ? ', …' : ''}`;
      lines.push(`      ${`${e.start.line}:${e.start.column}`.padEnd(8)} ${e.gap.padEnd(15)} ${visible(oneLine(e.text, 80))}${seen}`);
    }
  });
  return lines.join('\n');
}
