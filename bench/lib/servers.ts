/** Shared by the benchmarks that start a real server as a child process and connect real clients. */
import type { ChildProcess } from 'node:child_process';
import { DeepstreamClient } from '@deepstream/client';

/** Ends a bench server (it exits when its stdin closes); SIGKILL after 5 s. */
export function stopServer(s: { readonly child: ChildProcess }): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 5000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.child.stdin!.end();
  });
}

/** A logged-in client that never reconnects or queues offline (a failure must show, not be retried). */
export async function connect(url: string, username: string): Promise<DeepstreamClient> {
  const ds = new DeepstreamClient(url, { maxReconnectAttempts: 0, subscriptionInterval: 0, offlineEnabled: false });
  ds.on('error', () => undefined);
  await ds.login({ username });
  return ds;
}
