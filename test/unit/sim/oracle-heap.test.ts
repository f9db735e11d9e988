/** The oracle's plan and the event heap's order. */
import { describe, expect, it } from 'vitest';
import { EV_COMPLETE, EV_READY, EV_TICK, EventHeap } from '../../../src/sim/heap.js';
import { idealLevels, idealPeak, oraclePolicy, oracleSchedule } from '../../../src/sim/oracle.js';

const S = 1_000_000;
const f = (xs: number[]): Float64Array => Float64Array.from(xs.map((x) => x * S));

describe('oracle schedule', () => {
  it('holds gaps shorter than a cold start and restarts one cold start ahead (the worked example)', () => {
    const s = oracleSchedule(f([0, 50, 500]), f([1, 1, 1]), 0, 120 * S, 10);
    expect(Array.from(s.timesUs, (t) => t / S)).toEqual([-120, 51, 380, 501]);
    expect(Array.from(s.counts)).toEqual([1, 0, 1, 0]); // held 171 s + 121 s = 292 s
  });

  it('stacks levels of ceil(in service / cap), each planned on its own', () => {
    // cap 2: in service 1 (0-10 s), 3 (2-4 s) -> level 2 busy [2, 4]; C = 1 s.
    const arr = f([0, 2, 2]);
    const svc = f([10, 2, 2]);
    expect(idealLevels(arr, svc, 2)).toEqual({ levels: [[0, 10 * S], [2 * S, 4 * S]], peak: 3 });
    const s = oracleSchedule(arr, svc, 2, 1 * S, 10);
    expect(Array.from(s.timesUs, (t) => t / S)).toEqual([-1, 1, 4, 10]);
    expect(Array.from(s.counts)).toEqual([1, 2, 1, 0]);
    expect(Array.from(oracleSchedule(arr, svc, 2, 1 * S, 1).counts)).toEqual([1, 0]); // maxReplicas 1
  });

  it('peak counts a request ending as another starts once', () => {
    expect(idealPeak(f([0, 1, 1, 5]), f([1, 1, 1, 1]))).toBe(2);
  });

  it('replays the plan through the Policy interface and wakes at each change', () => {
    const p = oraclePolicy({ timesUs: f([-10, 5]), counts: Int32Array.from([2, 0]) });
    const spec = { minReplicas: 0, maxReplicas: 1, targetConcurrency: 1, scaledownWindow: 0, stableWindow: 1, panicWindow: 1, panicThreshold: 2, maxScaleUpRate: 2 };
    const sig = (now: number) => ({ now, intervalMs: 0, concurrency: 0, inflight: 0, queued: 0, arrivals: 0, replicas: { pending: 0, starting: 0, ready: 0, draining: 0 } });
    const a = p.decide(sig(-20_000), spec, p.initialState());
    expect(a).toMatchObject({ desired: 0, wakeAt: -10_000 });
    const b = p.decide(sig(-10_000), spec, a!.state);
    expect(b).toMatchObject({ desired: 1, wakeAt: 5000 }); // 2 planned, clamped to maxReplicas
    expect(p.decide(sig(5000), spec, b!.state)).toMatchObject({ desired: 0, wakeAt: Infinity });
  });
});

describe('event heap', () => {
  it('orders by time, then completion < ready < tick, then insertion', () => {
    const h = new EventHeap();
    const out: string[] = [];
    h.push(5, EV_TICK, 1);
    h.push(5, EV_READY, 2);
    h.push(5, EV_COMPLETE, 3);
    h.push(1, EV_TICK, 4);
    h.push(5, EV_COMPLETE, 5);
    for (let i = 0; i < 1000; i++) h.push(10 + ((i * 7919) % 1000), EV_COMPLETE, 100 + i);
    while (h.size > 0) {
      const t = h.pop();
      if (t < 10) out.push(`${t}:${h.kind}:${h.payload}`);
    }
    expect(out).toEqual(['1:3:4', '5:0:3', '5:0:5', '5:1:2', '5:3:1']);
    expect(h.peekTime()).toBe(Infinity);
  });

  it('pops a large random set in sorted order', () => {
    const h = new EventHeap();
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      h.push(x % 1000, EV_COMPLETE, i);
    }
    let prev = -1;
    let n = 0;
    while (h.size > 0) {
      const t = h.pop();
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      n++;
    }
    expect(n).toBe(5000);
  });
});
