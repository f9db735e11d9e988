import { describe, expect, it } from 'vitest';
import { pickLeastOutstanding } from '../../../src/gateway/balancer.js';
import { Fifo } from '../../../src/gateway/fifo.js';

describe('Fifo', () => {
  it('keeps order, skips removed entries and reports the live size', () => {
    const q = new Fifo<{ removed: boolean; n: number }>();
    const items = Array.from({ length: 5 }, (_, n) => ({ removed: false, n }));
    for (const it of items) q.push(it);
    q.remove(items[0]!);
    q.remove(items[2]!);
    q.remove(items[2]!); // idempotent
    expect(q.size).toBe(3);
    expect([...q.entries()].map((x) => x.n)).toEqual([1, 3, 4]);
    expect(q.peek()?.n).toBe(1);
    q.take(items[1]!);
    expect(q.peek()?.n).toBe(3);
  });

  it('stays compact under churn', () => {
    const q = new Fifo<{ removed: boolean }>();
    for (let i = 0; i < 100_000; i++) {
      const it = { removed: false };
      q.push(it);
      q.take(it);
    }
    expect(q.size).toBe(0);
    expect((q as unknown as { items: unknown[] }).items.length).toBeLessThan(2100);
  });
});

describe('least outstanding requests', () => {
  const ep = (inflight: number, cap = 4, routable = true) => ({ inflight, cap, routable });

  it('picks the least loaded replica under its cap', () => {
    const eps = [ep(3), ep(1), ep(2)];
    expect(pickLeastOutstanding(eps, 0)).toBe(eps[1]);
  });

  it('rotates among ties', () => {
    const eps = [ep(1), ep(1), ep(1)];
    expect([0, 1, 2, 3].map((r) => eps.indexOf(pickLeastOutstanding(eps, r)!))).toEqual([0, 1, 2, 0]);
  });

  it('skips replicas at their cap, draining ones and excluded ones', () => {
    const eps = [ep(4), ep(0, 4, false), ep(2), ep(1)];
    expect(pickLeastOutstanding(eps, 0, new Set([eps[3]!]))).toBe(eps[2]);
    expect(pickLeastOutstanding([ep(4), ep(4)], 0)).toBeUndefined();
    expect(pickLeastOutstanding([ep(100, 0)], 0)).toBeDefined(); // cap 0 = unlimited
  });
});
