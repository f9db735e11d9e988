/**
 * The event loop for one model under one policy. Arrivals stream from the
 * model's sorted arrival times; completions, replica readiness and policy
 * ticks come from a heap. A tick is the live control step, unchanged:
 * Autoscaler.tick -> SignalCollector.collect -> Policy.decide ->
 * Reconciler.apply -> Provider.setReplicas (here SimProvider -> SimPool).
 *
 * When a model is ticked (the live loop ticks every model every tickInterval;
 * ticking idle models would make a 500-model, 8-hour replay 14 M ticks):
 *   - on an arrival that finds nothing ready or starting (the pool's nudge), after
 *     every other arrival of that instant, as the gateway's microtask nudge would;
 *   - every tickMs, on the grid k * tickMs, while requests are in flight or queued;
 *   - when the last request in flight finishes (so idle timers start exactly);
 *   - with no load: at the policy's Decision.wakeAt, or every tickMs while it
 *     holds replicas and gave no hint; never while it holds nothing and gave none.
 * Skipped idle ticks lose no information: signals come from monotonic counters
 * and windowAverage is time-weighted, so one long idle sample equals many short
 * ones. A policy acting on a wakeAt acts at that exact time (live: at the next tick).
 */
import { Autoscaler } from '../autoscaler/autoscaler.js';
import { Reconciler } from '../autoscaler/reconciler.js';
import { SignalCollector } from '../autoscaler/signals.js';
import type { ScalingConfig } from '../config/schema.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Policy } from '../autoscaler/policy.js';
import { GpuAccounting, type AccountingState } from '../telemetry/gpu-accounting.js';
import { EV_ARRIVAL, EV_COMPLETE, EV_READY, EV_TICK, EventHeap } from './heap.js';
import { SimPool, type PoolInput, type PoolScheduler } from './pool.js';
import type { ModelRecorder } from './recorder.js';
import { SimClock, SimProvider } from './sim-provider.js';
import { US_PER_MS } from './world.js';

/** How one policy runs for one model. */
export interface PolicySetup {
  policy: Policy<unknown>;
  scaling: ScalingConfig;
  /** Decision cadence, ms: the gateway's autoscaler.tickInterval, or the baseline system's own. */
  tickMs: number;
  /** Replicas the policy wants at the first tick are ready at once (provisioned before the replay). */
  warm: boolean;
  /** When this model's replay begins, ms (<= 0): the oracle starts before the first request. */
  startMs: number;
}

export interface ModelRunInput extends PoolInput {
  /** End of the trace, µs: replicas still held when nothing else can happen are counted until here. */
  endUs: number;
}

export interface ModelRunResult {
  /** Replica-seconds by accounting state (not yet multiplied by GPUs per replica). */
  replicaSeconds: Record<AccountingState, number>;
  ticks: number;
  /** When the run ended (µs): the trace end, or later if replicas or requests outlived it. */
  closedUs: number;
}

/** A policy still changing its mind this long after the trace ended is cut off there. */
const MAX_TAIL_US = 24 * 3600 * 1_000_000;

/** A logger that remembers the first error the Autoscaler swallowed, so the run can fail loudly. */
class ErrorTrap {
  error: unknown;
  readonly logger: Logger = {
    ...silentLogger,
    error: (obj: object) => {
      this.error ??= (obj as { err?: unknown }).err ?? obj;
    },
  };
}

export function runModel(input: ModelRunInput, setup: PolicySetup, rec: ModelRecorder): ModelRunResult {
  return new ModelRun(input, setup, rec).run();
}

class ModelRun implements PoolScheduler {
  private readonly heap = new EventHeap();
  private readonly clock = new SimClock();
  private readonly pool: SimPool;
  private readonly acct: GpuAccounting;
  private readonly autoscaler: Autoscaler;
  private readonly trap = new ErrorTrap();
  private readonly tickUs: number;
  private nextTickUs = Infinity;
  private ticks = 0;

