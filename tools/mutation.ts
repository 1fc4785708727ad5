/**
 * `npm run mutation [-- FILE…]`: Stryker on the modules that decide (default below), then one
 * line per file: `<path> <score>%`. Score = (killed + timed out) / (every mutant except those a
 * `// Stryker disable` mark declares equivalent). The HTML and JSON reports are in
 * reports/mutation/ (not committed). A local tool: a full run takes tens of minutes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const DEFAULT = ['engine/matcher.ts', 'engine/stdlib.ts', 'engine/check.ts', 'engine/patch.ts', 'engine/limits.ts', 'compiler/limits.ts', 'compiler/overrides.ts'];
const REPORT = 'reports/mutation/mutation.json';

interface Mutant {
  readonly status: string;
}
interface Report {
  readonly files: Record<string, { readonly mutants: readonly Mutant[] }>;
}

const files = process.argv.slice(2).filter((a) => a !== '--');
const mutate = files.length > 0 ? files : DEFAULT;
const run = spawnSync('npx', ['stryker', 'run', '--mutate', mutate.join(',')], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
const EXCLUDED = new Set(['Ignored', 'CompileError', 'RuntimeError']);
for (const [path, { mutants }] of Object.entries(report.files)) {
  const counted = mutants.filter((m) => !EXCLUDED.has(m.status));
  const detected = counted.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;
  const survived = counted.filter((m) => m.status === 'Survived').length;
  const uncovered = counted.filter((m) => m.status === 'NoCoverage').length;
  const score = counted.length === 0 ? 100 : (100 * detected) / counted.length;
  console.log(`${path} ${score.toFixed(1)}%  (${counted.length} mutants: ${detected} detected, ${survived} survived, ${uncovered} not covered, ${mutants.length - counted.length} marked equivalent or invalid)`);
}
