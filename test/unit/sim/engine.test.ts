/**
 * The event engine and every baseline on hand-made traces, with figures
 * worked out by hand (each test says how). World unless stated: 30 s cold
 * start, 1 s of service, one replica with unlimited concurrency, 1 GPU.
 */
import { describe, expect, it } from 'vitest';
import { decideKeepAlive } from '../../../src/autoscaler/baselines/keepalive-policy.js';
import type { ModelSignals, Policy } from '../../../src/autoscaler/policy.js';
import { registeredPolicy, simPolicy } from '../../../src/sim/catalogue.js';
import { simulate, type SimulationResult } from '../../../src/sim/simulate.js';
import { columns, world, type WorldOptions } from './helpers.js';

function run(rows: [number, string][], spanS: number, policies: string[], w: WorldOptions = {}, seed = 1): SimulationResult {
  return simulate(columns(rows, spanS), { policies: policies.map(simPolicy), world: () => world(w), seed });
}

function only(rows: [number, string][], spanS: number, policy: string, w: WorldOptions = {}) {
  const p = run(rows, spanS, [policy], w).policies[0];
  if (!p) throw new Error('no result');
  return p;
}

describe('keep-alive through the engine', () => {
  // Arrivals 0, 10, 60, 200 s. 0: start, ready 30, serves 0 and 10 over 30-31 (waits 30 s, 20 s);
  // held until 31 + 60 = 91. 60: warm, 60-61, held until 121. 200: cold, 230-231, held until 291.
  const rows: [number, string][] = [[0, 'a'], [10, 'a'], [60, 'a'], [200, 'a']];

  it('holds a replica from the arrival that starts it until K after it last finished', () => {
    const p = only(rows, 300, 'keepalive-60s');
    expect(p.gpuSeconds).toBe(121 + 91);
    expect(p.gpuSecondsByState).toEqual({ starting: 60, busy: 3, idle: 149, draining: 0 });
    expect(p.replicaStarts).toBe(2);
    expect(p.coldStartRequests).toBe(3);
    expect(p.coldStartFraction).toBe(0.75);
    expect(p.coldStartWaitMs).toEqual({ p50: 30_000, p95: 30_000, p99: 30_000 });
    // Over all four requests: waits 0, 20, 30, 30 s; nearest rank 2 of 4 is 20 s.
    expect(p.queueWaitMs).toEqual({ p50: 20_000, p95: 30_000, p99: 30_000 });
  });

  it('serves an arrival at exactly lastFinish + K warm, and one a microsecond later cold', () => {
    expect(only([[0, 'a'], [91, 'a']], 100, 'keepalive-60s').coldStartRequests).toBe(1);
    expect(only([[0, 'a'], [91.000001, 'a']], 100, 'keepalive-60s').coldStartRequests).toBe(2);
  });

  it('scales out under a per-replica cap, queues FIFO, and removes the newest replica first', () => {
    // Cap 1, at most 2 replicas, 10 s service, three requests at 0. The nudge after the three arrivals
    // sees 3 waiting and starts r1 and r2 (ready at 30). r1 serves #1 30-40 then #3 40-50; r2 serves #2
    // 30-40. Need 2 was last seen at the 40 s tick -> r2 (newest) stops at 100; need 1 ends at 50 -> r1 at 110.
    const p = only([[0, 'a'], [0, 'a'], [0, 'a']], 100, 'keepalive-60s', { cap: 1, maxReplicas: 2, serviceMs: 10_000 });
    expect(p.gpuSeconds).toBe(110 + 100);
    expect(p.gpuSecondsByState).toEqual({ starting: 60, busy: 30, idle: 120, draining: 0 });
    expect(p.coldStartRequests).toBe(3);
    expect(p.coldStartWaitMs).toEqual({ p50: 30_000, p95: 40_000, p99: 40_000 });
  });
});

describe('the other baselines on one request at t = 0 (ready at 30 s, served 30-31 s)', () => {
  it.each([
    // Knative: ticks every 2 s; the stable average drops to 0 at the 92 s tick (the sample ending at 31 s
    // leaves the 60 s window), the revision goes inactive, and 30 s of grace later (122 s) to zero.
    ['knative', 122],
    // KEDA HTTP: last active at 31 s; cooldown 300 s is checked at 15 s polls: 345 s is the first >= 331 s.
    ['keda-http', 345],
    // reactive (our KPA): the 5 min scale-down window holds the 1 recorded at 31 s until exactly 331 s.
    ['reactive', 331],
    ['keepalive-60s', 91],
    ['keepalive-300s', 331],
  ])('%s holds the replica for %i s', (policy, held) => {
    const p = only([[0, 'a']], 300, policy);
    expect(p.gpuSeconds).toBe(held);
    expect(p.gpuSecondsByState.starting).toBe(30);
    expect(p.gpuSecondsByState.busy).toBe(1);
    expect(p.coldStartRequests).toBe(1);
    expect(p.coldStartWaitMs.p50).toBe(30_000);
  });
});

