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
  /** When the current busy period began (its first request) or, while idle, the most recent one; null before any. */
  busySince?: number | null;
  /** When the last busy period ended (nothing in flight or queued since), or null while busy. */
  idleSince?: number | null;
  /** When the most recent request arrived, or null before any. */
  lastArrivalAt?: number | null;
}
