/** Reads the scenario titles of upstream's Gherkin .feature files (what must be covered). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FeatureFile {
  /** File name, e.g. `event-permissions.feature`. */
  readonly file: string;
  readonly feature: string;
  readonly scenarios: readonly string[];
}

export function readFeatures(dir: string): FeatureFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.feature'))
    .sort()
    .map((file) => {
      const lines = readFileSync(join(dir, file), 'utf8').split(/\r?\n/).map((l) => l.trim());
      const feature = lines.find((l) => l.startsWith('Feature:'))?.slice('Feature:'.length).trim() ?? file;
      const scenarios = lines.filter((l) => /^Scenario( Outline)?:/.test(l)).map((l) => l.replace(/^Scenario( Outline)?:/, '').trim());
      return { file, feature, scenarios };
    });
}
