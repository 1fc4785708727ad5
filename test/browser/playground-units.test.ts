/**
 * The playground's browser-free parts, in Node (no Chromium needed): sharing, the request form,
 * completion and hover answers, the example test files, and `valve playground`'s server.
 */
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectInitial, readInitial, serveStatic, staleReason } from '../../cli/commands/playground.js';
import { packageRoot } from '../../cli/package.js';
import { compile } from '../../engine/rules-module.js';
import { parseTestFile, runTests } from '../../tooling/test-file.js';
import { complete, hover } from '../../editor/index.js';
import { decodeState, encodeState } from '../../playground/share.js';
import { DEFAULT_REQUEST, formFromRequest, toCheckRequest, toState, type PlaygroundState } from '../../playground/state.js';
import { segments, stepClass } from '../../playground/trace.js';
import { explain } from '../../tooling/explain.js';

const root = packageRoot(import.meta.dirname);

const RULES = `record:
  "*":
    read: true
  chat/$roomId:
    read: "user.id === $roomId"
    write: data.title === oldData.title
    create: user.id === 'a'
event:
  "*": { publish: "data.x === 1", subscribe: true }
rpc:
  "*": { request: true }
presence:
  "*": { allow: true }
`;

/** Offset just after the first occurrence of `marker` (which is then removed from the text). */
function at(text: string, marker = '‸'): { text: string; offset: number } {
  const offset = text.indexOf(marker);
  return { text: text.replace(marker, ''), offset };
}

