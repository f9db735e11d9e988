/**
 * Actuation, level-triggered: `set(n)` records the desired replica count;
 * one loop makes the scale subresource say so. At most one request is in
 * flight; a failure (409 conflict, 5xx, a dropped connection) waits out a
 * jittered exponential backoff and then applies the *latest* desired value,
 * not the one that failed -- so a burst of decisions during an API outage
 * ends in a single PATCH of the last one, never a queue of stale ones.
 *
 * Before each PATCH, `prepare(n)` runs (the drain of a scale-down). If the
 * desired count changes while it runs, prepare is told (it stops waiting)
 * and the loop starts over with the new count instead of PATCHing the
 * stale one.
 *
 * Optimistic concurrency: each step first re-reads the scale (and a
 * scale-down reads it again after its drain). If spec.replicas is no longer
 * what this gateway last read or wrote, someone else wrote it -- another
 * gateway that now holds the scaling lease, another gateway acting alone
 * while Redis is down, `kubectl scale` -- and the count asked for was
 * decided against a stale number. The actuator then adopts the new spec,
 * forgets its own count and PATCHes nothing; whoever decides scaling here
 * decides again against the fresh count at its next tick. The periodic
 * resync does the same. So a gateway that lost the lease never writes its
 * old count back, and a gateway scaling "up only" without the shared view
 * never lowers a count another gateway raised. Drift (`kubectl scale`) is
 * still corrected, by the lease holder's next decision.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Backoff } from './backoff.js';
import { describeKubeError, httpStatus, isTransient } from './kube-errors.js';

export interface ScaleTarget {
  /** spec.replicas as the API server has it now. */
  read(): Promise<number>;
  /**
   * Gets ready for `n` replicas given the current spec (drains scale-down
   * victims). `changed` aborts when a different count is asked for meanwhile.
   */
  prepare(n: number, current: number, changed: AbortSignal): Promise<void>;
  patch(n: number): Promise<number>;
  /** The spec says what was last asked for (victims of a called-off scale-down can go back to work). */
  settled(spec: number): void;
}

export class ScaleActuator {
  private desired: number | undefined;
  /** spec.replicas as last read from or written to the API server. */
  private current: number | undefined;
  private running = false;
  /** Aborted when the desired count changes while a step runs. */
  private changed = new AbortController();
  private readonly abort = new AbortController();

  constructor(
    private readonly target: ScaleTarget,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly logger: Logger,
    /** Resolves once the current scale has been read (the loop waits for it). */
    private readonly initialised: Promise<void>,
  ) {}

  /** The desired count, else the spec observed at start (the gateway continues from the cluster's state). */
  get wanted(): number {
    return this.desired ?? this.current ?? 0;
  }

  get spec(): number | undefined {
    return this.current;
  }

  /** Nothing to do: the spec says what was last asked for. */
  get idle(): boolean {
    return !this.running;
  }

  observed(spec: number): void {
    this.current = spec;
  }

  /**
   * The spec was re-read (a periodic resync). If it changed since we last
   * read or wrote it, someone else wrote it: adopt it and forget our own
   * count (see the file comment); the gateway that decides scaling restores
   * its count at its next tick if it still wants another one.
   */
  resynced(spec: number): void {
    if (this.running) return;
    this.adopt(spec);
  }

  /** Adopts a spec someone else wrote; true when it differed from what we knew. */
  private adopt(spec: number): boolean {
    if (this.current === undefined || spec === this.current) {
      this.current = spec;
      return false;
    }
    this.logger.warn({ spec, previous: this.current, desired: this.desired }, 'replica count changed by another writer; adopting it');
    this.current = spec;
    this.desired = undefined;
    return true;
  }

  set(n: number): void {
    if (n !== this.desired) this.changed.abort();
    this.desired = n;
    if (!this.running) void this.run();
  }

  close(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.initialised;
      while (!this.abort.signal.aborted && this.desired !== undefined && this.desired !== this.current) {
        await this.step(this.desired);
      }
    } finally {
      this.running = false;
    }
    if (!this.abort.signal.aborted && this.current !== undefined) this.target.settled(this.current);
  }

  private async step(n: number): Promise<void> {
    try {
      this.changed = new AbortController();
      if (this.adopt(await this.target.read()) || this.desired !== n || this.abort.signal.aborted) return;
      const before = this.current ?? 0;
      await this.target.prepare(n, before, this.changed.signal);
      if (this.desired !== n || this.abort.signal.aborted) return;
      // A drain can take minutes: check again that nobody else scaled meanwhile.
      if (n < before && (this.adopt(await this.target.read()) || this.desired !== n || this.abort.signal.aborted)) return;
      const stored = await this.target.patch(n);
      this.current = n;
      this.backoff.reset();
      this.logger.info({ replicas: n, stored }, 'scaled');
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const transient = isTransient(err);
      const delay = this.backoff.next(!transient);
      const fields = { replicas: n, status: httpStatus(err), error: describeKubeError(err), attempt: this.backoff.attempts, retryInMs: delay };
      if (transient) this.logger.warn(fields, 'scaling failed; retrying');
      else this.logger.error(fields, 'scaling failed (needs a fix: RBAC, workload name?); retrying slowly');
      await this.clock.sleep(delay, this.abort.signal).catch(() => undefined);
    }
  }
}
