/**
 * Makes docs/playground.png, the README's picture of the playground: the tour example with a
 * denied chat message and its explain trace. Run by hand after visible changes:
 *
 *   npx tsx test/browser/docs-screenshot.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureBuilt, readInitial, serveStatic } from '../../cli/commands/playground.js';
import { packageRoot } from '../../cli/package.js';

const root = packageRoot(import.meta.dirname);
const server = await serveStatic({ dist: ensureBuilt(root, { log: console.log }), port: 0, initial: readInitial(join(root, 'examples', 'permissions.yml')) });
const profile = mkdtempSync(join(tmpdir(), 'valve-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
});
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready]');
  // The picture shows the rules alone, whatever schema sits beside the example.
  await page.click('#tab-schema');
  await page.fill('#schema-text', '');
  await page.click('#tab-records');
  await page.fill('#records-text', JSON.stringify({ 'chat/dev': { title: 'Dev', createdBy: 'alice', members: ['alice', 'bob'], moderators: ['alice'], archived: false } }));
  await page.click('#tab-sim');
  await page.fill('#req-user', 'alice');
  await page.fill('#req-user-data', '{ "role": "member" }');
  await page.selectOption('#req-type', 'record');
  await page.selectOption('#req-action', 'write');
  await page.fill('#req-name', 'chat/dev/msg/alice-7');
  await page.fill('#req-now', '1717243200000');
  await page.fill('#req-data', '{ "author": "alice", "kind": "text", "text": "hi <script>", "sentAt": 1717243190000 }');
  await page.click('#run');
  await page.waitForSelector('.monaco-editor .view-lines .vx-false');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'docs', 'playground.png') });
  console.log('wrote docs/playground.png');
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
