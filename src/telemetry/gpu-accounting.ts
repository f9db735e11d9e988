/**
 * Integrates replica-time by state, so idle GPU time and cost are exact, not
 * sampled. Each replica is in one accounting state at a time:
 *
 *   starting  spawned, not yet ready (holding GPUs, serving nothing)
 *   busy      ready with at least one request in flight
 *   idle      ready with nothing in flight
 *   draining  being removed, finishing in-flight requests
 *
 * Totals are replica-milliseconds per (model, state); GPU-seconds are these
 * times the model's gpusPerReplica. Cost note: a transition is O(1) (one Map
 * lookup, two subtractions); the request path calls it only when a replica
 * goes 0 -> 1 or 1 -> 0 requests in flight.
 */
export type AccountingState = 'starting' | 'busy' | 'idle' | 'draining';
export const ACCOUNTING_STATES: readonly AccountingState[] = ['starting', 'busy', 'idle', 'draining'];

interface Tracked {
  model: string;
  state: AccountingState;
  since: number;
}

export class GpuAccounting {
  private readonly replicas = new Map<string, Tracked>();
  /** model -> state -> replica-ms */
  private readonly totals = new Map<string, Record<AccountingState, number>>();

  constructor(private readonly now: () => number) {}

  /** Moves a replica to a state (or out of accounting with `undefined`). */
  set(model: string, replicaId: string, state: AccountingState | undefined): void {
    const t = this.now();
    const cur = this.replicas.get(replicaId);
    if (cur) {
      this.add(cur.model, cur.state, t - cur.since);
      if (state === undefined) this.replicas.delete(replicaId);
      else {
        cur.state = state;
        cur.since = t;
      }
    } else if (state !== undefined) {
      this.replicas.set(replicaId, { model, state, since: t });
    }
    this.ensure(model);
  }

  /** Current state of a replica, if tracked. */
  stateOf(replicaId: string): AccountingState | undefined {
    return this.replicas.get(replicaId)?.state;
  }

  /** Replica-seconds per state for a model, up to now. */
  replicaSeconds(model: string): Record<AccountingState, number> {
    const t = this.now();
    const out = { ...this.ensure(model) };
    for (const r of this.replicas.values()) if (r.model === model) out[r.state] += t - r.since;
    for (const s of ACCOUNTING_STATES) out[s] /= 1000;
    return out;
  }

  models(): string[] {
    return [...this.totals.keys()];
  }

  private add(model: string, state: AccountingState, ms: number): void {
    this.ensure(model)[state] += Math.max(0, ms);
  }

  private ensure(model: string): Record<AccountingState, number> {
    let t = this.totals.get(model);
    if (!t) {
      t = { starting: 0, busy: 0, idle: 0, draining: 0 };
      this.totals.set(model, t);
    }
    return t;
  }
}
