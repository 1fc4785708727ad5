/**
 * The build's compile worker (issue #13, item 7): from dist/ (plain `node`, no tsx), the
 * plugin's hot reload starts dist/adapters/node/compile-worker.js and swaps its rules in. Needs
 * `npx tsc -p tsconfig.build.json` first, as every CLI test.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './golden.js';

const rules = (publish: boolean): string =>
  `record:\n  "*": { read: true, write: true }\nevent:\n  "*": { publish: ${publish}, subscribe: true }\nrpc:\n  "*": { provide: true, request: true }\npresence:\n  "*": { allow: true }\n`;

describe('the compile worker from the build', () => {
  it('compiles a reload in dist/adapters/node/compile-worker.js', () => {
    const built = join(ROOT, 'dist', 'adapters', 'deepstream', 'plugin.js');
    expect(existsSync(built), 'run `npx tsc -p tsconfig.build.json` first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'valve-dist-worker-'));
    try {
      const file = join(dir, 'rules.yml');
      writeFileSync(file, rules(true));
      const script = `
        import { writeFileSync } from 'node:fs';
        const { ValvePermission } = await import(${JSON.stringify(pathToFileURL(built).href)});
        const lines = [];
        const at = (level) => (event, message) => lines.push(level + ' ' + event + ' ' + message);
        const logger = { fatal: at('FATAL'), error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG') };
        const plugin = new ValvePermission({ permissions: ${JSON.stringify(file)} }, { logger });
        await plugin.whenReady();
        writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(rules(false))});
        await plugin.reload();
        const publish = { type: 'event', action: 'publish', name: 'x', user: { id: 'a', isAuthenticated: true, data: null } };
        console.log(JSON.stringify({ workerCompiles: plugin.workerCompiles, compiledOn: plugin.lastReload?.compiledOn, allowed: plugin.engine.check(publish).allowed, lines }));
        await plugin.close();
      `;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      const out = JSON.parse(run.stdout) as { workerCompiles: number; compiledOn: string; allowed: boolean; lines: string[] };
      expect(out.lines.filter((l) => !l.startsWith('INFO'))).toEqual([]);
      expect(out).toMatchObject({ workerCompiles: 1, compiledOn: 'worker', allowed: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
