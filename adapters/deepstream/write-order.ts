/**
 * The order of record writes and record loads in the deepstream plugin. A check that loads a
 * record must see every write of that record that reached the server before it. A write decided
 * synchronously is already in the server's hands (its record transition exists) by the time any
 * later check runs, and the load waits for transitions itself; only a write whose check is still
 * loading records has to be waited for here. So this holds just those writes, per record, and a
 * check that needs nothing from it pays for a counter increment.
 *
 * Every check takes a ticket (in arrival order); a load waits only for writes with an earlier
 * ticket, so waits can never form a cycle.
 */

/** A write of `name` whose check is under way. */
export interface PendingWrite {
  readonly name: string;
  readonly ticket: number;
}

interface Waiter {
  readonly ticket: number;
  readonly wake: () => void;
}

/** The writes of one record under way: their tickets in increasing order, and the loads waiting. */
interface RecordWrites {
  /** A Set keeps insertion order (= ticket order) and deletes in O(1); its first entry is the oldest. */
  readonly tickets: Set<number>;
  waiters: Waiter[];
}

export class WriteOrder {
  private last = 0;
  private readonly records = new Map<string, RecordWrites>();

  /** The next ticket: one per check, in arrival order. */
  ticket(): number {
    return ++this.last;
  }

  /**
   * Registers a write of `name` whose check goes on after this call; end() it once the server has
   * the answer. Tickets must be the latest issued (begin right after ticket(), before any other
   * check), which keeps each record's writes in ticket order.
   */
  begin(name: string, ticket: number): PendingWrite {
    let record = this.records.get(name);
    if (record === undefined) this.records.set(name, (record = { tickets: new Set(), waiters: [] }));
    record.tickets.add(ticket);
    return { name, ticket };
  }

  /** The write is answered (allowed, denied or failed): loads that waited only for it go on. */
  end(write: PendingWrite): void {
    const record = this.records.get(write.name);
    if (record === undefined || !record.tickets.delete(write.ticket)) return;
    const oldest = first(record.tickets);
    if (record.waiters.length > 0) {
      // A waiter goes on once no write older than itself is left.
      const still: Waiter[] = [];
      const go: Waiter[] = [];
      for (const w of record.waiters) (oldest !== undefined && oldest < w.ticket ? still : go).push(w);
      record.waiters = still;
      for (const w of go) w.wake();
    }
    if (oldest === undefined && record.waiters.length === 0) this.records.delete(write.name);
  }

  /** Settles once no write of `name` with a ticket before `ticket` is under way; undefined when none is now. */
  earlier(name: string, ticket: number): Promise<void> | undefined {
    const record = this.records.get(name);
    if (record === undefined) return undefined;
    const oldest = first(record.tickets);
    if (oldest === undefined || oldest >= ticket) return undefined;
    return new Promise<void>((wake) => record.waiters.push({ ticket, wake }));
  }

  /** No write is under way (so no load has to wait for one). */
  get idle(): boolean {
    return this.records.size === 0;
  }

  /** Writes under way, over all records (for tests and diagnostics). */
  get pending(): number {
    let n = 0;
    for (const r of this.records.values()) n += r.tickets.size;
    return n;
  }
}

function first(set: Set<number>): number | undefined {
  for (const v of set) return v;
  return undefined;
}
