/**
 * The predictive policy against a small world on a manual clock: requests
 * with a service time, replicas that take a cold start to become ready, one
 * policy decision per second.
 */
import { describe, expect, it } from 'vitest';
import { kpaPolicy } from '../../../../src/autoscaler/kpa-policy.js';
import type { ModelSignals, Policy, ScalingSpec } from '../../../../src/autoscaler/policy.js';
import { predictivePolicy } from '../../../../src/autoscaler/predictive/predictive-policy.js';
import { parseConfig } from '../../../../src/config/load.js';
import { ManualClock } from '../../../../src/core/clock.js';

const S = 1000;

function spec(extra = '', predictive = ''): ScalingSpec {
  return parseConfig(`models: [{ name: m, scaling: { policy: predictive, maxReplicas: 4, targetConcurrency: 1, scaledownWindow: 5m, predictive: { coldStart: 120s ${predictive} } ${extra} } }]`).models[0]!.scaling;
}

class World {
  readonly clock = new ManualClock(Date.UTC(2026, 2, 2, 0, 0, 0));
  state: unknown;
  replicas: { readyAt: number; startedAt: number }[] = [];
  requests: { arrival: number; done: number | null }[] = [];
  coldStartWaits = 0;
  replicaSeconds = 0;
  reasons: string[] = [];
  private idleSince: number | null = this.clock.now();
  private busySince: number | null = null;
  private reported = new Set<number>();

  constructor(
    private readonly policy: Policy<unknown>,
    private readonly s: ScalingSpec,
    private readonly serviceMs = 1000,
    private readonly coldStartMs = 120_000,
  ) {
    this.state = policy.initialState();
  }

  /** Requests arriving at these offsets (s) from now. */
  arrive(count: number): void {
    const now = this.clock.now();
    const ready = this.replicas.some((r) => r.readyAt <= now);
    if (!ready) this.coldStartWaits += count;
    for (let i = 0; i < count; i++) this.requests.push({ arrival: now, done: null });
    if (this.idleSince !== null || this.busySince === null) {
      this.busySince = now;
      this.idleSince = null;
    }
  }

  /** One second passes: serve, account, decide. */
  tick(): void {
    this.clock.advance(S);
    const now = this.clock.now();
    const ready = this.replicas.filter((r) => r.readyAt <= now).length;
    let inflight = 0;
    let queued = 0;
    for (const q of this.requests) {
      if (q.done !== null) continue;
      if (ready === 0) {
        queued++;
        continue;
      }
      const start = Math.max(q.arrival, Math.min(...this.replicas.map((r) => r.readyAt)));
      if (start + this.serviceMs <= now) q.done = start + this.serviceMs;
      else inflight++;
    }
    if (inflight + queued === 0 && this.idleSince === null) this.idleSince = Math.max(...this.requests.map((q) => q.done ?? 0));
    this.replicaSeconds += this.replicas.length;
    const coldStarts: number[] = [];
    this.replicas.forEach((r, i) => {
      if (r.readyAt <= now && !this.reported.has(r.startedAt + i)) {
        this.reported.add(r.startedAt + i);
        coldStarts.push(r.readyAt - r.startedAt);
      }
    });
    const arrivals = this.requests.filter((q) => q.arrival >= now - S && q.arrival < now).length;
    const sig: ModelSignals = {
      now,
      intervalMs: S,
      concurrency: inflight + queued,
      inflight,
      queued,
      arrivals,
      replicas: { pending: 0, starting: this.replicas.length - ready, ready, draining: 0 },
      busySince: this.busySince,
      idleSince: this.idleSince,
      lastArrivalAt: this.requests.at(-1)?.arrival ?? null,
      coldStarts,
    };
    const d = this.policy.decide(sig, this.s, this.state);
    if (!d) return;
    if (process.env.DBG && (d.desired !== this.replicas.length || arrivals)) console.log(`t=${(now - Date.UTC(2026, 2, 2)) / 1000} arr=${arrivals} ready=${ready} infl=${inflight} q=${queued} desired=${d.desired} ${d.reason} idle=${sig.idleSince} busy=${sig.busySince} gaps=${JSON.stringify((d.state as { gaps: { gaps: number[] } }).gaps?.gaps.slice(-3))} wake=${d.wakeAt}`);
    this.state = d.state;
    this.reasons.push(d.reason);
    while (this.replicas.length < d.desired) this.replicas.push({ startedAt: now, readyAt: now + this.coldStartMs });
    while (this.replicas.length > d.desired) {
      // remove the newest (still-starting replicas first)
      this.replicas.sort((a, b) => a.readyAt - b.readyAt);
      this.replicas.pop();
    }
  }

