/**
 * Several gateways, one scaling brain: ClusterLoad sums load across
 * gateways monotonically; the Coordinator gives exactly one gateway the right
 * to act, hands over with state, and degrades safely when the store fails.
 * Manual clock, in-memory store (the Redis store passes the same conformance
 * suite; the multi-process test runs it for real).
 */
import { describe, expect, it } from 'vitest';
import { Autoscaler } from '../../../src/autoscaler/autoscaler.js';
import { ClusterLoad } from '../../../src/autoscaler/cluster-load.js';
import { Coordinator } from '../../../src/autoscaler/coordinator.js';
import { kpaPolicy } from '../../../src/autoscaler/kpa-policy.js';
import { predictivePolicy, type PredictiveState } from '../../../src/autoscaler/predictive/predictive-policy.js';
import { Reconciler } from '../../../src/autoscaler/reconciler.js';
import { SignalCollector } from '../../../src/autoscaler/signals.js';
import { parseConfig } from '../../../src/config/load.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { LoadSnapshot } from '../../../src/core/load.js';
import { silentLogger } from '../../../src/core/logger.js';
import { MemoryStateStore } from '../../../src/state/memory-store.js';
import type { StateStore } from '../../../src/state/state-store.js';
import { FakeProvider } from '../../helpers/fake-provider.js';

const scaling = parseConfig('models: [{ name: m, scaling: { maxReplicas: 10, targetConcurrency: 1, scaledownWindow: 30s } }]').models[0]!.scaling;

/** A gateway's local load: a constant concurrency c, integrated over the manual clock. */
class LocalLoad {
  c = 0;
  private integral = 0;
  private last: number;
  constructor(private readonly clock: ManualClock) {
    this.last = clock.now();
  }
  set(c: number): void {
    this.advance();
    this.c = c;
  }
  private advance(): void {
    const now = this.clock.now();
    this.integral += this.c * (now - this.last);
    this.last = now;
  }
  snapshot(): LoadSnapshot {
    this.advance();
    return { at: this.clock.now(), inflight: this.c, queued: 0, concurrencyMs: this.integral, arrivals: 0 };
  }
}

/** Which gateway made each scale call. */
const actedBy: string[] = [];

function gateway(id: string, clock: ManualClock, store: StateStore, provider: FakeProvider, policy: { name: string } = kpaPolicy) {
  const local = new LocalLoad(clock);
  const cluster = new ClusterLoad(id, () => local.snapshot(), clock);
  const reconciler = new Reconciler(() => provider, { scaleEvent: () => actedBy.push(id) }, silentLogger);
  const autoscaler = new Autoscaler([{ name: 'm', scaling, policy: policy as never }], new SignalCollector(cluster, () => provider), reconciler, clock, silentLogger);
  const coordinator = new Coordinator({ store, selfId: id, models: ['m'], localLoad: () => local.snapshot(), cluster, autoscaler, publishIntervalMs: 1000, leaseDurationMs: 5000, clock, logger: silentLogger });
  return { id, local, cluster, autoscaler, coordinator };
}

/** Runs rounds and ticks for `seconds` of manual time. */
async function run(clock: ManualClock, gws: ReturnType<typeof gateway>[], seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    for (const g of gws) await g.coordinator.round();
    for (const g of gws) g.autoscaler.tickAll();
  }
}

describe('ClusterLoad', () => {
  it('sums local and remote load, monotonically, as gateways come, restart and go', () => {
    const clock = new ManualClock(0);
    let own: LoadSnapshot = { at: 0, inflight: 1, queued: 0, concurrencyMs: 1000, arrivals: 1 };
    const c = new ClusterLoad('a', () => own, clock);
    const b = (concurrencyMs: number, inflight: number) => ({ gatewayId: 'b', models: { m: { at: 0, inflight, queued: 1, concurrencyMs, arrivals: concurrencyMs / 1000 } } });
    c.updateRemote([b(5000, 2)]);
    expect(c.load('m')).toMatchObject({ inflight: 3, queued: 1, concurrencyMs: 1000 }); // first sight of b: a baseline
    own = { ...own, concurrencyMs: 4000 };
    c.updateRemote([b(7000, 2), { gatewayId: 'a', models: {} }]); // our own publication is ignored
    expect(c.load('m')?.concurrencyMs).toBe(4000 + 2000);
    c.updateRemote([b(100, 1)]); // b restarted: counters went back; new baseline, sum does not drop
    expect(c.load('m')?.concurrencyMs).toBe(6000);
    c.updateRemote([b(1100, 1)]);
    expect(c.load('m')?.concurrencyMs).toBe(7000);
    c.updateRemote([]); // b died
    expect(c.load('m')).toMatchObject({ inflight: 1, queued: 0, concurrencyMs: 7000 });
    expect(c.gatewayCount()).toBe(1);
  });
});

