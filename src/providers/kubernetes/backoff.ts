/**
 * Exponential backoff with "equal jitter": attempt k waits
 *
 *   d = min(maxMs, baseMs * 2^k);   wait = d/2 + random() * d/2
 *
 * e.g. baseMs 200, maxMs 30 000: 100-200 ms, 200-400 ms, 400-800 ms, ...,
 * then 15-30 s. Half the delay is fixed, so even an unlucky random draw
 * never turns retries into a hot loop; the other half is random, so
 * several gateway replicas failing at once do not retry in lockstep.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** [0, 1); injectable so tests get exact delays. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 30_000 };

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next try; `slow` jumps to the cap (for errors a retry will not fix soon). */
  next(slow = false): number {
    const k = slow ? Infinity : this.attempt;
    this.attempt++;
    const d = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(k, 30));
    return Math.round(d / 2 + this.random() * (d / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