describe('share', () => {
  const state: PlaygroundState = {
    v: 1,
    file: 'rules.yml',
    rules: RULES,
    schema: 'user: {}',
    records: '{"chat/a": {"title": "x"}}',
    tests: 'tests: []',
    request: { ...DEFAULT_REQUEST, userId: 'zoé', name: 'chat/a', data: '{"title": "<b>"}' },
  };

  it('puts the whole state in the fragment and restores it', () => {
    const hash = encodeState(state);
    expect(hash).toMatch(/^#s=[A-Za-z0-9+\-$]+$/);
    expect(decodeState(hash)).toEqual(state);
  });

  it('ignores damaged or foreign fragments, and repairs bad fields', () => {
    expect(decodeState('#s=garbage!!')).toBeUndefined();
    expect(decodeState('#other')).toBeUndefined();
    expect(toState({ v: 2, rules: '' })).toBeUndefined();
    const repaired = toState({ v: 1, rules: 'x', request: { type: 'nope', action: 'fly', authenticated: 'yes' } });
    expect(repaired?.request.type).toBe('record');
    expect(repaired?.request.action).toBe('create');
    expect(repaired?.request.authenticated).toBe(true);
  });
});

describe('the simulator form', () => {
  it('builds a request; unauthenticated means user id "open"', () => {
    const r = toCheckRequest({ ...DEFAULT_REQUEST, authenticated: false, name: 'a/b', data: '{"x": 1}', userData: '{"role": "admin"}' });
    expect(r).toEqual({ ok: true, value: { type: 'record', action: 'read', name: 'a/b', user: { id: 'open', isAuthenticated: false, data: { role: 'admin' } }, data: { x: 1 } } });
  });

  it('builds a patch, and reports bad JSON by field', () => {
    const r = toCheckRequest({ ...DEFAULT_REQUEST, action: 'write', mode: 'patch', patchPath: 'a.b', patchValue: '2', now: '5' });
    expect(r.ok && r.value.patch).toEqual({ path: 'a.b', value: 2 });
    expect(r.ok && r.value.now).toBe(5);
    const bad = toCheckRequest({ ...DEFAULT_REQUEST, data: '{nope' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.field).toBe('data');
  });

  it('shows a test request as the form does', () => {
    const f = formFromRequest({ type: 'event', action: 'publish', name: 'e', user: { id: 'bob', data: { r: 1 } }, data: { x: 1 }, now: 7 });
    expect(f).toMatchObject({ userId: 'bob', authenticated: true, type: 'event', action: 'publish', name: 'e', userData: '{"r":1}', now: '7', mode: 'data' });
    expect(JSON.parse(f.data)).toEqual({ x: 1 });
  });
});

describe('completion and hover', () => {
  const labels = (text: string, schema = ''): string[] | undefined => {
    const p = at(text);
    return complete(p.text, p.offset, schema)?.items.map((i) => i.label);
  };

  it('offers the names available in the rule: data only where the action carries it', () => {
    expect(labels(RULES.replace("user.id === 'a'", "user.id === 'a' && ‸"))).toEqual(expect.arrayContaining(['user', 'now', 'name', 'action', '_()']));
    expect(labels(RULES.replace("user.id === 'a'", "user.id === 'a' && ‸"))).not.toContain('data');
    expect(labels(RULES.replace('data.title === oldData.title', 'data.title === oldData.title && ‸'))).toEqual(expect.arrayContaining(['data', 'oldData', '$roomId']));
  });

  it('offers user fields after `user.` and methods after other values', () => {
    expect(labels(RULES.replace('"user.id === $roomId"', '"user.‸id === $roomId"'))).toEqual(['id', 'isAuthenticated', 'data']);
    expect(labels(RULES.replace('"user.id === $roomId"', '"$roomId.‸"'))).toEqual(expect.arrayContaining(['startsWith', 'includes', 'toLowerCase', 'length']));
  });

  it('offers field names from the schema', () => {
    const schema = 'record:\n  "chat/$roomId": { type: object, properties: { title: { type: string }, members: { type: array, items: { type: string } } } }\n';
    const got = labels(RULES.replace('data.title === oldData.title', 'data.‸'), schema);
    expect(got?.slice(0, 2)).toEqual(['title', 'members']);
  });

  it("hovers show the type checker's types from the schema", () => {
    const schema = 'user: { type: object, properties: { role: { enum: [admin, member] } } }\nrecord:\n  "chat/$roomId": { type: object, properties: { title: { type: string } } }\n';
    const p = at(RULES.replace('data.title === oldData.title', 'data.ti‸tle === user.data.role'));
    expect(hover(p.text, p.offset, schema)?.contents).toContain('data.title: string');
    const r = at(RULES.replace('data.title === oldData.title', 'data.title === user.data.ro‸le'));
    expect(hover(r.text, r.offset, schema)?.contents).toMatch(/user\.data\.role: 'admin' \| 'member'/);
  });

  it('offers the same after `?.` as after `.`, and hovers show the type of the `?.` read', () => {
    const schema = 'user: { type: object, properties: { role: { enum: [admin, member] } } }\nrecord:\n  "chat/$roomId": { type: object, properties: { title: { type: string } } }\n';
    expect(labels(RULES.replace('"user.id === $roomId"', '"user?.‸"'))).toEqual(['id', 'isAuthenticated', 'data']);
    expect(labels(RULES.replace('data.title === oldData.title', 'oldData?.‸'), schema)?.[0]).toBe('title');
    expect(labels(RULES.replace('data.title === oldData.title', 'data?.title?.‸'), schema)).toEqual(expect.arrayContaining(['startsWith', 'trim', 'length']));
    const r = at(RULES.replace('data.title === oldData.title', 'user.data?.ro‸le === "admin"'));
    expect(hover(r.text, r.offset, schema)?.contents).toContain("user.data?.role: 'admin' | 'member' | undefined");
    const m = at(RULES.replace('data.title === oldData.title', "data.title?.starts‸With('a')"));
    expect(hover(m.text, m.offset, schema)?.contents).toContain('startsWith(…): boolean');
  });

  it('offers nothing outside rules or inside strings', () => {
    expect(labels(RULES.replace('record:', 'rec‸ord:'))).toBeUndefined();
    expect(labels(RULES.replace("user.id === 'a'", "user.id === 'a‸'"))).toBeUndefined();
  });

  it('gives types on hover, and what an action key allows', () => {
    const p = at(RULES.replace('"user.id === $roomId"', '"user.id === $ro‸omId"'));
    expect(hover(p.text, p.offset, '')?.contents).toContain('$roomId: string');
    const m = at(RULES.replace('user.id === $roomId', 'name.starts‸With(user.id)'));
    expect(hover(m.text, m.offset, '')?.contents).toContain('startsWith(…): boolean');
    const k = at(RULES.replace('    write: data', '    wr‸ite: data'));
    expect(hover(k.text, k.offset, '')?.contents).toContain('`data`, `oldData`');
    const u = at(RULES.replace('"user.id === $roomId"', '"user.i‸d === $roomId"'));
    expect(hover(u.text, u.offset, '')?.contents).toContain('user.id: string');
  });
});

describe('explain colours', () => {
  it('gives each stretch of the rule the colour of the innermost true/false/skipped sub-expression', async () => {
    const text = RULES.replace('data.title === oldData.title', 'oldData.title === "a" || data.title === "b" && now > 0');
    const { module } = compile(text);
    const ex = await explain(module!.program, text, { type: 'record', action: 'write', name: 'chat/x', user: { id: 'u' }, data: { title: 'z' } }, { loadRecord: () => ({ title: 'q' }) });
    const painted = segments(ex.steps).map((g) => [text.slice(g.start, g.end), stepClass(g.step)]);
    expect(painted).toEqual([
      ['oldData.title === "a"', 'vx-false'],
      [' || ', 'vx-false'],
      ['data.title === "b"', 'vx-false'],
      [' && ', 'vx-false'],
      // Never evaluated: each part is its own (grey) step.
      ['now', 'vx-skipped'],
      [' > ', 'vx-skipped'],
      ['0', 'vx-skipped'],
    ]);
  });
});

describe("the playground's example tests", () => {
  for (const name of ['permissions', 'chat', 'todo', 'game-lobby']) {
    it(`playground/examples/${name}.test.yml passes against examples/${name}.yml`, async () => {
      const rules = readFileSync(join(root, 'examples', `${name}.yml`), 'utf8');
      const { module } = compile(rules, { file: `${name}.yml` });
      const parsed = parseTestFile(readFileSync(join(root, 'playground', 'examples', `${name}.test.yml`), 'utf8'), `${name}.test.yml`);
      expect(parsed.errors).toEqual([]);
      const results = await runTests(parsed.suite!, module!, rules);
      expect(results.filter((r) => !r.passed).map((r) => r.test.name)).toEqual([]);
    });
  }
});

describe('valve playground: the server', () => {
  const dist = mkdtempSync(join(tmpdir(), 'valve-pg-'));
  writeFileSync(join(dist, 'index.html'), '<html><body><!--valve-initial--></body></html>');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'a.js'), 'export {};');

  const get = (port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type?: string }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
      });
      req.on('error', reject);
      req.end();
    });

  it('injects the initial file as inert JSON and serves the assets', async () => {
    const server = await serveStatic({ dist, port: 0, initial: { file: 'x.yml', rules: 'a: "</script><script>alert(1)</script>"' } });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const page = await get(server.port, '/');
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('</script><script>alert');
      const json = /<script id="valve-initial" type="application\/json">(.*)<\/script>/.exec(page.body)?.[1];
      expect(JSON.parse(json ?? '')).toEqual({ file: 'x.yml', rules: 'a: "</script><script>alert(1)</script>"' });
      expect((await get(server.port, '/assets/a.js')).type).toContain('text/javascript');
    } finally {
      await server.close();
    }
  });

  it('refuses other hosts, other methods and paths outside the build', async () => {
    const server = await serveStatic({ dist, port: 0 });
    try {
      expect((await get(server.port, '/', { Host: 'evil.example:80' })).status).toBe(403);
      expect((await get(server.port, '/', {}, 'POST')).status).toBe(405);
      expect((await get(server.port, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
      expect((await get(server.port, '/nope.js')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('moves to the next port when the first is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const server = await serveStatic({ dist, port: taken });
      expect(server.port).toBeGreaterThan(taken);
      await server.close();
    } finally {
      blocker.close();
    }
  });

  it('knows when the build is missing or older than its sources', () => {
    const fake = mkdtempSync(join(tmpdir(), 'valve-root-'));
    mkdirSync(join(fake, 'playground', 'dist'), { recursive: true });
    expect(staleReason(fake)).toMatch(/not been built/);
    writeFileSync(join(fake, 'playground', 'main.ts'), '');
    writeFileSync(join(fake, 'playground', 'dist', 'index.html'), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(fake, 'playground', 'main.ts'), old, old);
    utimesSync(join(fake, 'playground'), old, old);
    expect(staleReason(fake)).toBeUndefined();
    writeFileSync(join(fake, 'playground', 'main.ts'), 'changed');
    expect(staleReason(fake)).toMatch(/playground changed/);
  });

  it('opens a rules file with the test and schema files beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'valve-files-'));
    writeFileSync(join(dir, 'app.yml'), RULES);
    writeFileSync(join(dir, 'app.test.yml'), 'tests: []');
    writeFileSync(join(dir, 'app.schema.json'), '{}');
    expect(readInitial(join(dir, 'app.yml'))).toEqual({ file: 'app.yml', rules: RULES, tests: 'tests: []', schema: '{}' });
    expect(injectInitial('<!--valve-initial-->', undefined)).toBe('<!--valve-initial-->');
  });
});
