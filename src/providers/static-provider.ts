/**
 * Fixed, already-running replicas (provider.type: static): routed to, probed
 * for health, never started or stopped. A replica failing its probe leaves
 * the routable set and comes back when it answers again.
 */
import type { ResolvedModel } from '../config/resolve.js';
import type { StaticProviderConfig } from '../config/schema.js';
import { every, type CancelTimer, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { probeHealth } from './probe.js';
import type { Provider, ReplicaInfo, ReplicaListener, ReplicaState } from './provider.js';

export class StaticProvider implements Provider {
  readonly kind = 'static';
  readonly scalable = false;
  private readonly replicas = new Map<string, ReplicaInfo[]>();
  private readonly listeners = new Set<ReplicaListener>();
  private readonly timers: CancelTimer[] = [];
  private readonly cfgs = new Map<string, StaticProviderConfig>();

  constructor(
    models: readonly ResolvedModel[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    for (const m of models) {
      if (m.provider.type !== 'static') continue;
      const cfg: StaticProviderConfig = m.provider;
      this.cfgs.set(m.name, cfg);
      const list = cfg.endpoints.map((url, i): ReplicaInfo => ({
        id: `${m.name.replace(/[^A-Za-z0-9.-]+/g, '-')}-static-${i + 1}`,
        model: m.name,
        state: 'starting',
        url: url.replace(/\/+$/, ''),
        createdAt: clock.now(),
        startedAt: clock.now(),
        managed: false,
      }));
      this.replicas.set(m.name, list);
    }
  }

  /** Begins probing; the first healthy probe makes each endpoint routable. */
  start(): void {
    for (const [model, list] of this.replicas) {
      for (let i = 0; i < list.length; i++) {
        const probe = (): void => void this.probe(model, i);
        probe();
        this.timers.push(every(this.clock, this.cfg(model)?.probeInterval ?? 2000, probe));
      }
    }
  }

  private cfg(model: string): StaticProviderConfig | undefined {
    return this.cfgs.get(model);
  }

  private async probe(model: string, i: number): Promise<void> {
    const cfg = this.cfg(model);
    const r = this.replicas.get(model)?.[i];
    if (!cfg || !r?.url) return;
    const res = await probeHealth(r.url, cfg.healthPath, cfg.probeTimeout);
    // Unhealthy -> failed (out of rotation); probing goes on and a healthy answer brings it back.
    const next: ReplicaState = res.ok ? 'ready' : 'failed';
    if (next === r.state) return;
    if (!res.ok) this.logger.warn({ model, replica: r.id, detail: res.detail }, 'static replica unhealthy');
    this.set(model, i, { state: next, readyAt: res.ok ? this.clock.now() : r.readyAt, reason: res.ok ? undefined : `health check failed: ${res.detail}` });
  }

  private set(model: string, i: number, patch: Partial<ReplicaInfo>): void {
    const list = this.replicas.get(model);
    const prev = list?.[i];
    if (!list || !prev) return;
    const next = { ...prev, ...patch };
    list[i] = next;
    for (const l of this.listeners) l({ replica: next, previous: prev.state });
  }

  setReplicas(): void {
    // Fixed endpoints: nothing to start or stop.
  }

  targetReplicas(model: string): number {
    return this.replicas.get(model)?.length ?? 0;
  }

  listReplicas(model: string): ReplicaInfo[] {
    return [...(this.replicas.get(model) ?? [])];
  }

  subscribe(listener: ReplicaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const t of this.timers) t();
  }
}
