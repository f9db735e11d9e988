/** A ModelPool on a manual clock with hand-fed replica events, for unit tests. */
import { Registry } from 'prom-client';
import { parseConfig } from '../../src/config/load.js';
import type { ResolvedModel } from '../../src/config/resolve.js';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { ModelPool } from '../../src/gateway/pool.js';
import type { ReplicaInfo, ReplicaState } from '../../src/providers/provider.js';
import { GpuAccounting } from '../../src/telemetry/gpu-accounting.js';
import { Metrics } from '../../src/telemetry/metrics.js';

export function modelFromYaml(yaml: string): ResolvedModel {
  const cfg = parseConfig(yaml, 'test.yaml');
  const m = cfg.models[0];
  if (!m) throw new Error('no model');
  return m;
}

export class PoolHarness {
  readonly clock = new ManualClock(1_000_000);
  readonly registry = new Registry();
  readonly accounting = new GpuAccounting(() => this.clock.now());
  readonly metrics = new Metrics(this.registry, { models: () => [] }, this.accounting);
  readonly demands: string[] = [];
  readonly pool: ModelPool;
  private readonly replicas = new Map<string, ReplicaInfo>();

  constructor(model: ResolvedModel) {
    this.pool = new ModelPool(model, {
      clock: this.clock,
      metrics: this.metrics,
      accounting: this.accounting,
      logger: silentLogger,
      onDemand: (m) => this.demands.push(m),
    });
  }

  /** Moves replica `id` to `state`, as a provider would report it. */
  replica(id: string, state: ReplicaState, patch: Partial<ReplicaInfo> = {}): void {
    const prev = this.replicas.get(id);
    const now = this.clock.now();
    const info: ReplicaInfo = {
      id,
      model: this.pool.name,
      managed: true,
      createdAt: prev?.createdAt ?? now,
      startedAt: prev?.startedAt ?? (state === 'pending' ? undefined : now),
      url: `http://127.0.0.1:${1000 + this.replicas.size}`,
      ...prev,
      ...patch,
      state,
      ...(state === 'ready' ? { readyAt: now } : {}),
    };
    this.replicas.set(id, info);
    this.pool.onReplicaEvent({ replica: info, previous: prev?.state });
  }

  close(): void {
    this.pool.destroy();
  }
}

/** Settles pending promise callbacks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