  run(seconds: number): void {
    for (let i = 0; i < seconds; i++) this.tick();
  }
}

/** A request every `period` s, `calls` times; returns cold-start waits and replica-seconds of the last `measure` calls. */
function periodic(policy: Policy<unknown>, period: number, calls: number, measure: number) {
  const w = new World(policy, spec());
  let waits = 0;
  let rs = 0;
  for (let c = 0; c < calls; c++) {
    const w0 = w.coldStartWaits;
    const r0 = w.replicaSeconds;
    w.arrive(1);
    w.run(period);
    if (c >= calls - measure) {
      waits += w.coldStartWaits - w0;
      rs += w.replicaSeconds - r0;
    }
  }
  return { waits, replicaSecondsPerCall: rs / measure, reasons: w.reasons };
}

describe('predictive policy', () => {
  it('learns a 10-minute timer: warms just in time, releases at once, no cold starts', () => {
    const p = periodic(predictivePolicy as Policy<unknown>, 600, 20, 10);
    expect(p.waits).toBe(0);
    // ~125 s warm-up lead (+1 s of service, +1 s tick granularity) per call; the oracle needs 121 s.
    expect(p.replicaSecondsPerCall).toBeGreaterThanOrEqual(121);
    expect(p.replicaSecondsPerCall).toBeLessThanOrEqual(130);
    expect(p.reasons).toContain('prewarm');
  });

  it('beats the reactive policy on the same timer in both cold starts and GPU time', () => {
    const reactive = periodic(kpaPolicy as Policy<unknown>, 600, 20, 10);
    const predictive = periodic(predictivePolicy as Policy<unknown>, 600, 20, 10);
    expect(reactive.waits).toBe(10); // a 5 min window cannot bridge 10 min gaps
    expect(predictive.waits).toBeLessThan(reactive.waits);
    expect(predictive.replicaSecondsPerCall).toBeLessThan(reactive.replicaSecondsPerCall);
  });

  it('behaves exactly like the reactive policy until it has seen minHistory gaps', () => {
    const w = new World(predictivePolicy as Policy<unknown>, spec('', ', minHistory: 5'));
    const r = new World(kpaPolicy as Policy<unknown>, spec('', ', minHistory: 5'));
    for (let c = 0; c < 4; c++) {
      for (const x of [w, r]) {
        x.arrive(1);
        x.run(400);
      }
    }
    expect(w.replicaSeconds).toBe(r.replicaSeconds);
    expect(w.coldStartWaits).toBe(r.coldStartWaits);
    expect(w.reasons.includes('reactive-fallback')).toBe(true);
  });

  it('keeps warm through short gaps inside bursts and releases after the burst', () => {
    const w = new World(predictivePolicy as Policy<unknown>, spec());
    for (let burst = 0; burst < 8; burst++) {
      for (let i = 0; i < 5; i++) {
        w.arrive(1);
        w.run(20); // 20 s apart inside a burst
      }
      w.run(1800); // 30 min between bursts
    }
    const waitsBefore = w.coldStartWaits;
    const rs0 = w.replicaSeconds;
    for (let i = 0; i < 5; i++) {
      w.arrive(1);
      w.run(20);
    }
    w.run(1800);
    expect(w.coldStartWaits).toBe(waitsBefore); // the whole burst, first request included, found a warm replica
    // warm for the burst (~100 s) and its lead (~125 s), not for the 30 min gap
    expect(w.replicaSeconds - rs0).toBeLessThan(400);
  });

  it('never scales below what the load here demands', () => {
    const w = new World(predictivePolicy as Policy<unknown>, spec(), 30_000);
    const r = new World(kpaPolicy as Policy<unknown>, spec(), 30_000);
    for (const x of [w, r]) {
      x.run(5);
      x.arrive(3);
    }
    for (let i = 0; i < 10; i++) {
      w.tick();
      r.tick();
      expect(w.replicas.length).toBeGreaterThanOrEqual(r.replicas.length);
    }
    expect(w.replicas.length).toBe(3); // target 1 per replica
  });

  it('holds a schedule floor from the lead before the window', () => {
    const s = spec(', schedules: [{ cron: "0 9 * * *", duration: 1h, minReplicas: 2, timezone: UTC }]');
    const w = new World(predictivePolicy as Policy<unknown>, s);
    w.run(9 * 3600 - 180); // 08:57:00 UTC: the lead is 125 s, so warm-up starts at 08:57:55
    expect(w.replicas.length).toBe(0);
    w.run(60); // 08:58:00
    expect(w.replicas.length).toBe(2);
    expect(w.reasons.at(-1)).toBe('schedule');
    w.run(3600 + 180); // 10:01:00: the hour is over
    expect(w.replicas.length).toBe(0);
  });
});
