/**
 * The README's command output comes from real runs: every block marked `<!-- readme-run: … -->`
 * is run with the built CLI (dist/, as `npm install` leaves it) and must read exactly as shown.
 * After a change of the output, `npm run readme:examples` rewrites the blocks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExamples, keepLines, rewriteReadme, runExample } from '../../tools/readme-examples.js';
import { ROOT } from './golden.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const examples = findExamples(readme);

describe('README examples', () => {
  it('marks the outputs of check, test, coverage, eval --explain and diff', () => {
    const commands = examples.map((e) => e.command.split(' ').slice(0, 3).join(' '));
    for (const c of ['npx valve check', 'npx valve test', 'npx valve eval', 'npx valve diff']) expect(commands).toContain(c);
    expect(examples.some((e) => e.command.includes('--coverage'))).toBe(true);
  });

  it.each(examples.map((e) => [`README.md:${e.line} ${e.command}`, e] as const))('%s reads as a real run prints it (npm run readme:examples rewrites it)', (_, example) => {
    expect(example.shown).toBe(runExample(ROOT, example));
  }, 120_000);
});

describe('the readme-run markers', () => {
  const doc = (marker: string, body: string, indent = ''): string => `intro\n${indent}<!-- readme-run: ${marker} -->\n${indent}\`\`\`\n${body}${indent}\`\`\`\nafter\n`;

  it('keeps line ranges with … for each gap, `$` being the last line', () => {
    expect(keepLines('a\nb\nc\nd\ne\n', '1-2,$')).toBe('a\nb\n…\ne\n');
    expect(keepLines('a\nb\nc\n', '2')).toBe('…\nb\n…\n');
    expect(keepLines('a\nb\n', undefined)).toBe('a\nb\n');
    expect(() => keepLines('a\n', '3-1')).toThrow(/bad lines range `3-1`/);
  });

  it('reads the command and options, and an indented block (in a list item) without its indent', () => {
    const [e] = findExamples(doc('npx valve check x.yml; dir=docs/examples; lines=1-3', '  $ old\n  text\n', '  '));
    expect(e).toMatchObject({ command: 'npx valve check x.yml', dir: 'docs/examples', lines: '1-3', shown: '$ old\ntext\n', indent: '  ', line: 2 });
  });

  it('refuses an unknown option and a marker without a block', () => {
    expect(() => findExamples(doc('npx valve check x.yml; cwd=docs', ''))).toThrow(/README\.md:2: unknown readme-run option `cwd=docs`/);
    expect(() => findExamples('<!-- readme-run: npx valve check -->\nno block\n')).toThrow(/1 readme-run marker\(s\) not followed by a fenced block/);
  });

  it('rewrites a block from a real run and leaves the rest of the text alone', () => {
    const before = doc('npx valve explain VLV0402', 'stale\n', '  ');
    const after = rewriteReadme(ROOT, before);
    expect(after.startsWith('intro\n  <!-- readme-run: npx valve explain VLV0402 -->\n  ```\n  $ npx valve explain VLV0402\n  VLV0402')).toBe(true);
    expect(after.endsWith('  ```\nafter\n')).toBe(true);
    expect(findExamples(after)[0].shown).toBe(runExample(ROOT, findExamples(after)[0]));
  }, 60_000);
});
