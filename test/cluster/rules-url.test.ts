/**
 * Rules distributed without a shared filesystem (issue 16): two `valve serve` nodes poll one
 * URL served by this test (ETag and If-None-Match, so an unchanged body costs a 304). A new body
 * reaches both (GET /valve reports it, the time is printed); a broken one is refused by both,
 * which keep their rules; a server that fails is logged once per outage and polling goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rulesVersion, ValvePermission, type DeepstreamLogger } from '../../adapters/deepstream/index.js';
import { TestClient } from '../e2e/helpers/client.js';
import { publisherRules, built, startNode, untilEveryNode, type Node } from './helpers/nodes.js';

const rules = publisherRules;

/** The rules server: one body at /rules.yml, its ETag, and what it answered. */
class RulesServer {
  body = rules('alice');
  failing = false;
  readonly answered = { full: 0, notModified: 0, failed: 0 };
  readonly server: Server = createServer((req, res) => {
    if (this.failing) {
      this.answered.failed++;
      res.writeHead(503).end('down for maintenance');
      return;
    }
    const etag = `"${createHash('sha256').update(this.body).digest('hex').slice(0, 20)}"`;
    if (req.headers['if-none-match'] === etag) {
      this.answered.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    this.answered.full++;
    res.writeHead(200, { etag, 'content-type': 'application/yaml' }).end(this.body);
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/rules.yml`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('rules polled from a URL by every node', () => {
  const served = new RulesServer();
  let nodes: Node[] = [];
  const clients: TestClient[] = [];

  /** Whether `user` may publish through `node` (a denial comes back as an error). */
  const publishes = async (node: Node, user: string): Promise<boolean> => {
    const c = new TestClient(`${user}@${node.name}`, node.url);
    clients.push(c);
    await c.login(user);
    c.ds.event.emit('news/x', user);
    await c.roundTrip();
    return !c.errors.some((e) => e.topic === 'EVENT' && e.event === 'MESSAGE_DENIED');
  };

  beforeAll(async () => {
    expect(built(), 'run `npx tsc -p tsconfig.build.json` first: the nodes run the built CLI').toBe(true);
    await served.start();
    nodes = await Promise.all(['node-a', 'node-b'].map((name) => startNode(name, ['--permissions', served.url, '--poll-ms', '200', '--log-level', 'INFO'])));
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await served.stop();
  }, 60_000);

  it('start with the served rules and poll them with If-None-Match (an unchanged body costs a 304)', async () => {
    await untilEveryNode(nodes, (s) => s.version === rulesVersion(rules('alice')) && s.file === served.url, 'the first version');
    const full = served.answered.full;
    const before = served.answered.notModified;
    // Count polls, not time: each node answers to 304s until four more have come.
    while (served.answered.notModified < before + 4) await new Promise((r) => setTimeout(r, 50));
    expect(served.answered.full).toBe(full);
    for (const node of nodes) expect(await publishes(node, 'alice'), node.name).toBe(true);
  });

  it('a new body reaches every node; a broken one is refused by every node, which keep their rules', async () => {
    const v2 = rulesVersion(rules('bob'));
    served.body = rules('bob');
    const ms = await untilEveryNode(nodes, (s) => s.version === v2, `version ${v2}`);
    console.log(`rules URL: both nodes reported version ${v2} ${Math.round(ms)} ms after the body changed (polling every 200 ms)`);
    for (const node of nodes) {
      expect(await publishes(node, 'bob'), `bob on ${node.name}`).toBe(true);
      expect(await publishes(node, 'alice'), `alice on ${node.name}`).toBe(false);
    }

    const broken = `${rules('mallory')}event: {}\n`;
    served.body = broken;
    await untilEveryNode(nodes, (s) => s.refused?.version === rulesVersion(broken), 'the refusal of the broken body');
    for (const node of nodes) {
      expect((await node.status()).version).toBe(v2);
      expect((await node.status()).refused!.diagnostics[0]).toMatchObject({ code: 'VLV0002', file: served.url });
      expect(await publishes(node, 'mallory'), `mallory on ${node.name}`).toBe(false);
    }
  });

  it('a failing server is logged once per outage; the rules stay, and polling picks up the next body', async () => {
    const v2 = rulesVersion(rules('bob'));
    served.failing = true;
    const failed = served.answered.failed;
    while (served.answered.failed < failed + 6) await new Promise((r) => setTimeout(r, 50));
    for (const node of nodes) {
      expect((await node.status()).version).toBe(v2);
      expect(node.output().match(/polling \S+ failed: HTTP 503/g) ?? [], node.name).toHaveLength(1);
    }
    served.body = rules('carol');
    served.failing = false;
    await untilEveryNode(nodes, (s) => s.version === rulesVersion(rules('carol')) && s.refused === null, 'the body after the outage');
    for (const node of nodes) expect(node.output()).toContain('works again');
  });

  it('a URL of a JavaScript module, or not a URL, is refused before anything is fetched', () => {
    const lines: string[] = [];
    const at = (level: string) => (event: string, message: string) => void lines.push(`${level} ${event} ${message}`);
    const logger: DeepstreamLogger = { fatal: at('FATAL'), error: at('ERROR'), warn: at('WARN'), info: at('INFO'), debug: at('DEBUG') };
    void new ValvePermission({ permissions: 'https://rules.example/permissions.mjs' }, { logger }).whenReady();
    expect(lines).toEqual([expect.stringMatching(/^FATAL PLUGIN_INITIALIZATION_ERROR invalid permission options: the option `permissions` is a URL of a JavaScript module/)]);
    lines.length = 0;
    void new ValvePermission({ permissions: 'http://' }, { logger }).whenReady();
    expect(lines).toEqual([expect.stringMatching(/^FATAL PLUGIN_INITIALIZATION_ERROR invalid permission options: the option `permissions` is not a valid URL/)]);
  });
});
