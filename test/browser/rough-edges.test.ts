/**
 * The playground's rough edges a new user hit (issue 17), each as they met it: values cut with
 * "…", long rules scrolled sideways, a header that disagreed with the Problems panel, a `now`
 * pre-filled against its placeholder, a test row only clickable on its name, a cramped
 * `user.data` on a 1024×768 screen.
 */
import { describe, expect, it } from 'vitest';
import { found, reportMissingBrowser, usePlayground } from './harness.js';

reportMissingBrowser('playground rough edges in Chromium');

const SECTIONS = `event:
  "*": { publish: false, subscribe: true }
rpc:
  "*": { request: false, provide: false }
presence:
  "*": { allow: false }
`;

/** One long rule (about 400 characters) on a single line, as authors write them. */
const LONG = [
  "oldData !== null",
  "oldData.owner === user.id",
  ...['title', 'body', 'summary', 'author', 'editor', 'reviewer', 'section', 'category', 'language', 'status'].map((k) => `typeof data.${k} === 'string'`),
  "data.body.length < 100000",
].join(' && ');

describe.skipIf(!found)('playground rough edges in Chromium', () => {
  const { open, shot, loadRules, request } = usePlayground();

  it('counts notes in the header as the Problems panel does', async () => {
    const { page, problems } = await open();
    // `$id` unused: a note (VLV0406), and nothing else.
    await loadRules(page, `record:\n  "*": { read: false, create: false, write: false, delete: false, listen: false }\n  "doc/$id":\n    read: user.isAuthenticated\n${SECTIONS}`, {});
    expect(await page.evaluate(() => window.valvePlayground!.markers().map((m) => m.severity))).toEqual([2]);
    expect(await page.textContent('#problems-summary')).toBe('Problems (1)');
    expect(await page.textContent('#status')).toBe('1 note');
    expect(problems).toEqual([]);
  });

  it('starts the simulator on the clock: `now` is empty, as its placeholder says', async () => {
    const { page } = await open();
    expect(await page.getAttribute('#req-now', 'placeholder')).toBe('the clock');
    expect(await page.inputValue('#req-now')).toBe('');
  });

  it('loads a test into the simulator from anywhere on its row, not only its name', async () => {
    const { page, problems } = await open();
    await loadRules(page, `record:\n  "*": { read: false, create: false, write: false, delete: false, listen: false }\n${SECTIONS}`, {});
    await page.click('#tab-tests');
    await page.fill('#tests-text', 'permissions: permissions.yml\ntests:\n  - name: wrong on purpose\n    user: { id: bob }\n    record: chat/dev\n    action: read\n    expect: allow\n');
    await page.click('#run-tests');
    await expect.poll(() => page.textContent('#tests-summary')).toBe('0 passed, 1 failed');
    await page.click('#tests-list .test.fail .detail');
    await expect.poll(() => page.textContent('#verdict')).toBe('DENIED');
    expect(await page.inputValue('#req-user')).toBe('bob');
    expect(problems).toEqual([]);
  });

  it('wraps a long rule, so jumping to the deciding rule shows all of it without scrolling sideways', async () => {
    const { page, problems } = await open();
    await loadRules(page, `record:\n  "*": { read: false, create: false, write: false, delete: false, listen: false }\n  "doc/$id": { read: true, write: "${LONG}" }\n${SECTIONS}`, { 'doc/a': { owner: 'alice' } });
    await request(page, { user: 'alice', type: 'record', action: 'write', name: 'doc/a', data: '{"title": "t"}' });
    await page.click('#run');
    await expect.poll(() => page.textContent('#verdict')).toBe('DENIED');
    await page.click('#deciding-rule');
    const view = await page.evaluate(() => {
      const ed = window.valvePlayground!.editor as unknown as { getScrollLeft(): number; getScrollWidth(): number; getLayoutInfo(): { contentWidth: number } };
      return { left: ed.getScrollLeft(), width: ed.getScrollWidth(), content: ed.getLayoutInfo().contentWidth };
    });
    expect(view.left).toBe(0);
    expect(view.width).toBeLessThanOrEqual(view.content);
    await shot(page, 'edges-long-rule');
    expect(problems).toEqual([]);
  });

  it('shows an explain value whole: in the title, and wrapped once its step is clicked', async () => {
    const { page, problems } = await open();
    const long = 'x'.repeat(300);
    await loadRules(page, `record:\n  "*": { read: false, create: false, write: false, delete: false, listen: false }\n  "doc/$id": { read: "oldData.text !== '${'y'.repeat(20)}'", write: false }\n${SECTIONS}`, { 'doc/a': { text: long } });
    await request(page, { user: 'alice', type: 'record', action: 'read', name: 'doc/a' });
    await page.click('#run');
    await expect.poll(() => page.textContent('#verdict')).toBe('ALLOWED');
    const step = page.locator('#trace .step', { hasText: 'oldData.text' }).filter({ hasNotText: '!==' }).first();
    const value = step.locator('.step-value');
    expect(await value.textContent()).toBe(JSON.stringify(long));
    const cut = (): Promise<boolean> => value.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
    expect(await cut()).toBe(true);
    expect(await step.getAttribute('title')).toContain(JSON.stringify(long));
    await step.click();
    expect(await step.getAttribute('aria-expanded')).toBe('true');
    expect(await cut()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(page, 'edges-value-open');
    expect(problems).toEqual([]);
  });

  it('gives user.data room on a 1024×768 screen', async () => {
    const { page, problems } = await open();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(200);
    const box = await page.locator('#req-user-data').boundingBox();
    // `{ "role": "member" }` and more: at least about 30 characters of the monospace field.
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(page, 'edges-1024x768');
    expect(problems).toEqual([]);
  });
});
