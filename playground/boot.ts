/**
 * Started before anything else on the page: the compiler worker, and the first state (from a
 * shared link, the file `valve playground` injected, or the first example), so the worker loads
 * and compiles while Monaco is still initialising.
 */
import { EXAMPLES, type Example } from './examples.js';
import { decodeState } from './share.js';
import { formFromRequest, toRequestForm, type PlaygroundState } from './state.js';
import { CompilerClient } from './worker-client.js';

export const client = new CompilerClient();

/** A state for rules and a test file: the records and the first request come from the tests. */
async function stateFor(file: string, rules: string, tests: string, schema = ''): Promise<PlaygroundState> {
  const info = tests.trim() === '' ? undefined : await client.call('testFileInfo', { tests });
  // The first request starts on the clock, as the empty `now` field says; the test file's `now`
  // comes with a test loaded from the Tests tab, where it is that test's clock.
  const request = info?.first ? { ...formFromRequest(info.first), now: '' } : toRequestForm({});
  return { v: 1, file, rules, schema, records: info?.records ?? '{}', tests, request };
}

export const exampleState = (ex: Example): Promise<PlaygroundState> => stateFor(ex.file, ex.rules, ex.tests);

/** What `valve playground FILE` put in the page. */
interface Initial {
  readonly file?: string;
  readonly rules?: string;
  readonly tests?: string;
  readonly schema?: string;
}

function injected(): Initial | undefined {
  const el = document.getElementById('valve-initial');
  if (!el?.textContent) return undefined;
  try {
    const v: unknown = JSON.parse(el.textContent);
    return v !== null && typeof v === 'object' ? (v as Initial) : undefined;
  } catch {
    return undefined;
  }
}

async function initialState(): Promise<PlaygroundState> {
  const shared = decodeState(location.hash);
  if (shared) return shared;
  const given = injected();
  if (given && typeof given.rules === 'string') {
    // An example opened from the command line comes with its tests, as from the menu.
    const known = EXAMPLES.find((e) => e.rules === given.rules);
    const tests = typeof given.tests === 'string' ? given.tests : (known?.tests ?? '');
    return stateFor(typeof given.file === 'string' ? given.file : 'permissions.yml', given.rules, tests, typeof given.schema === 'string' ? given.schema : '');
  }
  return exampleState(EXAMPLES[0]);
}

export const firstState: Promise<PlaygroundState> = initialState().then(async (s) => {
  // Warm the worker's cache: the page's first compile then costs nothing.
  await client.call('compile', { text: s.rules, file: s.file, schema: s.schema });
  return s;
});
