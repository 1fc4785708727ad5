/**
 * README examples that come from real runs. A block of command output in README.md is marked by
 * the comment before it:
 *
 *   <!-- readme-run: npx valve test permissions.test.yml --coverage; dir=examples; lines=1-9,$ -->
 *
 * The block shows `$ COMMAND` and what the built CLI prints for it (standard output and standard
 * error, in order), run in `dir` (default: the repository root). `lines` keeps some lines of the
 * output (1-based ranges, `$` the last line) with `…` where lines were left out. test/docs checks
 * every marked block against a real run; `npm run readme:examples` rewrites them from real runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ReadmeExample {
  readonly command: string;
  readonly dir: string;
  readonly lines: string | undefined;
  /** The block's text as the README has it now (between the fences, without them or the indent). */
  readonly shown: string;
  /** The spaces before the marker, the fences and each line of the block. */
  readonly indent: string;
  /** 1-based line of the marker in the README, for messages. */
  readonly line: number;
  /** Offsets of the block's text in the README, for rewriting. */
  readonly start: number;
  readonly end: number;
}

// The marker, its fenced block and the block's text; a block in a list item is indented like its marker.
const MARKER = /^( *)<!-- readme-run: (.+?) -->\n\1```[^\n]*\n([\s\S]*?)^\1```$/gm;

/** The marked blocks of a README's text; a marker without a fenced block right after it is an error. */
export function findExamples(readme: string): ReadmeExample[] {
  const found: ReadmeExample[] = [];
  for (const m of readme.matchAll(MARKER)) {
    const [, indent, spec, text] = m;
    const [command = '', ...options] = spec.split('; ');
    const option = (key: string): string | undefined => options.find((o) => o.startsWith(`${key}=`))?.slice(key.length + 1);
    const unknown = options.filter((o) => !/^(dir|lines)=/.test(o));
    const line = readme.slice(0, m.index).split('\n').length;
    if (unknown.length > 0) throw new Error(`README.md:${line}: unknown readme-run option ${unknown.map((o) => `\`${o}\``).join(', ')} (dir=, lines=)`);
    const start = m.index + m[0].length - indent.length - 3 - text.length;
    const shown = text.split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
    found.push({ command: command.trim(), dir: option('dir') ?? '.', lines: option('lines'), shown, indent, line, start, end: start + text.length });
  }
  // A marker starts its line; the README may also mention the syntax in its text.
  const markers = readme.match(/^ *<!-- readme-run:/gm)?.length ?? 0;
  if (markers !== found.length) throw new Error(`README.md: ${markers - found.length} readme-run marker(s) not followed by a fenced block`);
  return found;
}

/** Keeps the `lines` ranges of an output (`1-9,12,$`), `…` where lines were left out. */
export function keepLines(output: string, spec: string | undefined): string {
  const all = output.replace(/\n$/, '').split('\n');
  if (spec === undefined) return `${all.join('\n')}\n`;
  const at = (s: string): number => (s === '$' ? all.length : Number(s));
  const keep = new Set<number>();
  for (const range of spec.split(',')) {
    const [from, to = from] = range.split('-');
    const a = at(from);
    const b = at(to);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a) throw new Error(`bad lines range \`${range}\` in \`${spec}\``);
    for (let i = a; i <= Math.min(b, all.length); i++) keep.add(i);
  }
  const out: string[] = [];
  for (let i = 1; i <= all.length; i++) {
    if (keep.has(i)) out.push(all[i - 1]);
    else if (out.at(-1) !== '…') out.push('…');
  }
  return `${out.join('\n')}\n`;
}

/**
 * Runs an example's command with bash in its directory, `npx valve` being the repository's own
 * built CLI (bin/valve.js; build it first), without colour, and renders the block's text.
 */
export function runExample(root: string, example: Pick<ReadmeExample, 'command' | 'dir' | 'lines'>): string {
  const shim = mkdtempSync(join(tmpdir(), 'valve-readme-'));
  try {
    const valve = join(shim, 'valve');
    writeFileSync(valve, `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'bin', 'valve.js')}" "$@"\n`);
    chmodSync(valve, 0o755);
    const script = example.command.replace(/\bnpx valve\b/g, 'valve');
    const run = spawnSync('bash', ['-c', `${script} 2>&1`], {
      cwd: resolve(root, example.dir),
      encoding: 'utf8',
      env: { ...process.env, PATH: `${shim}:${process.env.PATH ?? ''}`, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 120_000,
    });
    if (run.error !== undefined) throw run.error;
    return `$ ${example.command}\n${keepLines(run.stdout, example.lines)}`;
  } finally {
    rmSync(shim, { recursive: true, force: true });
  }
}

/** The README with every marked block replaced by a real run. */
export function rewriteReadme(root: string, readme: string): string {
  let out = readme;
  for (const example of findExamples(readme).reverse()) {
    const text = runExample(root, example).replace(/^(?=.)/gm, example.indent);
    out = out.slice(0, example.start) + text + out.slice(example.end);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(import.meta.dirname, '..');
  const path = join(root, 'README.md');
  const before = readFileSync(path, 'utf8');
  const after = rewriteReadme(root, before);
  writeFileSync(path, after);
  const changed = findExamples(before).filter((e, i) => e.shown !== findExamples(after)[i]?.shown).length;
  process.stdout.write(`README.md: ${findExamples(after).length} examples run, ${changed} changed\n`);
}
