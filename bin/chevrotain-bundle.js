// Module resolve hook for the CLI launcher (bin/valve.js). chevrotain's package entry imports
// lodash-es, ~640 small modules that cost Node 20 a quarter of a second to load on every run.
// The same chevrotain release ships as one ES module file (lib/chevrotain.mjs, lodash included);
// the CLI loads that instead. The library and the playground keep the package entry.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (specifier !== 'chevrotain' || !resolved.url.endsWith('/lib/src/api.js')) return resolved;
  const bundle = new URL('../chevrotain.mjs', resolved.url);
  return existsSync(fileURLToPath(bundle)) ? { ...resolved, url: bundle.href } : resolved;
}
