import { describe, expect, it } from 'vitest';
import { kpaPolicy, type KpaState } from '../../../src/autoscaler/kpa-policy.js';
import type { ModelSignals, ScalingSpec } from '../../../src/autoscaler/policy.js';
import { ManualClock } from '../../../src/core/clock.js';

const spec: ScalingSpec = {
  minReplicas: 0,
  maxReplicas: 10,
  targetConcurrency: 8,
  scaledownWindow: 300_000,
  stableWindow: 60_000,
  panicWindow: 6_000,
  panicThreshold: 2,
  maxScaleUpRate: 1000,
};

/** Drives the policy one tick per second on a manual clock, feeding back its own decisions as capacity. */
class Harness {
  clock = new ManualClock(1_000_000);
  state: KpaState = kpaPolicy.initialState();
  replicas = 0;
  last: string | undefined;
  constructor(private readonly s: ScalingSpec = spec) {}

  tick(concurrency: number, extra: Partial<ModelSignals> = {}): number {
    this.clock.advance(1000);
    const sig: ModelSignals = {
      now: this.clock.now(),
      intervalMs: 1000,
      concurrency,
      inflight: Math.round(concurrency),
      queued: 0,
      arrivals: 0,
      replicas: { pending: 0, starting: 0, ready: this.replicas, draining: 0 },
      ...extra,
    };
    const d = kpaPolicy.decide(sig, this.s, this.state);
    if (!d) throw new Error('no decision');
    this.state = d.state;
    this.replicas = d.desired;
    this.last = d.reason;
    return d.desired;
  }

  run(seconds: number, concurrency: number): number {
    let r = this.replicas;
    for (let i = 0; i < seconds; i++) r = this.tick(concurrency);
    return r;
  }
}

describe('KPA policy', () => {
  it('sizes to ceil(stable average / target) under steady load', () => {
    const h = new Harness();
    expect(h.run(120, 20)).toBe(3); // ceil(20 / 8)
    expect(h.last).toBe('load');
  });

  it('makes no decision without signals (missing data never scales down)', () => {
    expect(kpaPolicy.decide(undefined, spec, kpaPolicy.initialState())).toBeUndefined();
  });

  it('activates a model at zero on the first queued request', () => {
    const h = new Harness();
    h.run(30, 0);
    expect(h.replicas).toBe(0);
    expect(h.tick(0.05, { queued: 1, inflight: 0 })).toBe(1);
  });

  it('enters panic on a burst and scales on the short window', () => {
    const h = new Harness();
    h.run(120, 8); // one replica, exactly at target
    expect(h.replicas).toBe(1);
    // Burst: 48 concurrent. After 6 s the panic window is full of 48 -> ceil(48/8) = 6.
    const after = h.run(6, 48);
    expect(after).toBe(6);
    expect(h.last).toBe('panic');
    // The stable average alone would still be far lower: (114*8 + 6*48)/120... over 60 s: (54*8+6*48)/60 = 12 -> 2.
  });

  it('never scales down while panicking, and holds through the scale-down window', () => {
    const h = new Harness();
    h.run(10, 64); // -> 8
    expect(h.replicas).toBe(8);
    h.run(30, 0); // still panicking, and inside the scale-down window
    expect(h.replicas).toBe(8);
    h.run(250, 0);
    expect(h.replicas).toBe(8); // 290 s < 300 s since last needed
  });

  it('scales to zero once the scale-down window passes without demand, halving per tick', () => {
    const h = new Harness();
    h.run(10, 64);
    expect(h.replicas).toBe(8);
    const seen: number[] = [];
    for (let i = 0; i < 310; i++) seen.push(h.tick(0));
    // The last busy tick stays in the 300 s window for idle ticks 1..299; then
    // 8 -> 4 -> 2 -> 1 -> 0 (max scale-down rate 2 per tick).
    expect(seen.slice(0, 299).every((r) => r === 8)).toBe(true);
    expect(seen.slice(299, 305)).toEqual([4, 2, 1, 0, 0, 0]);
    expect(h.replicas).toBe(0);
    expect(h.last).toBe('idle');
  });

  it('keeps a replica warm for exactly scaledownWindow after it was last needed', () => {
    const h = new Harness({ ...spec, scaledownWindow: 30_000 });
    h.run(5, 4); // demand 4 -> 1 replica
    expect(h.replicas).toBe(1);
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) seen.push(h.tick(0));
    // The 60 s stable average still remembers the load, but an idle tick records
    // 0: the last busy tick leaves the 30 s window at idle tick 30.
    expect(seen.indexOf(0)).toBe(29);
    expect(seen.slice(0, 29).every((r) => r === 1)).toBe(true);
  });

  it('counts starting replicas as capacity already bought (no cascade)', () => {
    const h = new Harness();
    const sig = (starting: number): ModelSignals => ({
      now: 2_000_000 + starting,
      intervalMs: 1000,
      concurrency: 16,
      inflight: 0,
      queued: 16,
      arrivals: 0,
      replicas: { pending: 0, starting, ready: 0, draining: 0 },
    });
    const first = kpaPolicy.decide(sig(0), spec, h.state);
    expect(first?.desired).toBe(2);
    // Two replicas now starting; same demand -> still 2, not more.
    const second = kpaPolicy.decide({ ...sig(2), now: 2_001_000 }, spec, first!.state);
    expect(second?.desired).toBe(2);
  });

  it('respects minReplicas and maxReplicas', () => {
    const h = new Harness({ ...spec, minReplicas: 2, maxReplicas: 4 });
    expect(h.run(5, 0)).toBe(2);
    expect(h.last).toBe('min');
    expect(h.run(10, 1000)).toBe(4);
    expect(h.last).toBe('max');
  });

  it('limits a scale-up to maxScaleUpRate x capacity per tick', () => {
    const h = new Harness({ ...spec, maxScaleUpRate: 2 });
    h.run(5, 8);
    expect(h.replicas).toBe(1);
    expect(h.tick(800)).toBe(2);
    expect(h.tick(800)).toBe(4);
    expect(h.tick(800)).toBe(8);
  });

  it('keeps its state small: the scale-down deque does not grow with time', () => {
    const h = new Harness();
    for (let i = 0; i < 600; i++) h.tick(i % 7);
    expect(h.state.recent.length).toBeLessThan(10);
    expect(h.state.samples.length).toBeLessThanOrEqual(61);
  });
});
