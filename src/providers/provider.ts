/**
 * The Provider interface: replica lifecycle behind one narrow, level-triggered
 * API. Only the autoscaler's reconciler calls setReplicas; the gateway only
 * listens to replica events. Readiness is observed (probed), never assumed.
 */
export type ReplicaState =
  /** Wanted, but cannot start yet (e.g. no free GPU); holds nothing. */
  | 'pending'
  /** Process/pod started, not yet healthy; holds its GPUs. */
  | 'starting'
  /** Healthy and routable. */
  | 'ready'
  /** Being removed: no new requests; in-flight ones finish. */
  | 'draining'
  /** Gone on purpose. */
  | 'stopped'
  /** Gone by accident: failed to start, crashed, or stopped answering. */
  | 'failed';

export interface ReplicaInfo {
  readonly id: string;
  readonly model: string;
  readonly state: ReplicaState;
  /** Base URL (no trailing slash) once known. */
  readonly url?: string | undefined;
  /** When the replica was first wanted (ms). */
  readonly createdAt: number;
  /** When it began holding GPUs (process spawned / pod scheduled), ms. */
  readonly startedAt?: number | undefined;
  readonly readyAt?: number | undefined;
  /** Human-readable reason for pending/failed states. */
  readonly reason?: string | undefined;
  readonly gpus?: readonly string[] | undefined;
  /** Whether the provider was told to start it (false for fixed endpoints). */
  readonly managed: boolean;
  /**
   * Optional: how the cold start divided into phases, in seconds (e.g.
   * kubernetes: scheduling, image_and_start, loading). Set on `ready`; the
   * pool observes it with the cold start (managed replicas only).
   */
  readonly phases?: Readonly<Record<string, number>> | undefined;
}

export interface ReplicaEvent {
  readonly replica: ReplicaInfo;
  readonly previous: ReplicaState | undefined;
}

export type ReplicaListener = (e: ReplicaEvent) => void;

/**
 * What a provider may ask the data plane about a replica: its load (to pick
 * the least busy one to remove) and, when draining, to wait until nothing is
 * in flight to it (or a deadline passes).
 */
export interface ReplicaLoad {
  inflight(model: string, replicaId: string): number;
  waitIdle(model: string, replicaId: string, timeoutMs: number): Promise<void>;
}

/** A ReplicaLoad for providers used without a data plane (tests, tools). */
export const NO_LOAD: ReplicaLoad = { inflight: () => 0, waitIdle: () => Promise.resolve() };

export interface Provider {
  readonly kind: string;
  /** False for fixed endpoint lists: the autoscaler leaves such models alone. */
  readonly scalable: boolean;
  /** Level-triggered and idempotent: make `n` replicas of `model` exist. */
  setReplicas(model: string, n: number): void;
  /** Replicas that are not stopped/failed, plus the last failure of each slot. */
  listReplicas(model: string): ReplicaInfo[];
  /** The count last asked for. */
  targetReplicas(model: string): number;
  subscribe(listener: ReplicaListener): () => void;
  /** Stops every replica this provider started (draining first). */
  close(): Promise<void>;
}

export interface ReplicaCounts {
  pending: number;
  starting: number;
  ready: number;
  draining: number;
}

export function countReplicas(replicas: readonly ReplicaInfo[]): ReplicaCounts {
  const c: ReplicaCounts = { pending: 0, starting: 0, ready: 0, draining: 0 };
  for (const r of replicas) {
    if (r.state === 'pending' || r.state === 'starting' || r.state === 'ready' || r.state === 'draining') c[r.state]++;
  }
  return c;
}
