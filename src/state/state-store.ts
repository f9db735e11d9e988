/**
 * What gateway replicas share. Never called on the request path: load is
 * published and read by a background loop, the lease is renewed by it, and
 * decisions are saved after each scaling tick.
 *
 *   loads      each gateway publishes its own per-model load snapshot with a
 *              TTL; readers sum the live ones (a dead gateway's load expires)
 *   lease      exactly one gateway acts on scaling; a fencing epoch increases
 *              with every new holder
 *   decisions  the leader's last decision and policy state per model, so a
 *              new leader continues instead of starting cold
 *   state      learned policy state (e.g. the predictive policy's model)
 *   nudges     "a request is waiting at zero replicas": sent by any gateway,
 *              heard by the leader, so scale from zero does not wait a tick
 */
import type { LoadSnapshot } from '../core/load.js';

export interface GatewayLoad {
  gatewayId: string;
  models: Record<string, LoadSnapshot>;
}

export interface Lease {
  holder: string;
  /** Increases every time the lease changes hands (a fencing token). */
  epoch: number;
}

export interface SavedDecision {
  desired: number;
  reason: string;
  /** When it was decided (the leader's clock, ms). */
  at: number;
  epoch: number;
  policy: string;
  /** The policy's state, as plain data. */
  state: unknown;
}

export interface StateStore {
  readonly kind: string;
  publishLoad(load: GatewayLoad, ttlMs: number): Promise<void>;
  /** Loads of every gateway whose last publication has not expired. */
  readLoads(): Promise<GatewayLoad[]>;

  /** Takes the lease if free, or renews it if `holder` has it. Returns the lease if `holder` holds it now. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  releaseLease(name: string, holder: string): Promise<void>;
  currentLease(name: string): Promise<Lease | undefined>;

  saveDecision(model: string, d: SavedDecision): Promise<void>;
  loadDecision(model: string): Promise<SavedDecision | undefined>;

  saveState(key: string, value: unknown): Promise<void>;
  loadState(key: string): Promise<unknown>;

  nudge(model: string): Promise<void>;
  /** Listens for nudges from any gateway; returns the unsubscribe function. */
  onNudge(listener: (model: string) => void): Promise<() => void>;

  close(): Promise<void>;
}
