/**
 * `valve playground [FILE]`: builds the playground when its build is missing or older than its
 * sources, then serves the static files on 127.0.0.1 (5173, or the next free port) with FILE's
 * text injected into the page, so it opens on that file. The page itself makes no request: the
 * compiler, the runtime and Monaco are all in the bundle. Ctrl-C stops the server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import { visible, errorText } from '../../grammar/index.js';
import { readRules, readSource, UsageError } from '../io.js';
import { packageRoot } from '../package.js';
import { untilSignalled, type ExitCode } from '../exit.js';

export const DEFAULT_PORT = 5173;
export const HOST = '127.0.0.1';
/** Ports tried after the first one before giving up. */
const PORT_ATTEMPTS = 20;

export const distDir = (root: string): string => join(root, 'playground', 'dist');

/** Everything the bundle is made from. */
const SOURCES = ['playground', 'grammar', 'compiler', 'engine', 'tooling', 'examples', 'package-lock.json'];

function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0; // a missing path is older than any build
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'dist' || entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why the playground must be (re)built, or undefined when the build is current. */
export function staleReason(root: string): string | undefined {
  const index = join(distDir(root), 'index.html');
  if (!existsSync(index)) return 'it has not been built yet';
  // An installed package ships the build without its sources (and without vite): that build is current.
  if (!existsSync(join(root, 'playground', 'main.ts'))) return undefined;
  const built = statSync(index).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(join(root, s)) > built);
  return changed === undefined ? undefined : `${changed} changed since the last build`;
}

/** Runs `vite build` for the playground (vite is a development dependency). */
export function buildPlayground(root: string, log: (line: string) => void = () => {}): void {
  const viteBin = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(viteBin)) throw new UsageError('the playground is not built and vite is not installed; run `npm install` in the repository first');
  const started = Date.now();
  const r = spawnSync(process.execPath, [viteBin, 'build', '--config', join('playground', 'vite.config.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the playground failed:\n${r.stderr || r.stdout}`);
  log(`built the playground in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds when needed; returns the dist folder. */
export function ensureBuilt(root: string, options: { force?: boolean; log?: (line: string) => void } = {}): string {
  const why = options.force ? 'a rebuild was asked for' : staleReason(root);
  if (why !== undefined) {
    options.log?.(`building the playground (${why})…`);
    buildPlayground(root, options.log);
  }
  return distDir(root);
}

/** What the page opens on: a rules file, and the test and schema files beside it when they exist. */
export interface InitialFile {
  readonly file: string;
  readonly rules: string;
  readonly tests?: string;
  readonly schema?: string;
}

export function readInitial(path: string): InitialFile {
  const { text: rules, tooLarge } = readRules(path);
  if (tooLarge) throw new UsageError(`cannot open ${visible(path)}: ${tooLarge.message}`);
  const stem = path.replace(/\.(ya?ml|json)$/i, '');
  const sibling = (candidates: string[]): string | undefined => {
    const found = candidates.find((c) => existsSync(c));
    return found === undefined ? undefined : readSource(found);
  };
  const tests = sibling([`${stem}.test.yml`, `${stem}.test.yaml`]);
  const schema = sibling([`${stem}.schema.yml`, `${stem}.schema.yaml`, `${stem}.schema.json`]);
  return { file: basename(path), rules, ...(tests !== undefined ? { tests } : {}), ...(schema !== undefined ? { schema } : {}) };
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

const MARK = '<!--valve-initial-->';

/** index.html with the initial file as inert JSON (`<` escaped, so no text can close the tag). */
export function injectInitial(html: string, initial: InitialFile | undefined): string {
  if (!initial) return html;
  const json = JSON.stringify(initial).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return html.replace(MARK, () => `<script id="valve-initial" type="application/json">${json}</script>`);
}

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface StaticServeOptions {
  readonly dist: string;
  readonly initial?: InitialFile;
  /** First port to try; 0 picks a free one. Default 5173. */
  readonly port?: number;
}

function handler(dist: string, initial: InitialFile | undefined, port: () => number) {
  const root = resolve(dist);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // Only this machine's own names: a page elsewhere can not reach the server by DNS rebinding.
    const host = (req.headers.host ?? '').toLowerCase();
    if (![`127.0.0.1:${port()}`, `localhost:${port()}`].includes(host)) return send(403, 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', undefined, { Allow: 'GET, HEAD' });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (path === '/' || path === '/index.html') {
      const html = readFileSync(join(root, 'index.html'), 'utf8');
      return send(200, injectInitial(html, initial), TYPES['.html'], { 'Cache-Control': 'no-store' });
    }
    const file = resolve(root, `.${path}`);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'not found\n');
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream', { 'Cache-Control': 'no-cache' });
  };
}

/** Serves the built playground on 127.0.0.1, on the first free port from `port`. */
export async function serveStatic(options: StaticServeOptions): Promise<StaticServer> {
  const first = options.port ?? DEFAULT_PORT;
  let bound = 0;
  const server = createServer(handler(options.dist, options.initial, () => bound));
  for (let attempt = 0; ; attempt++) {
    const port = first === 0 ? 0 : first + attempt;
    try {
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(port, HOST, () => {
          server.off('error', fail);
          ok();
        });
      });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || first === 0 || attempt + 1 >= PORT_ATTEMPTS) {
        throw new UsageError(code === 'EADDRINUSE' ? `ports ${first}–${first + PORT_ATTEMPTS - 1} are all in use; try --port N` : `cannot listen on ${HOST}:${port}: ${errorText(e)}`);
      }
    }
  }
  bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${bound}/`,
    port: bound,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      })),
  };
}

export interface PlaygroundOptions {
  readonly port?: number;
  readonly rebuild?: boolean;
}

/** Reads FILE (a missing file is a usage error, thrown before anything starts). */
export function playgroundInitial(file: string | undefined): InitialFile | undefined {
  if (file !== undefined) return readInitial(file);
  const example = join(packageRoot(), 'examples', 'permissions.yml');
  return existsSync(example) ? readInitial(example) : undefined;
}

/** The command: build if needed, serve, print the address, run until Ctrl-C. Returns the exit code. */
export async function runPlayground(file: string | undefined, options: PlaygroundOptions = {}): Promise<ExitCode> {
  const initial = playgroundInitial(file);
  const log = (line: string): void => void process.stdout.write(`valve playground: ${line}\n`);
  const dist = ensureBuilt(packageRoot(), { force: options.rebuild, log });
  const server = await serveStatic({ dist, initial, port: options.port });
  log(`${initial ? `${file ?? 'examples/permissions.yml'} at ` : ''}${server.url}`);
  process.stdout.write('  open it in a browser; press Ctrl-C to stop\n');
  return untilSignalled('playground', () => server.close());
}
