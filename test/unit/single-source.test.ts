/** Facts of the toolchain that are declared once and imported everywhere else (issue 18, item 4). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit.js';
import { written } from './sources.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('declared once', () => {
  it('the anonymous user id is ANONYMOUS_ID (compiler/scope.ts), not a literal', () => {
    // floor.ts transcribes the example rules by hand, which compare with 'open' themselves;
    // bench/lib/deepstream.ts mirrors deepstream's own socket wrapper; assist.ts's doc text shows it.
    expect(written(/['"]open['"]/, ['compiler/scope.ts', 'bench/lib/floor.ts', 'bench/lib/deepstream.ts', 'editor/assist.ts'])).toEqual([]);
  });

  it('exit codes are EXIT (cli/exit.ts), each one in the README', () => {
    // A command's result, `process.exit(N)` or `exitCode = N` with a number written in place.
    expect(written(/process\.exit\(\d|exitCode = \d|return (?:[^;]*\? )?\d+(?: : \d+)?;$/, ['cli/exit.ts'], ['cli'])).toEqual([]);
    for (const code of Object.values(EXIT)) expect(readme).toContain(`\`${code}\``);
  });

  it('each of these names means one thing: one declaration', () => {
    // RuleContext: the run-time context (engine/stdlib.ts); CheckOptions: a check's options
    // (engine/check.ts); describe: how a value is named in a rule's error (engine/stdlib.ts);
    // parseRecords: --records and the playground's records (tooling/test-file.ts); ServeOptions: valve serve.
    for (const name of ['RuleContext', 'CheckOptions', 'describe', 'parseRecords', 'ServeOptions']) {
      expect(written(new RegExp(`^\\s*(?:export )?(?:interface|type|function|const|class) ${name}\\b`)), name).toHaveLength(1);
    }
  });

  it('a YAML node is named in messages by nodeKind (grammar/yaml.ts) alone', () => {
    expect(written(/'a mapping' :/, ['grammar/yaml.ts'])).toEqual([]);
  });

  it('Reporter is declared beside Diagnostic (grammar/diagnostic.ts) and imported from there (or the grammar\'s index.ts)', () => {
    expect(written(/^export type Reporter\b/).map((at) => at.split(':')[0])).toEqual(['grammar/diagnostic.ts']);
    expect(written(/\bReporter\b.*from '[./]+(?:grammar\/)?(?!diagnostic\.js'|index\.js')[\w-]+\.js'/)).toEqual([]);
  });
});
