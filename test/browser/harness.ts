/**
 * The browser tests' shared set-up: Debian's Chromium driven by playwright-core, against the
 * built playground served by `valve playground`'s own server on a free 127.0.0.1 port, and the
 * helpers the scenarios drive the page with. Without /usr/bin/chromium a suite is skipped (with a
 * message), unless VALVE_REQUIRE_BROWSER=1 (set by .ci/run), which makes that a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, readInitial, serveStatic, type StaticServer } from '../../cli/commands/playground.js';
import { packageRoot } from '../../cli/package.js';

/** Debian's Chromium; VALVE_CHROMIUM points elsewhere (another distribution, or to try the skip path). */
const CHROMIUM = process.env.VALVE_CHROMIUM ?? '/usr/bin/chromium';
export const found = existsSync(CHROMIUM);
const required = process.env.VALVE_REQUIRE_BROWSER === '1';
const root = packageRoot(import.meta.dirname);
const shots = join(root, 'test', 'browser', 'screenshots');
const INSTALL = 'install it with `apt-get install -y chromium` (Debian), then run `npm test` again';

/** Registers the skip (or, with VALVE_REQUIRE_BROWSER=1, the failure) when Chromium is missing. */
export function reportMissingBrowser(suite: string): void {
  if (found) return;
  process.stderr.write(`\nbrowser tests ${required ? 'FAILED' : 'skipped'}: ${CHROMIUM} was not found; ${INSTALL}\n\n`);
  describe(suite, () => {
    if (required) it('needs Chromium because VALVE_REQUIRE_BROWSER=1', () => expect.fail(`${CHROMIUM} not found; ${INSTALL}`));
    else it.skip(`skipped: ${CHROMIUM} not found; ${INSTALL}`, () => {});
  });
}

/** Small rules whose lines the scenarios refer to by content. */
export const RULES = `record:
  "*":
    read: user.isAuthenticated
    write: false
  chat/$roomId:
    read: "$roomId === 'general' || oldData.members.includes(user.id)"
    write: oldData.moderators.includes(user.id) && data.title.length > 0
event:
  "*": { publish: false, subscribe: true }
rpc:
  "*": { request: user.isAuthenticated }
presence:
  "*": { allow: true }
`;
export const RECORDS = { 'chat/dev': { title: 'Dev', members: ['alice'], moderators: ['alice'] } };

declare global {
  interface Window {
    valvePlayground?: {
      readonly editor: { setPosition(p: { lineNumber: number; column: number }): void; focus(): void; getSelection(): { startLineNumber: number } | null; getModel(): { getLineContent(n: number): string; getLineMaxColumn(n: number): number } | null };
      readonly state: () => unknown;
      readonly markers: () => { code?: unknown; startLineNumber: number; message: string; severity: number }[];
      readonly explainDecorations: () => number;
      readonly settled: () => boolean;
      readonly tokens: (text: string) => string[][];
      readonly recheckTimes: () => readonly number[];
      readonly ready: Promise<void>;
    };
  }
}

/**
 * Inside a describe: starts the server and Chromium before the suite's tests and stops both
 * after; returns what the scenarios drive the page with.
 */
export function usePlayground() {
  let server: StaticServer;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const dist = ensureBuilt(root, { log: (l) => process.stdout.write(`playground: ${l}\n`) });
    server = await serveStatic({ dist, port: 0, initial: readInitial(join(root, 'examples', 'permissions.yml')) });
    profile = mkdtempSync(join(tmpdir(), 'valve-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A fresh page on `hash`, ready; console errors, page errors and outside requests are collected. */
  async function open(hash = ''): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`outside request: ${r.url()}`);
    });
    await page.goto(server.url + hash);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    return { page, problems };
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) });

  /** Replaces the rules and the records through the page (as a person pasting them would). */
  async function loadRules(page: Page, rules: string, records: unknown): Promise<void> {
    await page.evaluate(
      ([r, rec]) => {
        const ed = window.valvePlayground!.editor as unknown as { setValue(v: string): void };
        ed.setValue(r);
        const area = document.getElementById('records-text') as HTMLTextAreaElement;
        area.value = rec;
        // No schema (the page may have opened with examples/permissions.schema.yml).
        const schema = document.getElementById('schema-text') as HTMLTextAreaElement;
        schema.value = '';
        schema.dispatchEvent(new Event('input'));
      },
      [rules, JSON.stringify(records)] as const,
    );
    // The checker may warn (e.g. about `oldData` being null); errors would spoil the scenario.
    await page.waitForFunction(() => window.valvePlayground!.settled());
    expect(await page.evaluate(() => window.valvePlayground!.markers().filter((m) => m.severity === 8).map((m) => m.message))).toEqual([]);
  }

  /** Replaces line `n` of the rules in the editor, as typing over it would. */
  const setLine = (page: Page, n: number, text: string): Promise<void> =>
    page.evaluate(([line, t]) => {
      const ed = window.valvePlayground!.editor as unknown as { executeEdits(s: string, e: { range: unknown; text: string }[]): void; getModel(): { getLineMaxColumn(n: number): number } };
      ed.executeEdits('test', [{ range: { startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: ed.getModel().getLineMaxColumn(line) }, text: t }]);
    }, [n, text] as const);

  const hasMarker = (page: Page, line: number, text: string): Promise<boolean> =>
    page.evaluate(([n, t]) => window.valvePlayground!.markers().some((m) => m.startLineNumber === n && m.message.includes(t)), [line, text] as const);

  async function request(page: Page, r: { user: string; type: string; action: string; name: string; data?: string }): Promise<void> {
    await page.fill('#req-user', r.user);
    await page.selectOption('#req-type', r.type);
    await page.selectOption('#req-action', r.action);
    await page.fill('#req-name', r.name);
    await page.fill('#req-data', r.data ?? '');
  }

  /** The server's base URL (known once the suite has started). */
  const url = (): string => server.url;
  return { open, shot, loadRules, setLine, hasMarker, request, url };
}
