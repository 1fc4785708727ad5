/**
 * `npx tsx test/conformance/report.ts` (meant as `npm run conformance`): runs the corpus, the
 * load-time corpus and the generated files through both engines and prints one table — checks
 * per feature, agreed, section 7 differences by row, and disagreements (0 on a healthy main).
 * Exits 1 when there is any disagreement. CONFORMANCE_RUNS sets the generated files (default 2000).
 */
import { loadCorpus, loadLoadCorpus } from './cases.js';
import { compareCheck, compareLoad, describeComparison, describeLoad } from './compare.js';
import { RUNS, SEED, runGenerated } from './generated-run.js';
import { OPEN_FINDINGS } from './known.js';
import { ROWS, ROW_IDS, type RowId } from './rows.js';

interface Line {
  feature: string;
  checks: number;
  agreed: number;
  byRow: Map<RowId, number>;
  disagreements: number;
}

const table = new Map<string, Line>();
const line = (feature: string): Line => {
  let l = table.get(feature);
  if (!l) table.set(feature, (l = { feature, checks: 0, agreed: 0, byRow: new Map(), disagreements: 0 }));
  return l;
};
const failures: string[] = [];

for (const check of loadCorpus()) {
  const c = await compareCheck(check);
  const l = line(check.feature);
  l.checks++;
  if (c.problems.length) {
    l.disagreements++;
    failures.push(describeComparison(c).split('\n').filter((x) => !x.startsWith('  | ')).join('\n'));
  } else if (c.agree) l.agreed++;
  else for (const r of check.tag ? [check.tag] : c.explained) l.byRow.set(r, (l.byRow.get(r) ?? 0) + 1);
}
for (const loadCase of loadLoadCorpus()) {
  const c = await compareLoad(loadCase);
  const l = line(`load: ${loadCase.feature}`);
  l.checks++;
  if (c.problems.length) {
    l.disagreements++;
    failures.push(describeLoad(c).split('\n').filter((x) => !x.startsWith('  | ')).join('\n'));
  } else if (c.agree) l.agreed++;
  else for (const r of loadCase.tag ? [loadCase.tag] : c.explained) l.byRow.set(r, (l.byRow.get(r) ?? 0) + 1);
}

let generatedNote = '';
try {
  const g = await runGenerated(RUNS, SEED);
  const l = line(`generated (${g.files} files)`);
  l.checks = g.checks;
  l.agreed = g.agreed + g.bothRejected;
  for (const [r, n] of Object.entries(g.byRow)) l.byRow.set(r as RowId, n);
  const known = Object.entries(g.known);
  generatedNote = `generated: ${g.files} files, ${g.checks} checks in ${(g.ms / 1000).toFixed(1)} s${known.length ? `; differences matching open findings (pinned by failing corpus cases): ${known.map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`;
} catch (e) {
  const l = line('generated');
  l.disagreements++;
  failures.push(`generated: ${String((e as Error).message).split('\n').slice(0, 3).join(' ')}\n${String(((e as Error).cause as Error | undefined)?.message ?? '')}`);
}

const rowsUsed = ROW_IDS.filter((r) => [...table.values()].some((l) => l.byRow.has(r)));
const header = ['feature', 'checks', 'agreed', ...rowsUsed.map((r) => `${ROWS[r].mark[0]}${ROWS[r].row}`), 'disagree'];
const rows = [...table.values()].map((l) => [l.feature, String(l.checks), String(l.agreed), ...rowsUsed.map((r) => String(l.byRow.get(r) ?? '')), String(l.disagreements)]);
const total = ['total', ...[1, 2].map((i) => String(rows.reduce((s, r) => s + Number(r[i]), 0))), ...rowsUsed.map((_, k) => String(rows.reduce((s, r) => s + Number(r[3 + k] || 0), 0))), String(rows.reduce((s, r) => s + Number(r[r.length - 1]), 0))];
const widths = header.map((h, i) => Math.max(h.length, ...[...rows, total].map((r) => r[i].length)));
const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), fmt(total), '', ...rowsUsed.map((r) => `${ROWS[r].mark[0]}${ROWS[r].row} = ${ROWS[r].mark} row ${ROWS[r].row} (${r}): upstream ${ROWS[r].upstream}`), '', 'F9 (fixed/invalid-file) is shown by load.test.ts › "FIXED 9: an invalid file" (upstream keeps running and throws on every check; we give no module).', generatedNote];
if (failures.length) out.push('', `${failures.length} disagreement(s):`, '', ...failures.map((f) => `${f}\n`), 'open findings:', ...OPEN_FINDINGS.map((f) => `- ${f.id}: ${f.summary}`));
process.stdout.write(`${out.join('\n')}\n`);
process.exitCode = failures.length ? 1 : 0;
