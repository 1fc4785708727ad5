/** Promise-based calls into the compiler worker. */
import CompilerWorker from './worker.js?worker';
import type { RequestKind, Requests, WorkerReply, WorkerRequest } from './protocol.js';

export class CompilerClient {
  private readonly worker: Worker = new CompilerWorker();
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.value);
      else p.reject(new Error(e.data.error));
    };
    // A worker that failed to start or crashed answers nothing: fail the waiting calls loudly.
    this.worker.onerror = (e: ErrorEvent) => {
      for (const p of this.pending.values()) p.reject(new Error(`the compiler worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  call<K extends RequestKind>(kind: K, args: Requests[K]['args']): Promise<Requests[K]['reply']> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, kind, args } as WorkerRequest);
    });
  }
}
