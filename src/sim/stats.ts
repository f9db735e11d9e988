/**
 * What a simulation run records: waits (exact, kept only for requests that
 * waited at all, so percentiles over all requests are exact without storing
 * millions of zeros) and time series of demand, replicas and cold starts.
 */

/** A growable Float64Array. */
export class Floats {
  private data = new Float64Array(64);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  append(other: Floats): void {
    for (let i = 0; i < other.length; i++) this.push(other.data[i] as number);
  }

  /** A sorted copy. */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Nearest-rank percentiles of `total` values of which only the positive ones
 * are in `positive` (the rest are 0). Empty -> all 0.
 *
 * Worked example: total 10, positive [5, 7] -> sorted values are eight 0s,
 * 5, 7; p50 = value at rank ceil(0.5 * 10) = 5 -> 0; p95 = rank 10 -> 7.
 */
export function percentiles(positive: Floats, total: number, scale = 1): Percentiles {
  if (total === 0) return { p50: 0, p95: 0, p99: 0 };
  const sorted = positive.sorted();
  const zeros = total - sorted.length;
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * total));
    return rank <= zeros ? 0 : (sorted[rank - zeros - 1] ?? 0) * scale;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Buckets over the replayed span: demand, replicas held and cold starts over time. */
export class Timeline {
  readonly arrivals: Float64Array;
  readonly coldStarts: Float64Array;
  /** Replica-µs held in each bucket. */
  readonly replicaUs: Float64Array;

  constructor(
    readonly buckets: number,
    readonly bucketUs: number,
  ) {
    this.arrivals = new Float64Array(buckets);
    this.coldStarts = new Float64Array(buckets);
    this.replicaUs = new Float64Array(buckets);
  }

  private index(tUs: number): number {
    return Math.min(this.buckets - 1, Math.max(0, Math.floor(tUs / this.bucketUs)));
  }

  arrival(tUs: number): void {
    const b = this.index(tUs);
    this.arrivals[b] = (this.arrivals[b] as number) + 1;
  }

  coldStart(tUs: number): void {
    const b = this.index(tUs);
    this.coldStarts[b] = (this.coldStarts[b] as number) + 1;
  }

  /** Adds `count` replicas held over [fromUs, toUs), clipped to the span (the series show the trace, not its tails). */
  held(fromUs: number, toUs: number, count: number): void {
    let t = Math.max(0, fromUs);
    const end = Math.min(toUs, this.buckets * this.bucketUs);
    while (count !== 0 && t < end) {
      const b = this.index(t);
      const stop = Math.min(end, (b + 1) * this.bucketUs);
      this.replicaUs[b] = (this.replicaUs[b] as number) + count * (stop - t);
      t = stop;
    }
  }
}
