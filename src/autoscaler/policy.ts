/**
 * The policy interface: a pure function of (signals, spec, state). No I/O, no
 * clock, no randomness: time arrives inside the signals, state goes in and
 * comes out. The live gateway and the simulator run the same policies.
 */
import type { ScalingConfig } from '../config/schema.js';

/** One model's load and capacity, as collected for one tick. */
export interface ModelSignals {
  /** Time of this sample, ms. */
  now: number;
  /** Length of time this sample covers (since the previous one), ms. */
  intervalMs: number;
  /** Time-weighted average of in-flight + queued requests over the interval. */
  concurrency: number;
  /** In flight at `now`. */
  inflight: number;
  /** Waiting in the admission queue at `now`. */
  queued: number;
  /** Requests that arrived during the interval. */
  arrivals: number;
  replicas: { pending: number; starting: number; ready: number; draining: number };
  /** When the current busy period began, or null while idle (absent: unknown). */
  busySince?: number | null;
  /** When the last busy period ended, or null while busy (absent: unknown). */
  idleSince?: number | null;
  /** When the most recent request arrived (absent: unknown). */
  lastArrivalAt?: number | null;
  /** Cold starts (spawn -> ready, ms) of replicas that became ready during the interval. */
  coldStarts?: number[];
}

/** What a policy needs to know about the model it sizes. */
export type ScalingSpec = Pick<
  ScalingConfig,
  'minReplicas' | 'maxReplicas' | 'targetConcurrency' | 'scaledownWindow' | 'stableWindow' | 'panicWindow' | 'panicThreshold' | 'maxScaleUpRate'
> &
  Partial<Pick<ScalingConfig, 'predictive' | 'schedules'>>;

export interface Decision<S> {
  desired: number;
  /** Short machine-readable reason, used as a metric label: "load", "panic", "scale-to-zero", "min", "max". */
  reason: string;
  state: S;
  /**
   * Optional hint for event-driven callers (the simulator): the earliest time
   * (ms, the clock of ModelSignals.now) at which this decision could change
   * if load stayed exactly as it is now (no arrival, no completion).
   * Infinity: not before load changes. Undefined: no promise, ask every tick.
   * The live control loop ticks on its own schedule and ignores it.
   */
  wakeAt?: number;
  /** The policy's forecast of demand (in-flight + queued) at the end of its warm-up lead, if it makes one. */
  forecast?: number;
}

export interface Policy<S> {
  readonly name: string;
  initialState(): S;
  /** Returns undefined when it cannot decide (missing data): the replica count stays as it is. */
  decide(signals: ModelSignals | undefined, spec: ScalingSpec, state: S): Decision<S> | undefined;
}
