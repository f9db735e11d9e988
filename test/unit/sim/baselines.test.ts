/**
 * The baseline policies as pure functions (src/autoscaler/baselines), each
 * driven tick by tick with its decisions fed back as ready replicas.
 */
import { describe, expect, it } from 'vitest';
import { dedicatedPolicy } from '../../../src/autoscaler/baselines/dedicated-policy.js';
import { hpaRecommendation, kedaHttpPolicy } from '../../../src/autoscaler/baselines/keda-http-policy.js';
import { decideKeepAlive, keepAlivePolicy, replicasFor } from '../../../src/autoscaler/baselines/keepalive-policy.js';
import { knativePolicy } from '../../../src/autoscaler/baselines/knative-policy.js';
import type { ModelSignals, Policy, ScalingSpec } from '../../../src/autoscaler/policy.js';

const base: ScalingSpec = {
  minReplicas: 0,
  maxReplicas: 100,
  targetConcurrency: 70,
  scaledownWindow: 0,
  stableWindow: 60_000,
  panicWindow: 6_000,
  panicThreshold: 2,
  maxScaleUpRate: 1000,
};

function sig(now: number, concurrency: number, ready: number, extra: Partial<ModelSignals> = {}): ModelSignals {
  return { now, intervalMs: 1000, concurrency, inflight: Math.round(concurrency), queued: 0, arrivals: 0, replicas: { pending: 0, starting: 0, ready, draining: 0 }, ...extra };
}

/** One tick per `stepMs`; replicas become ready at once. Returns the desired count after each tick. */
function drive<S>(policy: Policy<S>, spec: ScalingSpec, load: number[], stepMs = 1000, start = 0): { desired: number[]; reasons: string[] } {
  let state = policy.initialState();
  let ready = start;
  const desired: number[] = [];
  const reasons: string[] = [];
  load.forEach((c, i) => {
    const d = policy.decide(sig((i + 1) * stepMs, c, ready, { intervalMs: stepMs }), spec, state);
    if (!d) throw new Error('no decision');
    state = d.state;
    ready = d.desired;
    desired.push(d.desired);
    reasons.push(d.reason);
  });
  return { desired, reasons };
}

describe('keep-alive', () => {
  const spec = { ...base, scaledownWindow: 60_000, targetConcurrency: 8 };

  it('needs ceil(load / target) replicas, at least 1 for any load', () => {
    expect([0, 0.2, 1, 8, 9, 17].map((l) => replicasFor(l, 8))).toEqual([0, 1, 1, 1, 2, 3]);
    expect(replicasFor(500, Infinity)).toBe(1);
  });

  it('keeps the window maximum for K and says when it will drop', () => {
    const s0 = keepAlivePolicy.initialState();
    const busy = decideKeepAlive(sig(10_000, 20, 0), spec, s0)!; // 20 in flight -> 3
    expect(busy).toMatchObject({ desired: 3, reason: 'load', wakeAt: Infinity });
    const quiet = decideKeepAlive(sig(11_000, 4, 3, { inflight: 0 }), spec, busy.state)!; // load ended during (10, 11] s
    expect(quiet).toMatchObject({ desired: 3, reason: 'keep-alive', wakeAt: 70_000 });
    const idle = decideKeepAlive(sig(70_000, 0, 3), spec, quiet.state)!;
    expect(idle).toMatchObject({ desired: 1, wakeAt: 71_000 }); // the 1 recorded at 11 s is left
    expect(decideKeepAlive(sig(71_000, 0, 1), spec, idle.state)).toMatchObject({ desired: 0, reason: 'idle', wakeAt: Infinity });
  });

  it('clamps to min and max replicas', () => {
    expect(decideKeepAlive(sig(1000, 0, 0), { ...spec, minReplicas: 2 }, { recent: [] })).toMatchObject({ desired: 2, reason: 'min' });
    expect(decideKeepAlive(sig(1000, 100, 0), { ...spec, maxReplicas: 4 }, { recent: [] })).toMatchObject({ desired: 4, reason: 'max' });
    expect(decideKeepAlive(undefined, spec, { recent: [] })).toBeUndefined();
  });
});

