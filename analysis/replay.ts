/** Every example is run through the real engine before it is shown: it must reproduce. */
import type { Decision, RulesModule } from '../engine/index.js';
import { parseRequest, storedLoader } from '../tooling/index.js';
import type { Example } from './model/request.js';

/** The decision of `rules` on an example, read exactly as `valve eval --request … --records …` reads it. */
export async function replay(rules: RulesModule, example: Example): Promise<Decision> {
  const parsed = parseRequest(JSON.stringify(example.request), 'example');
  if (!parsed.request) throw new Error(`internal: an example is not a valid request: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const records = new Map(Object.entries(example.records));
  return module_check(rules, parsed.request, storedLoader(parsed.request, records));
}

const module_check = async (rules: RulesModule, request: Parameters<RulesModule['check']>[0], loadRecord: (name: string) => unknown): Promise<Decision> =>
  rules.check(request, { loadRecord });
