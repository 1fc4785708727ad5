/**
 * A real @deepstream/client connection for the end-to-end tests, recording what it is told:
 * errors (`client.on('error')`), record errors, events and updates. Waiting is event-driven:
 * `until` re-checks its condition whenever this client records something (plus a slow poll as a
 * safety net) and fails after a timeout, never sleeping a fixed time.
 */
import { DeepstreamClient } from '@deepstream/client';

export interface SeenError {
  readonly topic: string;
  readonly event: string;
  readonly name?: string;
}

type Listener = () => void;

export const WAIT_MS = 4000;

export class TestClient {
  readonly ds: DeepstreamClient;
  /** Errors the client reported globally and on records, in order. */
  readonly errors: SeenError[] = [];
  /** Events received: name → payloads, in order. */
  readonly events = new Map<string, unknown[]>();
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly label: string,
    url: string,
  ) {
    this.ds = new DeepstreamClient(url, { maxReconnectAttempts: 0, subscriptionInterval: 0, offlineEnabled: false });
    this.ds.on('error', (message: unknown, event: string, topic: string) => {
      const name = message && typeof message === 'object' && 'name' in message ? String((message as { name: unknown }).name) : undefined;
      this.record({ topic, event, ...(name !== undefined ? { name } : {}) });
    });
  }

  /** Something happened: wake everything waiting on this client. */
  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  record(error: SeenError): void {
    this.errors.push(error);
    this.changed();
  }

  async login(username: string, password?: string): Promise<this> {
    await this.ds.login(password === undefined ? { username } : { username, password });
    return this;
  }

  /** Waits until `condition()` holds; re-checked whenever this (or a `also`) client records something. */
  until(condition: () => boolean, what: string, timeoutMs = WAIT_MS, also: readonly TestClient[] = []): Promise<void> {
    if (condition()) return Promise.resolve();
    const clients = [this, ...also];
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        clearInterval(poll);
        for (const c of clients) c.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (condition()) done();
      };
      const timer = setTimeout(() => done(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const poll = setInterval(check, 50);
      for (const c of clients) c.listeners.add(check);
    });
  }

  /** Waits for an error with this topic and event (and record name, when given); removes it from `errors`. */
  async expectError(topic: string, event: string, name?: string): Promise<SeenError> {
    const find = (): number => this.errors.findIndex((e) => e.topic === topic && e.event === event && (name === undefined || e.name === name));
    await this.until(() => find() !== -1, `a ${topic} ${event} error${name ? ` on ${name}` : ''}`);
    return this.errors.splice(find(), 1)[0];
  }

  /** One request and its answer: every message the server sent this client before is in by then. */
  async roundTrip(recordName = 'e2e/flush'): Promise<void> {
    await this.ds.record.has(recordName).catch(() => undefined);
  }

  subscribeEvent(name: string): void {
    this.ds.event.subscribe(name, (data: unknown) => {
      const list = this.events.get(name) ?? [];
      list.push(data);
      this.events.set(name, list);
      this.changed();
    });
  }

  received(name: string): unknown[] {
    return this.events.get(name) ?? [];
  }

  /** getRecord, with the record's errors recorded under topic RECORD. */
  getRecord(name: string): ReturnType<DeepstreamClient['record']['getRecord']> {
    const record = this.ds.record.getRecord(name);
    record.on('error', (event: string) => this.record({ topic: 'RECORD', event, name }));
    record.on('delete', () => this.changed());
    return record;
  }

  close(): void {
    this.ds.close();
  }
}

/** Closes every client made through it (for afterEach). */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  constructor(private readonly url: () => string) {}

  make(label: string): TestClient {
    const c = new TestClient(label, this.url());
    this.clients.push(c);
    return c;
  }

  async login(label: string, username: string, password?: string): Promise<TestClient> {
    return this.make(label).login(username, password);
  }

  closeAll(): void {
    for (const c of this.clients.splice(0)) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  }
}
