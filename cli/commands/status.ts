/**
 * `valve status URL…`: which rules each node of a cluster enforces, read from its GET /valve
 * (`valve serve`), so an operator sees a rollout finish: exit 0 once every node answers with the
 * same version (or the one `--expect` names) and none has refused a newer file, 1 otherwise.
 */
import type { RulesStatus } from '../../adapters/deepstream/index.js';
import { errorText, visible } from '../../grammar/index.js';
import { EXIT, type ExitCode } from '../exit.js';
import { UsageError } from '../io.js';
import { STATUS_PATH } from './serve-cluster.js';

export interface StatusOptions {
  /** The version every node must be on, or a rules file whose version it is (default: whichever they agree on). */
  readonly expect?: string;
  readonly format?: 'text' | 'json';
  /** Per node, in ms (default 5000). */
  readonly timeoutMs?: number;
}

type Answer = { readonly url: string; readonly status: RulesStatus } | { readonly url: string; readonly error: string };

/** `http://HOST:PORT` or `HOST:PORT` → `http://HOST:PORT/valve`; a URL that names /valve is kept. */
export function statusUrl(given: string): string {
  let u: URL;
  try {
    u = new URL(/^[a-z]+:\/\//i.test(given) ? given : `http://${given}`);
  } catch {
    throw new UsageError(`invalid node URL \`${given}\`; give http://HOST:PORT`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`invalid node URL \`${given}\`; give http://HOST:PORT`);
  if (u.pathname === '/' || u.pathname === '') u.pathname = STATUS_PATH;
  return u.toString();
}

const isStatus = (v: unknown): v is RulesStatus => v !== null && typeof v === 'object' && 'version' in v && 'file' in v && 'refused' in v;

async function ask(url: string, timeoutMs: number): Promise<Answer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    if (!res.ok) return { url, error: `HTTP ${res.status} ${body.trim().split('\n')[0] ?? ''}`.trim() };
    const json: unknown = JSON.parse(body);
    return isStatus(json) ? { url, status: json } : { url, error: 'the answer is not a Valve status (is this a `valve serve` node?)' };
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    return { url, error: errorText(cause ?? e) };
  }
}

/** One line per node, then the verdict. */
function statusLines(answers: readonly Answer[], settled: string | undefined, expect: string | undefined): string[] {
  const lines = answers.map((a) => {
    if ('error' in a) return `${a.url}  unreachable: ${visible(a.error)}`;
    const s = a.status;
    const refused = s.refused ? `; refused ${s.refused.version ?? 'an unreadable file'} at ${s.refused.at}: ${visible(s.refused.reason)}` : '';
    return `${visible(s.server ?? '?')}  ${a.url}  version ${s.version ?? 'none'} loaded ${s.loadedAt ?? 'never'} from ${visible(s.file)}${refused}`;
  });
  const n = answers.length;
  lines.push(settled !== undefined ? `${n === 1 ? 'the node is' : `all ${n} nodes are`} on version ${settled}` : `not settled${expect !== undefined ? ` on version ${expect}` : ''}: ${verdict(answers)}`);
  return lines;
}

function verdict(answers: readonly Answer[]): string {
  const down = answers.filter((a) => 'error' in a).length;
  const byVersion = new Map<string, number>();
  let refusing = 0;
  for (const a of answers) {
    if ('error' in a) continue;
    const v = a.status.version ?? 'none';
    byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
    if (a.status.refused) refusing++;
  }
  const parts = [[...byVersion].map(([v, k]) => `${k} on ${v}`).join(', ')];
  if (refusing > 0) parts.push(`${refusing} refused a newer file`);
  if (down > 0) parts.push(`${down} unreachable`);
  return parts.filter(Boolean).join('; ');
}

const VERSION = /^[0-9a-f]{16}$/;

/** `--expect`: a version as GET /valve gives it, or a rules file, hashed as a node hashes it when loading it. */
async function expectedVersion(given: string): Promise<string> {
  if (VERSION.test(given)) return given;
  // Loaded only here: `valve status` without a file stays free of the plugin and the compiler.
  const [{ readSource }, { rulesVersion }] = await Promise.all([import('../../adapters/node/index.js'), import('../../adapters/deepstream/index.js')]);
  try {
    return rulesVersion((await readSource(given, 256 * 1024 * 1024)).text);
  } catch (e) {
    throw new UsageError(`--expect \`${given}\` is neither a version (16 hex digits) nor a readable rules file: ${errorText(e)}`);
  }
}

export async function runStatus(urls: readonly string[], given: StatusOptions = {}): Promise<ExitCode> {
  let targets: string[];
  let options = given;
  try {
    targets = urls.map(statusUrl);
    if (given.expect !== undefined) options = { ...given, expect: await expectedVersion(given.expect) };
  } catch (e) {
    process.stderr.write(`valve: ${errorText(e)}\n`);
    return EXIT.usage;
  }
  const answers = await Promise.all(targets.map((u) => ask(u, options.timeoutMs ?? 5000)));
  const versions = new Set(answers.map((a) => ('error' in a ? undefined : a.status.version)));
  const [only] = versions;
  const agreed = versions.size === 1 && typeof only === 'string' && answers.every((a) => !('error' in a) && a.status.refused === null);
  const settled = agreed && (options.expect === undefined || options.expect === only) ? only : undefined;
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify({ settled: settled ?? null, nodes: answers }, null, 2)}\n`);
  } else {
    process.stdout.write(`${statusLines(answers, settled, options.expect).join('\n')}\n`);
  }
  return settled !== undefined ? EXIT.ok : EXIT.failed;
}