describe('knative (Knative KPA defaults)', () => {
  const kpa = knativePolicy();

  it('sizes to ceil(stable / 70) and enters panic at 200 % of ready pods', () => {
    // 100 concurrent on 1 ready pod: dppc = ceil(100/70) = 2, 2/1 >= 2 -> panic -> 2 pods.
    const r = drive(kpa, base, Array(30).fill(100), 2000, 1);
    expect(r.desired[0]).toBe(2);
    expect(r.reasons[0]).toBe('panic');
    expect(r.desired.at(-1)).toBe(2);
  });

  it('does not scale down in panic until a stable window passes without being over the threshold', () => {
    const load = [...Array(3).fill(1400), ...Array(40).fill(0)]; // a 6 s burst, then silence
    const r = drive(kpa, base, load, 2000, 1);
    expect(r.desired[0]).toBe(20); // ceil(1400 / 70)
    expect(r.desired.slice(0, 30)).toEqual(Array(30).fill(20)); // panic holds maxPanicPods for 60 s after the burst
    expect(r.desired[31]).toBeLessThan(20); // then halves per tick (max-scale-down-rate 2)
    expect(r.desired[32]).toBeLessThan(r.desired[31] ?? 0);
  });

  it('counts only ready pods as capacity: a burst while pods start panics from 1', () => {
    const d = kpa.decide(sig(1000, 300, 0, { replicas: { pending: 0, starting: 3, ready: 0, draining: 0 } }), base, kpa.initialState());
    expect(d).toMatchObject({ desired: 5, reason: 'panic' }); // ceil(300/70) = 5 over readyPods max(1, 0)
  });

  it('activates from zero on a waiting request (the activator poke)', () => {
    expect(kpa.decide(sig(1000, 0, 0, { inflight: 0, queued: 1 }), base, kpa.initialState())).toMatchObject({ desired: 1 });
  });

  it('scales to zero only after the stable window and the 30 s grace period', () => {
    const r = drive(kpa, base, [1, ...Array(60).fill(0)], 2000, 1);
    // The 2 s sample holding the load leaves the 60 s window at t = 62 s (tick 31), then 30 s of grace.
    expect(r.desired.slice(0, 30)).toEqual(Array(30).fill(1));
    expect(r.reasons[30]).toBe('grace');
    expect(r.desired.indexOf(0)).toBe(45); // t = 92 s
  });
});

describe('keda-http (KEDA HTTP add-on + HPA defaults)', () => {
  const spec = { ...base, targetConcurrency: 100, scaledownWindow: 300_000 };
  const keda = kedaHttpPolicy();

  it('HPA: ceil(metric / target), unchanged within the 10 % tolerance, at least 1', () => {
    expect(hpaRecommendation(105, 1, 100, 0.1)).toBe(1);
    expect(hpaRecommendation(250, 1, 100, 0.1)).toBe(3);
    expect(hpaRecommendation(0, 3, 100, 0.1)).toBe(1);
    expect(hpaRecommendation(950, 9, 100, 0.1)).toBe(9); // 950 / 900 = 1.06
    expect(hpaRecommendation(1000, 9, 100, 0.1)).toBe(10); // 1000 / 900 = 1.11
  });

  it('activates at once, syncs every 15 s, limits scale-up, stabilizes scale-down 300 s, cools down 300 s', () => {
    const load = [1, ...Array(39).fill(1000), ...Array(700).fill(0)]; // t = 1 s, then 1000 waiting until t = 40 s
    const r = drive(keda, spec, load, 1000, 0);
    expect(r.desired[0]).toBe(1); // t = 1 s: activation
    expect(r.desired[13]).toBe(1); // t = 14 s: between syncs
    expect(r.desired[14]).toBe(5); // t = 15 s: raw 10, limited to max(2 * 1, 1 + 4)
    expect(r.desired[29]).toBe(10); // t = 30 s
    expect(r.desired[44]).toBe(10); // t = 45 s: raw 1, but the 10 recorded at 30 s is in the window
    expect(r.desired[328]).toBe(10);
    expect(r.desired[329]).toBe(1); // t = 330 s: it left the 300 s window
    expect(r.desired.indexOf(0)).toBe(344); // last active at 40 s; the first 15 s poll >= 340 s is 345 s
  });
});

describe('dedicated', () => {
  it('always wants maxReplicas and never wakes on its own', () => {
    expect(dedicatedPolicy.decide(sig(1, 0, 0), { ...base, maxReplicas: 3 }, null)).toMatchObject({ desired: 3, wakeAt: Infinity });
  });
});
