import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { Backoff } from '../../../../src/providers/kubernetes/backoff.js';
import { ScaleActuator, type ScaleTarget } from '../../../../src/providers/kubernetes/scale-actuator.js';

/** A scale target whose PATCHes the test answers one by one. */
class Target implements ScaleTarget {
  /** spec.replicas on the "API server": set by successful PATCHes, or by another writer. */
  spec = 0;
  reads = 0;
  readonly patches: number[] = [];
  readonly settledAt: number[] = [];
  inflight = 0;
  maxInflight = 0;
  private answers: ((err?: unknown) => void)[] = [];

  async read(): Promise<number> {
    this.reads++;
    return this.spec;
  }

  async prepare(): Promise<void> {}

  patch(n: number): Promise<number> {
    this.patches.push(n);
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    return new Promise((resolve, reject) => {
      this.answers.push((err) => {
        this.inflight--;
        if (err) reject(err);
        else {
          this.spec = n;
          resolve(n);
        }
      });
    });
  }

  settled(spec: number): void {
    this.settledAt.push(spec);
  }

  answer(err?: unknown): void {
    const a = this.answers.shift();
    if (!a) throw new Error('no PATCH in flight');
    a(err);
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const http = (code: number): Error => Object.assign(new Error(`HTTP ${code}`), { code });

function setup(initialSpec = 0) {
  const clock = new ManualClock(0);
  const target = new Target();
  const a = new ScaleActuator(target, clock, new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.5 }), silentLogger, Promise.resolve());
  a.observed(initialSpec);
  target.spec = initialSpec;
  return { clock, target, a };
}

describe('ScaleActuator', () => {
  it('reports the observed spec until told otherwise, and does nothing for the count the spec already has', async () => {
    const { target, a } = setup(3);
    expect(a.wanted).toBe(3);
    a.set(3);
    await flush();
    expect(target.patches).toEqual([]);
    expect(a.idle).toBe(true);
  });

  it('keeps one PATCH in flight; the latest desired count wins over stale ones', async () => {
    const { target, a } = setup();
    a.set(1);
    await flush();
    a.set(2);
    a.set(5);
    await flush();
    expect(target.patches).toEqual([1]);
    target.answer();
    await flush();
    expect(target.patches).toEqual([1, 5]);
    target.answer();
    await flush();
    expect(target.maxInflight).toBe(1);
    expect(a.spec).toBe(5);
    expect(target.settledAt).toEqual([5]);
  });

  it('backs off exponentially on conflicts and server errors, then applies the latest value', async () => {
    const { clock, target, a } = setup();
    a.set(2);
    await flush();
    target.answer(http(409));
    await flush();
    expect(target.patches).toEqual([2]);
    await clock.advanceAsync(74);
    expect(target.patches).toEqual([2]); // 75 ms = 0.75 x 100
    await clock.advanceAsync(1);
    expect(target.patches).toEqual([2, 2]);
    a.set(4);
    target.answer(http(503));
    await clock.advanceAsync(149);
    expect(target.patches).toEqual([2, 2]); // 150 ms = 0.75 x 200
    await clock.advanceAsync(1);
    expect(target.patches).toEqual([2, 2, 4]);
    target.answer();
    await flush();
    expect(a.spec).toBe(4);
  });

  it('retries errors a retry will not fix (403) at the slowest pace, not in a hot loop', async () => {
    const { clock, target, a } = setup();
    a.set(1);
    await flush();
    target.answer(http(403));
    await clock.advanceAsync(749);
    expect(target.patches).toEqual([1]);
    await clock.advanceAsync(1);
    expect(target.patches).toEqual([1, 1]); // 750 ms = 0.75 x the 1000 ms cap
  });

  it('re-reads the scale before each PATCH, and adopts a count another writer set instead of overwriting it', async () => {
    const { target, a } = setup(1);
    // Another gateway (the new lease holder, or one acting alone while Redis is down) raised it to 3.
    target.spec = 3;
    a.set(2); // decided against the stale 1
    await flush();
    expect(target.reads).toBe(1);
    expect(target.patches).toEqual([]); // 2 would have removed a pod the other gateway asked for
    expect(a.spec).toBe(3);
    expect(a.wanted).toBe(3); // so the decider sees 3 next time (up only: 2 < 3, nothing to do)
    expect(target.settledAt).toEqual([3]);
    a.set(4); // decided against the fresh count
    await flush();
    expect(target.patches).toEqual([4]);
    target.answer();
    await flush();
    expect(a.spec).toBe(4);
  });

  it('adopts at a resync what another writer set, even after asking for a count itself: a former leader never writes its old count back', async () => {
    const { target, a } = setup(0);
    a.set(3);
    await flush();
    target.answer();
    await flush();
    expect(a.spec).toBe(3);
    target.spec = 1; // the new lease holder scaled down
    a.resynced(1);
    await flush();
    expect(a.wanted).toBe(1);
    expect(target.patches).toEqual([3]);
    a.resynced(1);
    await flush();
    expect(target.patches).toEqual([3]);
  });

  it('reads again after a scale-down drain: someone else scaling meanwhile calls the PATCH off', async () => {
    const clock = new ManualClock(0);
    const target = new Target();
    let drained: () => void = () => undefined;
    target.prepare = () => new Promise<void>((r) => (drained = r));
    const a = new ScaleActuator(target, clock, new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.5 }), silentLogger, Promise.resolve());
    a.observed(3);
    target.spec = 3;
    a.set(1);
    await flush();
    target.spec = 5; // while the victims drained
    drained();
    await flush();
    expect(target.reads).toBe(2);
    expect(target.patches).toEqual([]);
    expect(a.wanted).toBe(5);
  });

  it('stops retrying when closed', async () => {
    const { clock, target, a } = setup();
    a.set(1);
    await flush();
    target.answer(http(500));
    a.close();
    await clock.advanceAsync(10_000);
    expect(target.patches).toEqual([1]);
  });
});
