/**
 * adapters/deepstream/write-order.ts: which record loads wait for which record writes whose checks are under
 * way. A load waits for every earlier write of its record and for nothing else.
 */
import { describe, expect, it } from 'vitest';
import { WriteOrder } from '../../adapters/deepstream/write-order.js';

/** Whether a promise has settled once queued callbacks have run. */
async function isSettled(p: Promise<void>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return settled;
}

describe('WriteOrder', () => {
  it('hands out increasing tickets and starts idle', () => {
    const w = new WriteOrder();
    const a = w.ticket();
    const b = w.ticket();
    expect(b).toBeGreaterThan(a);
    expect(w.idle).toBe(true);
    expect(w.pending).toBe(0);
    expect(w.earlier('x', w.ticket())).toBeUndefined();
  });

  it('makes a later load of the same record wait until the write is answered', async () => {
    const w = new WriteOrder();
    const write = w.begin('x', w.ticket());
    expect(w.idle).toBe(false);
    const load = w.earlier('x', w.ticket());
    expect(load).toBeInstanceOf(Promise);
    expect(await isSettled(load!)).toBe(false);
    w.end(write);
    expect(await isSettled(load!)).toBe(true);
    expect(w.idle).toBe(true);
  });

  it('never makes a load wait for a write of another record, or for one that arrived after it', () => {
    const w = new WriteOrder();
    const early = w.ticket();
    w.begin('x', w.ticket());
    expect(w.earlier('y', w.ticket())).toBeUndefined();
    expect(w.earlier('x', early)).toBeUndefined();
  });

  it('waits for every earlier write, answered in any order, and only for those', async () => {
    const w = new WriteOrder();
    const first = w.begin('x', w.ticket());
    const between = w.ticket();
    const second = w.begin('x', w.ticket());
    const last = w.ticket();
    const afterFirst = w.earlier('x', between)!;
    const afterBoth = w.earlier('x', last)!;
    expect(w.pending).toBe(2);

    w.end(second);
    expect(await isSettled(afterFirst)).toBe(false);
    expect(await isSettled(afterBoth)).toBe(false);
    w.end(first);
    expect(await isSettled(afterFirst)).toBe(true);
    expect(await isSettled(afterBoth)).toBe(true);
    expect(w.idle).toBe(true);
  });

  it('lets a load go on when the writes before it are answered while a later one is still under way', async () => {
    const w = new WriteOrder();
    const first = w.begin('x', w.ticket());
    const load = w.earlier('x', w.ticket())!;
    const later = w.begin('x', w.ticket());
    w.end(first);
    expect(await isSettled(load)).toBe(true);
    expect(w.idle).toBe(false);
    expect(w.earlier('x', w.ticket())).toBeInstanceOf(Promise);
    w.end(later);
    expect(w.idle).toBe(true);
  });

  it('ignores a write ended twice', async () => {
    const w = new WriteOrder();
    const a = w.begin('x', w.ticket());
    const b = w.begin('x', w.ticket());
    const load = w.earlier('x', w.ticket())!;
    w.end(a);
    w.end(a);
    expect(await isSettled(load)).toBe(false);
    expect(w.pending).toBe(1);
    w.end(b);
    expect(await isSettled(load)).toBe(true);
  });
});
