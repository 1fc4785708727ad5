import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, METHODS } from '../../compiler/language/index.js';
import { DiagnosticSink } from '../../grammar/diagnostic.js';
import { CODES, MESSAGES } from '../../grammar/messages.js';
import { methods } from '../../engine/stdlib.js';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(root, p)).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('diagnostic catalogue', () => {
  it('uses stable VLV + 4 digit codes, each once', () => {
    for (const c of CODES) expect(c).toMatch(/^VLV\d{4}$/);
    expect(new Set(CODES).size).toBe(CODES.length);
  });

  it('gives every code a one-line summary and a one-line message', () => {
    for (const c of CODES) {
      expect(MESSAGES[c].summary.length).toBeGreaterThan(10);
      expect(MESSAGES[c].summary).not.toContain('\n');
    }
  });

  it('uses every code somewhere in the toolchain', () => {
    const text = ['grammar', 'compiler', 'engine', 'tooling', 'analysis', 'adapters', 'cli']
      .flatMap(sources)
      .filter((f) => !f.endsWith('messages.ts'))
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
    const unused = CODES.filter((c) => !text.includes(`'${c}'`) && !text.includes(`MESSAGES.${c}`));
    expect(unused).toEqual([]);
  });

  it('words every hint in the catalogue: a call site gives parameters, never hint text', () => {
    const sink = new DiagnosticSink('f.yml', '$a/$a');
    // @ts-expect-error the fourth argument is a severity; a free-text hint no longer type-checks
    const d = sink.report('VLV0110', { start: 3, end: 5 }, { name: '$a' }, 'free text');
    expect(d.hint).toBe('give each variable its own name');
    expect(sink.report('VLV0110', { start: 3, end: 5 }, { name: '$a' }, 'info')).toMatchObject({ severity: 'info', hint: 'give each variable its own name' });
    // No `hint: '…'` (or a template) in the toolchain's sources outside the catalogue.
    const literal = /\bhint\s*:\s*['"`]/;
    const offenders = ['grammar', 'compiler', 'engine', 'tooling', 'adapters', 'cli']
      .flatMap(sources)
      .filter((f) => !f.endsWith('messages.ts') && literal.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('documents every code in the README with its summary', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const c of CODES) expect(readme).toContain(`| ${c} | ${MESSAGES[c].severity} | ${MESSAGES[c].summary.replace(/\|/g, '\\|')} |`);
  });
});

describe('allowed methods', () => {
  it('are declared once in the language table and implemented once in the stdlib, the same list', () => {
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(new Set(METHOD_NAMES).size).toBe(METHODS.length);
  });
});