describe('Coordinator', () => {
  it('lets exactly one gateway act, on the sum of every gateway’s load', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStateStore(clock);
    const provider = new FakeProvider();
    actedBy.length = 0;
    const gws = ['a', 'b', 'c'].map((id) => gateway(id, clock, store, provider));
    for (const g of gws) await g.coordinator.init();
    for (const g of gws) g.local.set(2); // 2 concurrent on each: 6 in all, target 1 -> 6 replicas
    await run(clock, gws, 10);
    expect(gws.map((g) => g.autoscaler.getMode()).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(provider.targetReplicas('m')).toBe(6);
    // Every scale call came from the leader (followers never act).
    const leader = gws.find((g) => g.autoscaler.getMode() === 'leader')!;
    expect(actedBy.length).toBeGreaterThan(0);
    expect(new Set(actedBy)).toEqual(new Set([leader.id]));
    expect(gws.filter((g) => g !== leader).every((g) => g.autoscaler.decision('m')?.desired === 6)).toBe(true); // followers show the leader's decision
  });

  it('hands over within the lease time when the leader dies, continuing from its decision', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStateStore(clock);
    const provider = new FakeProvider();
    const gws = ['a', 'b'].map((id) => gateway(id, clock, store, provider));
    for (const g of gws) await g.coordinator.init();
    for (const g of gws) g.local.set(3);
    await run(clock, gws, 10);
    const leader = gws.find((g) => g.autoscaler.getMode() === 'leader')!;
    const other = gws.find((g) => g !== leader)!;
    expect(provider.targetReplicas('m')).toBe(6);
    // The leader dies: no more rounds or ticks from it; its load expires from the store.
    other.local.set(3);
    let tookOverAfter = 0;
    for (let s = 1; s <= 10 && other.autoscaler.getMode() !== 'leader'; s++) {
      await run(clock, [other], 1);
      tookOverAfter = s;
    }
    expect(other.autoscaler.getMode()).toBe('leader');
    expect(tookOverAfter).toBeLessThanOrEqual(5); // lease 5 s
    // It continued from the saved decision: the scale-down window still remembers 6.
    expect(provider.targetReplicas('m')).toBe(6);
    expect(other.autoscaler.decision('m')?.desired).toBe(6);
  });

  it('keeps what the predictive policy learned across a restart of every gateway: the state lives in the store', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStateStore(clock);
    // What an earlier leader learned and saved (epoch 1): remembered gaps and the cold start.
    const learned: PredictiveState = { ...predictivePolicy.initialState(), coldStartMs: 4321 };
    learned.gaps = { ...learned.gaps, gaps: [60_000, 61_000, 59_500], longW: 3 };
    await store.saveDecision('m', { desired: 0, reason: 'idle', at: clock.now(), epoch: 1, policy: 'predictive', state: learned });
    await store.acquireLease('autoscaler', 'gone', 1); // the old leader's epoch
    clock.advance(10);
    // A fresh gateway process (nothing in memory) takes the lease and continues from it.
    const g = gateway('fresh', clock, store, new FakeProvider(), predictivePolicy);
    await g.coordinator.init();
    await run(clock, [g], 3);
    expect(g.autoscaler.getMode()).toBe('leader');
    const saved = (await store.loadDecision('m'))!;
    expect(saved.epoch).toBe(2);
    expect(saved.policy).toBe('predictive');
    const st = saved.state as PredictiveState;
    expect(st.gaps.gaps.slice(0, 3)).toEqual([60_000, 61_000, 59_500]); // not started cold
    expect(st.coldStartMs).toBe(4321);
  });

  it('keeps what was learned when the store restarts empty and the leader dies: followers mirror the policy state', async () => {
    const clock = new ManualClock(1_000_000);
    let store = new MemoryStateStore(clock);
    // Every gateway talks to "the" store; a Redis restart without persistence swaps it for an empty one.
    const redis = new Proxy({} as MemoryStateStore, {
      get(_target, prop) {
        const v = Reflect.get(store, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(store) : v;
      },
    });
    const learned: PredictiveState = { ...predictivePolicy.initialState(), coldStartMs: 4321 };
    learned.gaps = { ...learned.gaps, gaps: [60_000, 61_000, 59_500], longW: 3 };
    await store.saveDecision('m', { desired: 0, reason: 'idle', at: clock.now(), epoch: 1, policy: 'predictive', state: learned });
    await store.acquireLease('autoscaler', 'gone', 1);
    clock.advance(10);
    const gws = ['a', 'b'].map((id) => gateway(id, clock, redis, new FakeProvider(), predictivePolicy));
    for (const g of gws) await g.coordinator.init();
    await run(clock, gws, 3);
    const leader = gws.find((g) => g.autoscaler.getMode() === 'leader')!;
    const follower = gws.find((g) => g !== leader)!;
    expect(follower.autoscaler.getMode()).toBe('follower');
    // Redis comes back empty, and the leader is gone.
    store = new MemoryStateStore(clock);
    for (let s = 0; s < 10 && follower.autoscaler.getMode() !== 'leader'; s++) await run(clock, [follower], 1);
    expect(follower.autoscaler.getMode()).toBe('leader');
    const saved = (await store.loadDecision('m'))!;
    const st = saved.state as PredictiveState;
    expect(st.gaps.gaps.slice(0, 3)).toEqual([60_000, 61_000, 59_500]); // the new leader re-seeded the store with it
    expect(st.coldStartMs).toBe(4321);
  });

  it('degrades safely when the store fails: keeps scaling up on local load, never down; converges when it is back', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStateStore(clock);
    let broken = false;
    const flaky = new Proxy(store, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => (broken && prop !== 'close' ? Promise.reject(new Error('ECONNREFUSED')) : (v as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const provider = new FakeProvider();
    const g = gateway('a', clock, flaky, provider);
    await g.coordinator.init();
    g.local.set(4);
    await run(clock, [g], 5);
    expect(g.autoscaler.getMode()).toBe('leader');
    expect(provider.targetReplicas('m')).toBe(4);
    broken = true;
    g.local.set(8);
    await run(clock, [g], 5);
    expect(g.autoscaler.getMode()).toBe('degraded');
    expect(g.coordinator.storeUp).toBe(false);
    expect(provider.targetReplicas('m')).toBe(8); // scale up on its own load
    g.local.set(0);
    await run(clock, [g], 60);
    expect(provider.targetReplicas('m')).toBe(8); // never down while degraded
    broken = false;
    await run(clock, [g], 40);
    expect(g.autoscaler.getMode()).toBe('leader');
    expect(provider.targetReplicas('m')).toBe(0); // converged: idle for longer than the window
  });
});