describe('dedicated and oracle', () => {
  const rows: [number, string][] = [[0, 'a'], [10, 'a'], [60, 'a'], [200, 'a']];

  it('dedicated holds ceil(peak / cap) replicas, warm, for the whole trace', () => {
    const p = only(rows, 300, 'dedicated');
    expect(p).toMatchObject({ gpuSeconds: 300, coldStartRequests: 0, replicaStarts: 0 });
    expect(p.gpuSecondsByState).toEqual({ starting: 0, busy: 4, idle: 296, draining: 0 });
    const r = run([[0, 'a'], [0, 'a'], [0, 'a']], 100, ['dedicated'], { cap: 1, maxReplicas: 5, serviceMs: 10_000 });
    expect(r.policies[0]?.gpuSeconds).toBe(300); // peak 3, cap 1 -> 3 replicas x 100 s
    expect(r.dedicated).toMatchObject({ gpuSeconds: 300, models: [{ model: 'a', peakConcurrency: 3, replicas: 3 }] });
  });

  it('oracle: ready just in time, held across gaps shorter than a cold start, starting before t = 0', () => {
    // Busy [0,1] [10,11] [60,61] [200,201]; gaps 9 s (< 30: held), 49 s and 139 s (restart 30 s before).
    // Held [-30, 11] + [30, 61] + [170, 201] = 41 + 31 + 31.
    const p = only(rows, 300, 'oracle');
    expect(p.gpuSeconds).toBe(103);
    expect(p.gpuSecondsByState).toEqual({ starting: 90, busy: 4, idle: 9, draining: 0 });
    expect(p.coldStartRequests).toBe(0);
    expect(p.queueWaitMs.p99).toBe(0);
    expect(p.replicaStarts).toBe(3);
  });
});

describe('engine', () => {
  it('gives every policy the same seeded cold-start draws, and another seed other draws', () => {
    const rows: [number, string][] = [[0, 'a'], [500, 'a'], [1000, 'a']];
    const w = { sigma: 0.5 };
    const a = run(rows, 1500, ['keepalive-60s', 'keepalive-120s'], w, 7);
    const [k60, k120] = a.policies;
    expect(k60?.gpuSecondsByState.starting).toBe(k120?.gpuSecondsByState.starting);
    expect(run(rows, 1500, ['keepalive-60s'], w, 7).policies[0]).toEqual(k60);
    expect(run(rows, 1500, ['keepalive-60s'], w, 8).policies[0]?.gpuSecondsByState.starting).not.toBe(k60?.gpuSecondsByState.starting);
    expect(k60?.gpuSecondsByState.starting).not.toBe(90_000 / 1000); // not the median three times
  });

  it('multiplies replica-seconds by GPUs per replica and prices them', () => {
    const p = only([[0, 'a']], 100, 'keepalive-60s', { gpus: 4 });
    expect(p.gpuSeconds).toBe(4 * 91);
    expect(p.costUsd).toBeCloseTo((4 * 91 * 3.6) / 3600, 12);
  });

  it('replays models independently and sums them; p75 is over per-model fractions', () => {
    const rows: [number, string][] = [[0, 'a'], [0, 'b'], [5, 'b'], [10, 'c'], [20, 'c'], [40, 'c'], [50, 'd']];
    const p = run(rows, 100, ['keepalive-60s']).policies[0];
    expect(p?.models.map((m) => m.model)).toEqual(['a', 'b', 'c', 'd']);
    expect(p?.models.map((m) => m.coldStartFraction)).toEqual([1, 1, 2 / 3, 1]);
    expect(p?.requests).toBe(7);
    // Each model: one replica from its first arrival until 60 s after its batch finished: 4 x 91 s.
    // c: start 10, ready 40; 10 and 20 wait, 40 arrives as it becomes ready and does not.
    expect(p?.gpuSeconds).toBe(4 * 91);
    expect(p?.p75ModelColdStartFraction).toBe(1);
  });

  it('fails loudly when a policy throws instead of changing nothing', () => {
    const broken = { ...simPolicy('keepalive-60s'), setup: (ctx: Parameters<ReturnType<typeof simPolicy>['setup']>[0]) => ({ ...simPolicy('keepalive-60s').setup(ctx), policy: { name: 'broken', initialState: () => null, decide: () => { throw new Error('boom'); } } }) };
    expect(() => simulate(columns([[0, 'a']], 10), { policies: [broken], world: () => world() })).toThrow('boom');
  });
});

describe('signals a policy receives in the simulator', () => {
  it('are the gateway\'s: busy/idle marks, last arrival, observed cold starts, replica counts', () => {
    const seen: ModelSignals[] = [];
    const recording: Policy<unknown> = {
      name: 'recording',
      initialState: () => ({ recent: [] }),
      decide: (sig, spec, state) => {
        if (sig) seen.push(sig);
        return decideKeepAlive(sig, { ...spec, scaledownWindow: 60_000 }, state as { recent: [] });
      },
    };
    simulate(columns([[0, 'a'], [100, 'a']], 200), { policies: [registeredPolicy('recording', recording)], world: () => world() });
    // The last tick at each time: at 0 the initial tick (before any arrival) comes first, then the nudge.
    const at = (ms: number): ModelSignals | undefined => seen.filter((s) => s.now === ms).at(-1);
    expect(seen.filter((s) => s.now === 0)).toHaveLength(2);
    expect(at(0)).toMatchObject({ inflight: 0, queued: 1, busySince: 0, idleSince: null, lastArrivalAt: 0, replicas: { starting: 0, ready: 0 } });
    expect(at(1000)).toMatchObject({ queued: 1, replicas: { starting: 1, ready: 0 }, concurrency: 1 });
    expect(at(31_000)).toMatchObject({ inflight: 0, queued: 0, idleSince: 31_000, replicas: { ready: 1 } });
    expect(seen.flatMap((s) => s.coldStarts ?? [])).toEqual([30_000, 30_000]); // once per replica, when first seen ready
    expect(at(100_000)).toMatchObject({ busySince: 100_000, idleSince: null, lastArrivalAt: 100_000 });
  });
});
