import { afterEach, describe, expect, it } from 'vitest';
import { PilotlightError } from '../../../src/core/errors.js';
import type { Lease } from '../../../src/gateway/pool.js';
import { modelFromYaml, PoolHarness, settle } from '../../helpers/pool-harness.js';

const model = (extra = ''): ReturnType<typeof modelFromYaml> =>
  modelFromYaml(`
models:
  - name: m
    scaling: { maxReplicas: 4, targetConcurrency: 2, maxConcurrencyPerReplica: 2 }
    queue: { maxPending: 5, timeout: 30s }
${extra}`);

let h: PoolHarness;
afterEach(() => h?.close());

function track(p: Promise<Lease>): { lease?: Lease; error?: unknown } {
  const out: { lease?: Lease; error?: unknown } = {};
  p.then(
    (l) => (out.lease = l),
    (e: unknown) => (out.error = e),
  );
  return out;
}

describe('ModelPool admission', () => {
  it('queues at zero replicas, asks for a scale-up at once, and marks the wait as a cold start', async () => {
    h = new PoolHarness(model());
    expect(h.pool.admit()).toBeUndefined();
    const w = track(h.pool.wait());
    expect(h.demands).toEqual(['m']);
    expect(h.pool.queued).toBe(1);
    h.replica('r1', 'starting');
    h.clock.advance(4000);
    h.replica('r1', 'ready');
    await settle();
    expect(w.lease?.endpoint.id).toBe('r1');
    expect(w.lease?.coldStart).toBe(true);
    expect(w.lease?.waitedMs).toBe(4000);
    expect(h.pool.queued).toBe(0);
  });

  it('releases queued requests only as fast as capacity appears (never all onto the first replica)', async () => {
    h = new PoolHarness(model());
    const waits = Array.from({ length: 5 }, () => track(h.pool.wait()));
    h.replica('r1', 'ready');
    await settle();
    expect(waits.filter((w) => w.lease).length).toBe(2); // cap 2 per replica
    expect(h.pool.queued).toBe(3);
    h.replica('r2', 'ready');
    await settle();
    expect(waits.filter((w) => w.lease).length).toBe(4);
    waits[0]?.lease?.release();
    await settle();
    expect(waits.filter((w) => w.lease).length).toBe(5);
    // FIFO order: the first four went to the first two replicas, the fifth to the freed slot on r1.
    expect(waits.map((w) => w.lease?.endpoint.id)).toEqual(['r1', 'r1', 'r2', 'r2', 'r1']);
  });

  it('balances by least outstanding requests with rotation on ties', () => {
    h = new PoolHarness(model());
    h.replica('a', 'ready');
    h.replica('b', 'ready');
    const ids = [h.pool.admit(), h.pool.admit(), h.pool.admit(), h.pool.admit()].map((l) => l?.endpoint.id);
    expect(ids.filter((x) => x === 'a').length).toBe(2);
    expect(ids.filter((x) => x === 'b').length).toBe(2);
    expect(h.pool.admit()).toBeUndefined(); // both at cap 2
  });

  it('rejects with queue_full and a Retry-After when maxPending is reached', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    h.clock.advance(10_000);
    for (let i = 0; i < 5; i++) track(h.pool.wait());
    const sixth = track(h.pool.wait());
    await settle();
    const err = sixth.error as PilotlightError;
    expect(err.code).toBe('queue_full');
    expect(err.status).toBe(503);
    // prior cold-start estimate 60 s, replica started 10 s ago -> 50 s
    expect(err.retryAfterS).toBe(50);
  });

  it('times a waiter out with queue_timeout after queue.timeout', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    const w = track(h.pool.wait());
    h.clock.advance(29_999);
    await settle();
    expect(w.error).toBeUndefined();
    h.clock.advance(1);
    await settle();
    expect((w.error as PilotlightError).code).toBe('queue_timeout');
    expect(h.pool.queued).toBe(0);
  });

  it('answers every waiter with replica_start_failed when the only starting replica fails', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    const ws = [track(h.pool.wait()), track(h.pool.wait())];
    h.replica('r1', 'failed', { reason: 'exited with code 1 during start-up: CUDA out of memory' });
    await settle();
    for (const w of ws) {
      const e = w.error as PilotlightError;
      expect(e.code).toBe('replica_start_failed');
      expect(e.message).toContain('CUDA out of memory');
      expect(e.retryAfterS).toBeGreaterThanOrEqual(1);
    }
    expect(h.pool.queued).toBe(0);
  });

  it('keeps waiting when one of two starting replicas fails', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    h.replica('r2', 'starting');
    const w = track(h.pool.wait());
    h.replica('r1', 'failed', { reason: 'boom' });
    await settle();
    expect(w.error).toBeUndefined();
    h.replica('r2', 'ready');
    await settle();
    expect(w.lease?.endpoint.id).toBe('r2');
  });

  it('removes an aborted waiter without answering it twice', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    const ac = new AbortController();
    const w = track(h.pool.wait(ac.signal));
    ac.abort(new Error('client left'));
    await settle();
    expect((w.error as Error).message).toBe('client left');
    expect(h.pool.queued).toBe(0);
    h.replica('r1', 'ready');
    await settle();
    expect(h.pool.inflight).toBe(0);
  });

  it('stops routing to a draining replica and resolves waitIdle when its last request ends', async () => {
    h = new PoolHarness(model());
    h.replica('r1', 'ready');
    const lease = h.pool.admit();
    expect(lease?.endpoint.id).toBe('r1');
    h.replica('r1', 'draining');
    expect(h.pool.admit()).toBeUndefined();
    let idle = false;
    void h.pool.waitIdle('r1', 60_000).then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    lease?.release();
    await settle();
    expect(idle).toBe(true);
  });

  it('integrates in-flight plus queued over time for the autoscaler', () => {
    h = new PoolHarness(model());
    h.replica('r1', 'ready');
    const a = h.pool.load();
    h.pool.admit();
    h.pool.admit();
    h.clock.advance(1000); // 2 in flight for 1 s
    const b = h.pool.load();
    expect(b.concurrencyMs - a.concurrencyMs).toBe(2000);
    expect(b.arrivals - a.arrivals).toBe(2);
    expect(b.inflight).toBe(2);
  });

  it('refuses to queue for a model with maxReplicas 0', async () => {
    h = new PoolHarness(modelFromYaml('models: [{ name: m, scaling: { maxReplicas: 0 } }]'));
    const w = track(h.pool.wait());
    await settle();
    expect((w.error as PilotlightError).code).toBe('no_capacity');
  });

  it('accounts replica time by state: starting, busy, idle, draining', () => {
    h = new PoolHarness(model());
    h.replica('r1', 'starting');
    h.clock.advance(3000);
    h.replica('r1', 'ready');
    h.clock.advance(2000); // idle
    const l = h.pool.admit();
    h.clock.advance(5000); // busy
    l?.release();
    h.clock.advance(1000); // idle
    h.replica('r1', 'draining');
    h.clock.advance(500);
    h.replica('r1', 'stopped');
    h.clock.advance(10_000); // gone: nothing accrues
    expect(h.accounting.replicaSeconds('m')).toEqual({ starting: 3, busy: 5, idle: 3, draining: 0.5 });
  });
});

describe('ModelPool errors carry the catalogue shape', () => {
  it('has OpenAI-shaped bodies', () => {
    const e = new PilotlightError('queue_full', 'x', { retryAfterS: 3 });
    expect(e.toBody()).toEqual({ error: { message: 'x', type: 'server_error', param: null, code: 'queue_full' } });
  });
});
