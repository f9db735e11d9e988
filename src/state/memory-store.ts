/**
 * The in-process StateStore: one gateway (the embedded default), or several
 * gateways in one process in tests. TTLs and lease expiry follow the
 * injected clock.
 */
import type { Clock } from '../core/clock.js';
import type { GatewayLoad, Lease, SavedDecision, StateStore } from './state-store.js';

export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private readonly loads = new Map<string, { load: GatewayLoad; expires: number }>();
  private readonly leases = new Map<string, { holder: string; epoch: number; expires: number }>();
  private readonly epochs = new Map<string, number>();
  private readonly decisions = new Map<string, string>();
  private readonly states = new Map<string, string>();
  private readonly listeners = new Set<(model: string) => void>();

  constructor(private readonly clock: Clock) {}

  async publishLoad(load: GatewayLoad, ttlMs: number): Promise<void> {
    this.loads.set(load.gatewayId, { load: structuredClone(load), expires: this.clock.now() + ttlMs });
  }

  async readLoads(): Promise<GatewayLoad[]> {
    const now = this.clock.now();
    const out: GatewayLoad[] = [];
    for (const [id, e] of this.loads) {
      if (e.expires <= now) this.loads.delete(id);
      else out.push(structuredClone(e.load));
    }
    return out.sort((a, b) => a.gatewayId.localeCompare(b.gatewayId));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = this.clock.now();
    const cur = this.leases.get(name);
    if (cur && cur.expires > now && cur.holder !== holder) return undefined;
    if (cur && cur.expires > now && cur.holder === holder) {
      cur.expires = now + ttlMs;
      return { holder, epoch: cur.epoch };
    }
    const epoch = (this.epochs.get(name) ?? 0) + 1;
    this.epochs.set(name, epoch);
    this.leases.set(name, { holder, epoch, expires: now + ttlMs });
    return { holder, epoch };
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  async currentLease(name: string): Promise<Lease | undefined> {
    const cur = this.leases.get(name);
    return cur && cur.expires > this.clock.now() ? { holder: cur.holder, epoch: cur.epoch } : undefined;
  }

  async saveDecision(model: string, d: SavedDecision): Promise<void> {
    this.decisions.set(model, JSON.stringify(d));
  }

  async loadDecision(model: string): Promise<SavedDecision | undefined> {
    const s = this.decisions.get(model);
    return s === undefined ? undefined : (JSON.parse(s) as SavedDecision);
  }

  async saveState(key: string, value: unknown): Promise<void> {
    this.states.set(key, JSON.stringify(value));
  }

  async loadState(key: string): Promise<unknown> {
    const s = this.states.get(key);
    return s === undefined ? undefined : JSON.parse(s);
  }

  async nudge(model: string): Promise<void> {
    for (const l of this.listeners) queueMicrotask(() => l(model));
  }

  async onNudge(listener: (model: string) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
