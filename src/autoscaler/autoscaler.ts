/**
 * The control loop: every tick, for each scalable model,
 *   collect (SignalCollector) -> decide (Policy, pure) -> act (Reconciler).
 * `nudge(model)` runs the same steps for one model at once; the admission
 * queue calls it when a request waits and nothing is starting, so scale
 * from zero never waits for the next tick.
 */
import type { ScalingConfig } from '../config/schema.js';
import { every, type CancelTimer, type Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Policy } from './policy.js';
import type { Reconciler } from './reconciler.js';
import type { SignalCollector } from './signals.js';

export interface ScaledModel {
  name: string;
  scaling: ScalingConfig;
  policy: Policy<unknown>;
}

export interface ModelDecision {
  desired: number;
  reason: string;
  at: number;
  /** The policy's Decision.wakeAt hint, if it gave one (used by the simulator). */
  wakeAt?: number;
  /** The policy's demand forecast at the end of its warm-up lead, if it makes one. */
  forecast?: number;
}

/**
 * Who acts on scaling. alone: the only gateway (in-memory state). leader: holds
 * the shared lease. follower: another gateway holds it; decide nothing, act on
 * nothing. degraded: the shared store is unreachable; act on local load, but
 * never scale down (another gateway may be carrying load we cannot see).
 */
export type AutoscalerMode = 'alone' | 'leader' | 'follower' | 'degraded';

export interface DecisionRecord extends ModelDecision {
  policy: string;
  state: unknown;
}

export interface DecisionTimer {
  observeDecide(policy: string, seconds: number): void;
}

export class Autoscaler {
  private readonly states = new Map<string, unknown>();
  private readonly decisions = new Map<string, ModelDecision>();
  private readonly byName = new Map<string, ScaledModel>();
  private stopTicker: CancelTimer | undefined;
  private nudged = new Set<string>();
  private mode: AutoscalerMode = 'alone';
  private decisionListener: ((model: string, d: DecisionRecord) => void) | undefined;

  constructor(
    models: readonly ScaledModel[],
    private readonly collector: SignalCollector,
    private readonly reconciler: Reconciler,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly timer?: DecisionTimer,
  ) {
    for (const m of models) {
      this.byName.set(m.name, m);
      this.states.set(m.name, m.policy.initialState());
    }
  }

  start(tickMs: number): void {
    this.tickAll();
    this.stopTicker = every(this.clock, tickMs, () => this.tickAll());
  }

  stop(): void {
    this.stopTicker?.();
    this.stopTicker = undefined;
  }

  setMode(mode: AutoscalerMode): void {
    this.mode = mode;
  }

  getMode(): AutoscalerMode {
    return this.mode;
  }

  /** Called after every decision this gateway makes (the coordinator persists them). */
  onDecision(listener: (model: string, d: DecisionRecord) => void): void {
    this.decisionListener = listener;
  }

  /** Continues from a decision saved by a previous leader (same policy only). */
  restore(model: string, saved: DecisionRecord): boolean {
    const m = this.byName.get(model);
    if (!m || saved.policy !== m.policy.name) return false;
    this.states.set(model, saved.state);
    this.decisions.set(model, { desired: saved.desired, reason: saved.reason, at: saved.at });
    return true;
  }

  /** A follower shows the leader's latest decision (admin API, metrics); it does not act on it. */
  observe(model: string, d: ModelDecision): void {
    if (this.mode === 'follower') this.decisions.set(model, d);
  }

  tickAll(): void {
    for (const name of this.byName.keys()) this.tick(name);
  }

  /** Scale this model now (deferred to a microtask so callers never re-enter). */
  nudge(model: string): void {
    if (this.nudged.has(model)) return;
    this.nudged.add(model);
    queueMicrotask(() => {
      this.nudged.delete(model);
      this.tick(model);
    });
  }

  tick(model: string): void {
    const m = this.byName.get(model);
    if (!m || this.mode === 'follower') return;
    try {
      const signals = this.collector.collect(model);
      const t0 = this.clock.now();
      const d = m.policy.decide(signals, m.scaling, this.states.get(model));
      this.timer?.observeDecide(m.policy.name, (this.clock.now() - t0) / 1000);
      if (!d) return;
      this.states.set(model, d.state);
      this.decisions.set(model, { desired: d.desired, reason: d.reason, at: signals?.now ?? this.clock.now(), wakeAt: d.wakeAt, forecast: d.forecast });
      this.reconciler.apply(model, d.desired, d.reason, this.mode !== 'degraded');
      const rec = this.decisions.get(model);
      if (rec) this.decisionListener?.(model, { ...rec, policy: m.policy.name, state: d.state });
    } catch (err) {
      // A failing tick changes nothing; the next one tries again.
      this.logger.error({ model, err: describeError(err) }, 'autoscaler tick failed');
    }
  }

  decision(model: string): ModelDecision | undefined {
    return this.decisions.get(model);
  }
}
