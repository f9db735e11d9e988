/**
 * Expected cold-start duration of a model, learned from observed starts
 * (exponentially weighted: the newest start counts 30%). It drives
 * Retry-After: a client told "retry in 40 s" should find a warm replica then.
 *
 * Worked example: prior 60 s, observed 20 s -> 0.7*60 + 0.3*20 = 48 s; a
 * replica that started 30 s ago is expected in 18 s.
 */
const WEIGHT = 0.3;

export class ColdStartEstimate {
  private estimate: number;
  private seen = 0;

  constructor(priorMs: number) {
    this.estimate = priorMs;
  }

  get ms(): number {
    return this.estimate;
  }

  observe(ms: number): void {
    this.estimate = this.seen === 0 ? ms : (1 - WEIGHT) * this.estimate + WEIGHT * ms;
    this.seen++;
  }

  /** Expected time left for a start that began `elapsedMs` ago (at least 1 s). */
  remainingMs(elapsedMs: number): number {
    return Math.max(1000, this.estimate - elapsedMs);
  }
}
