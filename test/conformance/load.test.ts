/**
 * Load-time conformance: every file upstream rejects, we reject (with a positioned catalogue
 * diagnostic); every file upstream accepts, we accept — except section 7 rows, tagged.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLoadCorpus } from './cases.js';
import { classifyLoad } from './classify.js';
import { compareLoad, describeLoad } from './compare.js';
import { oursLoad } from './ours.js';
import { UpstreamServer, findFlow, upstreamLoad } from './upstream.js';

const cases = loadLoadCorpus();
const UPSTREAM_CORPUS = new URL('./upstream-corpus/', import.meta.url).pathname;
const SHARED_CORPUS = '/work/shared/corpus/upstream';
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

describe('load-time conformance corpus', () => {
  for (const feature of [...new Set(cases.map((c) => c.feature))]) {
    describe(feature, () => {
      for (const loadCase of cases.filter((c) => c.feature === feature)) {
        it(loadCase.id.replace(/^[^›]*› /, ''), async () => {
          const c = await compareLoad(loadCase);
          expect(c.problems, describeLoad(c)).toEqual([]);
        });
      }
    });
  }
});

describe('upstream rule files', () => {
  const files = readdirSync(UPSTREAM_CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f));

  it('are the published ones (the copies match the shared corpus)', () => {
    expect(files.sort()).toEqual(['permissions-complex.json', 'permissions-default.yml']);
    if (!existsSync(SHARED_CORPUS)) return;
    for (const f of files) expect(readFileSync(join(UPSTREAM_CORPUS, f), 'utf8'), f).toBe(readFileSync(join(SHARED_CORPUS, f), 'utf8'));
  });

  for (const f of files) {
    it(`${f} is accepted by both`, () => {
      const text = readFileSync(join(UPSTREAM_CORPUS, f), 'utf8');
      const up = upstreamLoad(text, f.endsWith('.json') ? 'json' : 'yml');
      const ours = oursLoad(text, f);
      expect(up.accepted, up.error).toBe(true);
      expect(ours.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }
});

describe('our example rule files', () => {
  for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.yml') && !/\.(test|schema)\.yml$/.test(x))) {
    it(`${f}: upstream and we agree on loading it (or a section 7 row explains why not)`, () => {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      const up = upstreamLoad(text);
      const ours = oursLoad(text, f);
      if (up.accepted === ours.accepted) return;
      const rows = classifyLoad(text, 'yml', undefined, up, ours);
      expect(rows, `upstream ${up.accepted ? 'accepts' : `rejects: ${up.error}`}; ours ${ours.accepted ? 'accepts' : 'rejects'}`).not.toEqual([]);
    });
  }
});

describe('FIXED 9: an invalid file', () => {
  const invalid = 'record:\n  "*": { read: "user.id ===" }\nevent:\n  "*": { publish: true }\nrpc:\n  "*": { request: true }\npresence:\n  "*": { allow: true }\n';

  it('upstream logs one fatal line, keeps running, and then throws on every check', async () => {
    const load = upstreamLoad(invalid);
    expect(load.accepted).toBe(false);
    expect(load.error).toMatch(/invalid permission config - SyntaxError/);
    const server = new UpstreamServer(load.permissions, { records: new Map() });
    try {
      expect(server.fatal).toBe(true);
      const outcome = await server.send({ flow: findFlow('event', 'EMIT'), message: { name: 'e' }, connection: { id: 'a' } });
      expect(outcome.allowed).toBe(false);
      expect(outcome.answers).toEqual([]);
      expect(outcome.crashed.join()).toMatch(/TypeError/);
    } finally {
      server.close();
    }
  });

  it('we give no rules module, and every error with its position', () => {
    const ours = oursLoad(invalid);
    expect(ours.accepted).toBe(false);
    expect(ours.module).toBeUndefined();
    const errors = ours.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.start.line])).toEqual([['VLV0201', 2]]);
  });

  it('we report every error of a file, upstream only its first', () => {
    const text = 'record:\n  "*": { read: "user.id ===", reed: true }\n  "/x": { read: true }\nevent:\n  "*": { publish: "oldData" }\nrpc:\n  "*": { request: true }\n';
    const up = upstreamLoad(text);
    expect(up.accepted).toBe(false);
    expect(up.error).toMatch(/missing configuration section "presence"/);
    const codes = oursLoad(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).sort();
    expect(codes).toEqual(['VLV0101', 'VLV0105', 'VLV0108', 'VLV0201', 'VLV0303']);
  });
});
