/**
 * The simulated pool seen through the interfaces the live autoscaler uses:
 * `Provider` (what the Reconciler acts on and the SignalCollector counts
 * replicas from) and `LoadSource` (the LoadSnapshot the SignalCollector turns
 * into signals). One instance serves one model.
 */
import type { LoadSource } from '../autoscaler/signals.js';
import type { CancelTimer, Clock } from '../core/clock.js';
import type { LoadSnapshot } from '../core/load.js';
import type { Provider, ReplicaInfo } from '../providers/provider.js';
import type { SimPool } from './pool.js';
import { US_PER_MS } from './world.js';

/** A clock that reads the event loop's time; nothing in the simulated autoscaler may set timers. */
export class SimClock implements Clock {
  nowUs = 0;

  now(): number {
    return this.nowUs / US_PER_MS;
  }

  setTimer(): CancelTimer {
    throw new Error('the simulator drives the autoscaler directly: no timers on its clock');
  }

  sleep(): Promise<void> {
    return Promise.reject(new Error('the simulator never sleeps'));
  }
}

export class SimProvider implements Provider, LoadSource {
  readonly kind = 'sim';
  readonly scalable = true;

  constructor(
    private readonly pool: SimPool,
    private readonly clock: SimClock,
  ) {}

  setReplicas(model: string, n: number): void {
    if (model === this.pool.name) this.pool.setReplicas(n, this.clock.nowUs);
  }

  listReplicas(model: string): ReplicaInfo[] {
    return model === this.pool.name ? this.pool.replicaInfos() : [];
  }

  targetReplicas(model: string): number {
    return model === this.pool.name ? this.pool.target : 0;
  }

  subscribe(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  load(model: string): LoadSnapshot | undefined {
    return model === this.pool.name ? this.pool.load(this.clock.nowUs) : undefined;
  }
}
