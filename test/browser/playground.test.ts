/**
 * The playground in a real browser (test/browser/harness.ts starts it): each scenario leaves a
 * screenshot in test/browser/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { found, RECORDS, reportMissingBrowser, RULES, usePlayground } from './harness.js';

reportMissingBrowser('playground in Chromium');

describe.skipIf(!found)('playground in Chromium', () => {
  const { open, shot, loadRules, setLine, hasMarker, request, url: baseUrl } = usePlayground();

  it('loads examples/permissions.yml with no console errors and no outside requests', async () => {
    const { page, problems } = await open();
    await page.waitForFunction(() => window.valvePlayground!.settled());
    expect(await page.textContent('#status')).toMatch(/No problems|errors?, \d+ warnings?/);
    expect(await page.textContent('#file-name')).toBe('permissions.yml');
    expect(await page.locator('.monaco-editor .view-lines').textContent()).toContain('record:');
    // Rule strings are highlighted with the rule lexer's tokens, keys and comments as YAML.
    const tokens = await page.evaluate(() => window.valvePlayground!.tokens('  chat/$id:\n    read: "user.id === $id && data.x.startsWith(\'a\')" # c'));
    expect(tokens[1]).toEqual(expect.arrayContaining(['type.yaml', 'predefined.valve', 'property.valve', 'variable.valve', 'method.valve', 'string.valve', 'comment.yaml']));
    await page.waitForTimeout(300);
    await shot(page, '1-loaded');
    expect(problems).toEqual([]);
  });

  it('shows an unknown identifier as an error marker on its line within a second, and clears it when fixed', async () => {
    const { page, problems } = await open();
    await loadRules(page, RULES, RECORDS);
    const line = RULES.split('\n').findIndex((l) => l.includes('read: user.isAuthenticated')) + 1;
    await page.evaluate((n) => {
      const ed = window.valvePlayground!.editor;
      ed.setPosition({ lineNumber: n, column: ed.getModel()!.getLineMaxColumn(n) });
      ed.focus();
    }, line);
    const typed = ' && usr.id';
    await page.keyboard.type(typed);
    const t0 = Date.now();
    await page.waitForFunction((n) => window.valvePlayground!.markers().some((m) => m.startLineNumber === n && m.code === 'VLV0301' && m.message.includes('`usr`')), line, { timeout: 1000 });
    const appearedMs = Date.now() - t0;
    await page.waitForSelector('.monaco-editor .squiggly-error');
    expect(await page.textContent('#problems')).toContain('VLV0301');
    await shot(page, '2-unknown-identifier');
    for (let i = 0; i < typed.length; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(() => !window.valvePlayground!.markers().some((m) => m.code === 'VLV0301'), undefined, { timeout: 1000 });
    await page.waitForSelector('.monaco-editor .squiggly-error', { state: 'detached' });
    expect(await hasMarker(page, line, '`usr`')).toBe(false);
    process.stdout.write(`playground: marker appeared ${appearedMs} ms after typing\n`);
    expect(problems).toEqual([]);
  });

  it('runs an allowed and a denied request: verdict, deciding rule (which jumps to the rule), $variables', async () => {
    const { page, problems } = await open();
    await loadRules(page, RULES, RECORDS);
    await request(page, { user: 'alice', type: 'record', action: 'read', name: 'chat/dev' });
    await page.click('#run');
    await expect.poll(() => page.textContent('#verdict')).toBe('ALLOWED');
    expect(await page.textContent('#deciding-rule')).toContain('chat/$roomId');
    expect(await page.textContent('#deciding-rule')).toContain('read');
    expect(await page.textContent('.vars')).toContain('"dev"');
    await shot(page, '3-allowed');

    await request(page, { user: 'bob', type: 'record', action: 'read', name: 'chat/dev' });
    // Keyboard: Ctrl+Enter runs the simulator from anywhere.
    await page.focus('#req-name');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('#verdict')).toBe('DENIED');
    expect(await page.textContent('#deciding-rule')).toContain('chat/$roomId');
    await page.click('#deciding-rule');
    const ruleLine = RULES.split('\n').findIndex((l) => l.includes("read: \"$roomId === 'general'")) + 1;
    expect(await page.evaluate(() => window.valvePlayground!.editor.getSelection()?.startLineNumber)).toBe(ruleLine);
    await shot(page, '3-denied');
    expect(problems).toEqual([]);
  });

  it('highlights the explain trace in the editor: true green, false red, not evaluated grey', async () => {
    const { page, problems } = await open();
    await loadRules(page, RULES, RECORDS);
    await request(page, { user: 'bob', type: 'record', action: 'write', name: 'chat/dev', data: '{"title": "x"}' });
    await page.click('#run');
    await expect.poll(() => page.textContent('#verdict')).toBe('DENIED');
    // `oldData.moderators.includes(user.id)` is false, so `data.title.length > 0` is never evaluated.
    await page.waitForSelector('.monaco-editor .view-lines .vx-false');
    await page.waitForSelector('.monaco-editor .view-lines .vx-skipped');
    expect(await page.locator('#trace li').count()).toBeGreaterThan(3);
    expect(await page.locator('#trace .vx-skipped').count()).toBeGreaterThan(0);

    await request(page, { user: 'alice', type: 'record', action: 'write', name: 'chat/dev', data: '{"title": "x"}' });
    await page.click('#run');
    await expect.poll(() => page.textContent('#verdict')).toBe('ALLOWED');
    await page.waitForSelector('.monaco-editor .view-lines .vx-true');
    expect(await page.evaluate(() => window.valvePlayground!.explainDecorations())).toBeGreaterThan(1);
    await shot(page, '4-explain');
    // Editing the rules clears the highlights (they would be stale).
    await page.evaluate(() => window.valvePlayground!.editor.focus());
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await expect.poll(() => page.evaluate(() => window.valvePlayground!.explainDecorations())).toBe(0);
    expect(problems).toEqual([]);
  });

  it('restores the same state from a shared URL', async () => {
    const { page, problems } = await open();
    await loadRules(page, `${RULES}# shared\n`, RECORDS);
    await page.click('#tab-schema');
    await page.fill('#schema-text', 'record:\n  "chat/$roomId": { type: object, properties: { title: { type: string } } }\n');
    await page.click('#tab-sim');
    await request(page, { user: 'carol', type: 'event', action: 'publish', name: 'news/today', data: '{"a": 1}' });
    await page.click('#share');
    const url = await page.inputValue('#share-url');
    expect(url.startsWith(`${baseUrl()}#s=`)).toBe(true);
    const before = await page.evaluate(() => window.valvePlayground!.state());

    const other = await open(url.slice(baseUrl().length));
    const after = await other.page.evaluate(() => window.valvePlayground!.state());
    expect(after).toEqual(before);
    expect(await other.page.inputValue('#req-user')).toBe('carol');
    await other.page.click('#run');
    await expect.poll(() => other.page.textContent('#verdict')).toBe('DENIED');
    await shot(other.page, '5-shared');
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
  });

  it('runs the Tests tab and shows pass/fail counts; a failure loads into the simulator', async () => {
    const { page, problems } = await open();
    await loadRules(page, RULES, {});
    await page.click('#tab-tests');
    await page.fill(
      '#tests-text',
      `permissions: permissions.yml
records:
  chat/dev: { members: [alice], moderators: [alice] }
tests:
  - name: members read their room
    user: { id: alice }
    record: chat/dev
    action: read
    expect: allow
  - name: everyone reads general
    user: { id: bob }
    record: chat/general
    action: read
    expect: allow
  - name: this one is wrong on purpose
    user: { id: bob }
    record: chat/dev
    action: read
    expect: allow
`,
    );
    await page.click('#run-tests');
    await expect.poll(() => page.textContent('#tests-summary')).toBe('2 passed, 1 failed');
    expect(await page.locator('#tests-list .test.fail').count()).toBe(1);
    await shot(page, '6-tests');
    await page.click('#tests-list .test.fail button');
    await expect.poll(() => page.textContent('#verdict')).toBe('DENIED');
    expect(await page.inputValue('#req-user')).toBe('bob');
    expect(problems).toEqual([]);
  });

  it('checks the Records tab as you type, reading it as the simulator does', async () => {
    const { page, problems } = await open();
    await page.click('#tab-records');
    await page.fill('#records-text', '[1, 2]');
    await expect.poll(() => page.textContent('#records-error')).toBe('Records 1:1: records must be an object mapping record names to their data, not a list');
    await page.fill('#records-text', 'chat/dev: { members: [alice] }'); // YAML, which Run accepts too
    await expect.poll(() => page.textContent('#records-error')).toBe('');
    await page.fill('#records-text', '{"chat/dev": ');
    await expect.poll(() => page.textContent('#records-error')).toMatch(/^Records 1:\d+: /);
    await page.fill('#records-text', '');
    await expect.poll(() => page.textContent('#records-error')).toBe('');
    expect(problems).toEqual([]);
  });

  it('completes names available in the rule and shows types on hover', async () => {
    const { page, problems } = await open();
    await loadRules(page, RULES, RECORDS);
    const line = RULES.split('\n').findIndex((l) => l.includes('write: oldData.moderators')) + 1;
    await page.evaluate((n) => {
      const ed = window.valvePlayground!.editor;
      ed.setPosition({ lineNumber: n, column: ed.getModel()!.getLineMaxColumn(n) });
      ed.focus();
    }, line);
    await page.keyboard.type(' && user.');
    await page.waitForSelector('.suggest-widget.visible');
    const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['id', 'isAuthenticated', 'data']));
    await page.keyboard.press('Escape');
    await page.keyboard.type('id && $');
    await page.waitForSelector('.suggest-widget.visible');
    expect(await page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents()).toContain('$roomId');
    await shot(page, '7-completion');
    await page.keyboard.press('Escape');
    // Hover (from the keyboard: Ctrl+K Ctrl+I) on `$roomId` in the rule above.
    await page.evaluate((n) => {
      const ed = window.valvePlayground!.editor as unknown as { setPosition(p: object): void; trigger(s: string, id: string, a: object): void };
      ed.setPosition({ lineNumber: n, column: 14 });
      ed.trigger('test', 'editor.action.showHover', {});
    }, line - 1);
    await expect.poll(() => page.locator('.monaco-hover-content').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('$roomId: string')]));
    expect(problems).toEqual([]);
  });

  it('type-checks against the schema tab: a misspelt field becomes an error marker', async () => {
    const { page, problems } = await open();
    const rules = RULES.replace('data.title.length > 0', 'data.titel.length > 0');
    await loadRules(page, rules, RECORDS);
    const line = rules.split('\n').findIndex((l) => l.includes('data.titel')) + 1;
    expect(await hasMarker(page, line, '`titel`')).toBe(false);
    await page.click('#tab-schema');
    await page.fill('#schema-text', 'record:\n  "chat/$roomId": { type: object, additionalProperties: false, properties: { title: { type: string } } }\n');
    await page.waitForFunction((n) => window.valvePlayground!.markers().some((m) => m.startLineNumber === n && m.message.includes('`titel`')), line, { timeout: 2000 });
    expect(await page.textContent('#problems')).toContain('did you mean `title`?');
    await shot(page, '9-schema');
    // A broken schema is reported in the Schema tab, not as markers in the rules.
    await page.fill('#schema-text', 'record: [');
    await expect.poll(() => page.locator('#schema-problems li').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('loads an example from the Examples menu, with its tests', async () => {
    const { page, problems } = await open();
    await page.selectOption('#examples', 'chat');
    await expect.poll(() => page.textContent('#file-name')).toBe('chat.yml');
    expect(await page.evaluate(() => (window.valvePlayground!.state() as { rules: string }).rules)).toContain('# Chat:');
    await page.click('#tab-tests');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('#tests-summary'), { timeout: 15_000 }).toMatch(/^[1-9]\d* passed, 0 failed$/);
    expect(problems).toEqual([]);
  });

  it('re-checks a 1,000-rule file after each edit, with the error on the edited line (prints the p50 time; not asserted)', async () => {
    const { page, problems } = await open();
    const body = Array.from({ length: 1000 }, (_, i) => `  "items/${i}/$id":\n    read: "user.id === $id && $id !== 'x${i}'"\n`).join('');
    const big = `record:\n  "*":\n    read: false\n${body}event:\n  "*": { publish: false }\nrpc:\n  "*": { request: false }\npresence:\n  "*": { allow: false }\n`;
    await loadRules(page, big, {});
    const before = (await page.evaluate(() => window.valvePlayground!.recheckTimes())).length;
    const EDITS = 15;
    for (let k = 0; k < EDITS; k++) {
      const line = 5 + 2 * (k * 61 % 1000); // a rule line far from the last one
      // Each edit misspells `user` on one rule (an error marker there) and the next edit restores it.
      await setLine(page, line, `    read: "usr.id === $id"`);
      await page.waitForFunction(() => window.valvePlayground!.settled(), undefined, { timeout: 30_000 });
      expect(await hasMarker(page, line, '`usr`')).toBe(true);
      await setLine(page, line, `    read: "user.id === $id"`);
      await page.waitForFunction(() => window.valvePlayground!.settled(), undefined, { timeout: 30_000 });
      expect(await hasMarker(page, line, '`usr`')).toBe(false);
    }
    const times = (await page.evaluate(() => window.valvePlayground!.recheckTimes())).slice(before);
    expect(times.length).toBe(2 * EDITS);
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    process.stdout.write(`playground: re-check of a 1,000-rule file in the worker (send to markers shown), ${times.length} edits: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms\n`);
    expect(problems).toEqual([]);
  }, 240_000);

  it('fits a laptop screen: nothing overflows sideways at 1024 px', async () => {
    const { page, problems } = await open();
    await page.setViewportSize({ width: 1024, height: 640 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await page.locator('#run').isVisible()).toBe(true);
    await shot(page, '8-laptop');
    expect(problems).toEqual([]);
  });
});