  constructor(
    private readonly input: ModelRunInput,
    private readonly setup: PolicySetup,
    private readonly rec: ModelRecorder,
  ) {
    const startUs = Math.min(0, Math.round(setup.startMs * US_PER_MS));
    this.clock.nowUs = startUs;
    this.tickUs = Math.max(1, Math.round(setup.tickMs * US_PER_MS));
    this.acct = new GpuAccounting(() => this.clock.now());
    this.pool = new SimPool(input, this, rec, this.acct, startUs);
    const provider = new SimProvider(this.pool, this.clock);
    const collector = new SignalCollector(provider, () => provider);
    const reconciler = new Reconciler(() => provider, { scaleEvent: () => undefined }, silentLogger);
    const model = { name: input.name, scaling: setup.scaling, policy: setup.policy };
    this.autoscaler = new Autoscaler([model], collector, reconciler, this.clock, this.trap.logger);
  }

  completeAt(tUs: number, slot: number): void {
    this.heap.push(tUs, EV_COMPLETE, slot);
  }

  readyAt(tUs: number, slot: number): void {
    this.heap.push(tUs, EV_READY, slot);
  }

  run(): ModelRunResult {
    const { arrivalUs, endUs } = this.input;
    this.pool.warm = this.setup.warm;
    this.tickNow();
    this.pool.warm = false;
    const n = arrivalUs.length;
    const stopUs = Math.max(endUs, n > 0 ? (arrivalUs[n - 1] as number) : 0) + MAX_TAIL_US;
    let k = 0;
    for (;;) {
      const ta = k < n ? (arrivalUs[k] as number) : Infinity;
      const th = this.heap.peekTime();
      if (ta === Infinity && th === Infinity) break;
      if (th < ta || (th === ta && this.heap.peekKind() < EV_ARRIVAL)) {
        if (th > stopUs) break;
        this.event(this.heap.pop());
      } else this.arrive(k++, ta);
    }
    const closedUs = Math.max(endUs, this.clock.nowUs);
    this.clock.nowUs = closedUs;
    this.pool.flush(closedUs);
    return { replicaSeconds: this.acct.replicaSeconds(this.input.name), ticks: this.ticks, closedUs };
  }

  private arrive(k: number, tUs: number): void {
    this.clock.nowUs = tUs;
    this.rec.arrival(tUs);
    const wasIdle = this.pool.inflight + this.pool.queued === 0;
    const served = this.pool.arrive(k, tUs);
    // The nudge: the gateway defers it to a microtask, so it sees every request of the same
    // instant; a tick at tUs runs after all arrivals at tUs (the heap's order) and does the same.
    if (!served && !this.pool.hasCapacityComing()) this.setNextTick(Math.min(this.nextTickUs, tUs));
    else if (wasIdle) this.setNextTick(Math.min(this.nextTickUs, this.gridAfter(tUs)));
  }

  private event(tUs: number): void {
    const { kind, payload } = this.heap;
    if (kind === EV_TICK && tUs !== this.nextTickUs) return; // superseded: must not move the clock
    this.clock.nowUs = tUs;
    if (kind === EV_COMPLETE) {
      this.pool.complete(payload, tUs);
      if (this.pool.inflight + this.pool.queued === 0) this.tickNow();
    } else if (kind === EV_READY) this.pool.ready(payload, tUs);
    else if (kind === EV_TICK) {
      this.nextTickUs = Infinity;
      this.tickNow();
    }
  }

  /** One control step now, then the next one scheduled. */
  private tickNow(): void {
    this.ticks++;
    this.autoscaler.tick(this.input.name);
    if (this.trap.error !== undefined) throw this.trap.error;
    this.setNextTick(this.nextAfterTick());
  }

  private nextAfterTick(): number {
    const now = this.clock.nowUs;
    const hint = this.autoscaler.decision(this.input.name)?.wakeAt;
    let wakeUs = hint === undefined ? undefined : hint === Infinity ? Infinity : Math.round(hint * US_PER_MS);
    if (wakeUs !== undefined && wakeUs <= now) wakeUs = undefined; // "ask me again" = the next regular tick
    if (this.pool.inflight + this.pool.queued > 0) return Math.min(this.gridAfter(now), wakeUs ?? Infinity);
    if (wakeUs !== undefined) return wakeUs;
    return this.pool.held > 0 ? this.gridAfter(now) : Infinity;
  }

  private gridAfter(tUs: number): number {
    return (Math.floor(tUs / this.tickUs) + 1) * this.tickUs;
  }

  private setNextTick(tUs: number): void {
    if (tUs === this.nextTickUs) return;
    this.nextTickUs = tUs;
    if (tUs !== Infinity) this.heap.push(tUs, EV_TICK, 0);
  }
}
