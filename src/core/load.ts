/**
 * The load one gateway sees for one model, as the data plane counts it and
 * the autoscaler reads it. Counters are monotonic so that rates and averages
 * come from deltas (a missed read loses nothing) and sums over gateway
 * replicas stay meaningful.
 */
export interface LoadSnapshot {
  /** When the snapshot was taken, ms. */
  at: number;
  inflight: number;
  queued: number;
  /** Monotonic integral of (inflight + queued) over time, in request-ms. */
  concurrencyMs: number;
  /** Monotonic count of requests admitted. */
  arrivals: number;
}
