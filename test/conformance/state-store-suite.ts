/**
 * One conformance suite for every StateStore implementation (memory, Redis):
 * the same behaviour is required of each, checked the same way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadSnapshot } from '../../src/core/load.js';
import type { StateStore } from '../../src/state/state-store.js';

export interface StoreBackend {
  /** A new client of the same backend (two gateways talking to one Redis). */
  connect(): Promise<StateStore>;
  /** Lets time pass for TTLs (a manual clock, or real time for Redis). */
  advance(ms: number): Promise<void>;
  reset(): Promise<void>;
}

const snap = (inflight: number, queued = 0): LoadSnapshot => ({ at: 1000, inflight, queued, concurrencyMs: inflight * 1000, arrivals: inflight });

export function stateStoreConformance(name: string, backend: () => StoreBackend): void {
  describe(`StateStore conformance: ${name}`, () => {
    let b: StoreBackend;
    let a: StateStore;
    let c: StateStore;
    beforeEach(async () => {
      b = backend();
      await b.reset();
      a = await b.connect();
      c = await b.connect();
    });
    afterEach(async () => {
      await a.close();
      await c.close();
    });

    it('shares each gateway’s load until its TTL expires', async () => {
      await a.publishLoad({ gatewayId: 'gw-a', models: { llama: snap(3, 2) } }, 300);
      await c.publishLoad({ gatewayId: 'gw-b', models: { llama: snap(1), mistral: snap(4) } }, 2000);
      const both = await c.readLoads();
      expect(both.map((l) => l.gatewayId)).toEqual(['gw-a', 'gw-b']);
      expect(both[0]?.models.llama).toEqual(snap(3, 2));
      await b.advance(500);
      expect((await a.readLoads()).map((l) => l.gatewayId)).toEqual(['gw-b']);
    });

    it('replaces a gateway’s previous load when it publishes again', async () => {
      await a.publishLoad({ gatewayId: 'gw-a', models: { m: snap(1) } }, 5000);
      await a.publishLoad({ gatewayId: 'gw-a', models: { m: snap(7) } }, 5000);
      const loads = await c.readLoads();
      expect(loads).toHaveLength(1);
      expect(loads[0]?.models.m?.inflight).toBe(7);
    });

    it('grants the lease to one holder at a time, renews it, and fences each new holder with a higher epoch', async () => {
      const first = await a.acquireLease('scaler', 'gw-a', 300);
      expect(first?.holder).toBe('gw-a');
      expect(await c.acquireLease('scaler', 'gw-b', 300)).toBeUndefined();
      const renewed = await a.acquireLease('scaler', 'gw-a', 300);
      expect(renewed?.epoch).toBe(first?.epoch);
      expect(await c.currentLease('scaler')).toEqual({ holder: 'gw-a', epoch: first?.epoch });
      await b.advance(500); // gw-a stopped renewing
      const taken = await c.acquireLease('scaler', 'gw-b', 300);
      expect(taken?.holder).toBe('gw-b');
      expect(taken!.epoch).toBeGreaterThan(first!.epoch);
      expect(await a.acquireLease('scaler', 'gw-a', 300)).toBeUndefined();
    });

    it('releases the lease only for its holder', async () => {
      await a.acquireLease('scaler', 'gw-a', 10_000);
      await c.releaseLease('scaler', 'gw-b');
      expect((await c.currentLease('scaler'))?.holder).toBe('gw-a');
      await a.releaseLease('scaler', 'gw-a');
      expect(await c.currentLease('scaler')).toBeUndefined();
      expect((await c.acquireLease('scaler', 'gw-b', 10_000))?.holder).toBe('gw-b');
    });

    it('keeps leases of different names apart', async () => {
      expect(await a.acquireLease('one', 'gw-a', 10_000)).toBeDefined();
      expect(await c.acquireLease('two', 'gw-b', 10_000)).toBeDefined();
    });

    it('round-trips decisions and policy state as plain data', async () => {
      const d = { desired: 3, reason: 'panic', at: 123.5, epoch: 2, policy: 'reactive', state: { samples: [{ t: 1, dt: 1000, v: 2.5 }], panicSince: null } };
      await a.saveDecision('llama', d);
      expect(await c.loadDecision('llama')).toEqual(d);
      expect(await c.loadDecision('nope')).toBeUndefined();
      await a.saveState('predictive:llama', { gaps: [1, 2, 3], nested: { ok: true } });
      expect(await c.loadState('predictive:llama')).toEqual({ gaps: [1, 2, 3], nested: { ok: true } });
      expect(await c.loadState('missing')).toBeUndefined();
    });

    it('delivers nudges from one gateway to the others', async () => {
      const heard: string[] = [];
      const off = await c.onNudge((m) => heard.push(m));
      await a.nudge('llama');
      await a.nudge('mistral');
      const deadline = performance.now() + 5000;
      while (heard.length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(['llama', 'mistral']);
      off();
      await a.nudge('after');
      await new Promise((r) => setTimeout(r, 50));
      expect(heard).toEqual(['llama', 'mistral']);
    });
  });
}
