/**
 * Knative's KPA as Knative ships it, for comparison with our `reactive`
 * variant (src/autoscaler/kpa-policy.ts lists where that one differs on
 * purpose). Read from knative/serving: pkg/autoscaler/scaling/autoscaler.go
 * (func Scale), pkg/reconciler/autoscaling/kpa/scaler.go (handleScaleToZero)
 * and the defaults in pkg/autoscaler/config/config.go.
 *
 *   readyPods   = max(1, ready pods)              // starting pods are NOT capacity
 *   dspc        = ceil(stable avg / target),  dppc = ceil(panic avg / target)
 *   maxUp       = ceil(maxScaleUpRate * readyPods), maxDown = floor(readyPods / 2)
 *   stablePods  = clamp(dspc, maxDown, maxUp),  panicPods = clamp(dppc, maxDown, maxUp)
 *   panic while dppc / readyPods >= panicThreshold, and until a whole stable
 *   window has passed since it last was (panicTime + stableWindow < now);
 *   in panic: desired = maxPanicPods = max(maxPanicPods, stablePods, panicPods)
 *   otherwise: desired = stablePods
 *   scale-down delay: max of desired over scaledownWindow (Knative default 0: off)
 *   scale to zero (scaler.go): a desired 0 is applied only after the revision
 *   was active >= stableWindow, then marked inactive, and then kept at its
 *   current size for scale-to-zero-grace-period (30 s) more.
 *
 * Defaults (config.go): target = 0.7 x container concurrency (100 when unset),
 * stable 60 s, panic 6 s (10 %), threshold 200 %, max-scale-up-rate 1000,
 * max-scale-down-rate 2, grace 30 s, scale-down-delay 0, tick 2 s
 * (multiscaler.go tickInterval). The simulator sets these in the spec.
 *
 * Worked example (target 70, ticks every 2 s): one request of 1 s at t = 0 on
 * a warm pod. The 60 s stable average stays > 0 (so dspc = 1) until the
 * sample holding it leaves the window at the t = 62 s tick; desired 0 marks
 * the revision inactive; 30 s later, at t = 92 s, it scales to zero: about
 * stable window + grace after the last request, where `reactive` waits its
 * scaledownWindow only.
 *
 * Scale from zero: Knative's activator holds the request and "pokes" the
 * autoscaler (multiscaler.go Poke), whose next Scale sees the activator's
 * concurrency; we model that as: requests waiting with no ready pod -> >= 1.
 */
import type { Decision, ModelSignals, Policy, ScalingSpec } from '../policy.js';
import { pushWindowMax, trimSamples, windowAverage, type MaxEntry, type Sample } from '../window.js';

export interface KnativeState {
  samples: Sample[];
  /** Last time panic-window demand was over the threshold (Knative's panicTime), or null. */
  panicTime: number | null;
  maxPanicPods: number;
  /** Scale-down delay window (only used when scaledownWindow > 0). */
  recent: MaxEntry[];
  /** Since when the revision has ready pods (PodAutoscaler Active=True). */
  activeSince: number | null;
  /** Since when the revision is marked inactive, waiting out the grace period. */
  inactiveSince: number | null;
}

export interface KnativeOptions {
  maxScaleDownRate: number;
  scaleToZeroGracePeriodMs: number;
}

export const KNATIVE_DEFAULTS: KnativeOptions = { maxScaleDownRate: 2, scaleToZeroGracePeriodMs: 30_000 };

export function knativePolicy(opts: KnativeOptions = KNATIVE_DEFAULTS): Policy<KnativeState> {
  return {
    name: 'knative',
    initialState: () => ({ samples: [], panicTime: null, maxPanicPods: 0, recent: [], activeSince: null, inactiveSince: null }),
    decide: (sig, spec, state) => (sig ? decideKnative(sig, spec, state, opts) : undefined),
  };
}

function decideKnative(sig: ModelSignals, spec: ScalingSpec, prev: KnativeState, opts: KnativeOptions): Decision<KnativeState> {
  const now = sig.now;
  const samples = trimSamples([...prev.samples, { t: now, dt: Math.max(0, sig.intervalMs), v: sig.concurrency }], now, spec.stableWindow);
  const stable = windowAverage(samples, now, spec.stableWindow) ?? sig.concurrency;
  const panic = windowAverage(samples, now, spec.panicWindow) ?? sig.concurrency;
  const { ready } = sig.replicas;
  const readyPods = Math.max(1, ready);
  const maxUp = Math.ceil(spec.maxScaleUpRate * readyPods);
  const maxDown = Math.floor(readyPods / opts.maxScaleDownRate);
  let dspc = Math.ceil(stable / spec.targetConcurrency);
  const dppc = Math.ceil(panic / spec.targetConcurrency);
  if (ready === 0 && sig.inflight + sig.queued > 0) dspc = Math.max(dspc, 1); // the activator's poke
  const stablePods = Math.min(Math.max(dspc, maxDown), maxUp);
  const panicPods = Math.min(Math.max(dppc, maxDown), maxUp);

  let { panicTime, maxPanicPods } = prev;
  const over = dppc / readyPods >= spec.panicThreshold;
  if (over) panicTime = now;
  else if (panicTime !== null && panicTime + spec.stableWindow < now) {
    panicTime = null;
    maxPanicPods = 0;
  }
  let desired = stablePods;
  let reason = 'load';
  if (panicTime !== null) {
    maxPanicPods = Math.max(maxPanicPods, stablePods, panicPods);
    desired = maxPanicPods;
    reason = 'panic';
  }
  const recent = spec.scaledownWindow > 0 ? pushWindowMax(prev.recent, now, desired, spec.scaledownWindow) : [];
  if ((recent[0]?.v ?? desired) > desired) {
    desired = recent[0]?.v ?? desired;
    reason = 'scaledown-delay';
  }
  if (desired < spec.minReplicas) [desired, reason] = [spec.minReplicas, 'min'];
  else if (desired > spec.maxReplicas) [desired, reason] = [spec.maxReplicas, 'max'];

  const activeSince = ready > 0 ? (prev.activeSince ?? now) : null;
  const zero = scaleToZero(desired, sig, spec, { activeSince, inactiveSince: prev.inactiveSince }, opts);
  const state = { samples, panicTime, maxPanicPods, recent, activeSince, inactiveSince: zero.inactiveSince };
  return { desired: zero.desired, reason: zero.reason ?? reason, state };
}

/** scaler.go handleScaleToZero: when a desired 0 may actually be applied. */
function scaleToZero(
  desired: number,
  sig: ModelSignals,
  spec: ScalingSpec,
  st: { activeSince: number | null; inactiveSince: number | null },
  opts: KnativeOptions,
): { desired: number; inactiveSince: number | null; reason?: string } {
  if (desired !== 0) return { desired, inactiveSince: null };
  const { pending, starting, ready } = sig.replicas;
  const current = pending + starting + ready;
  if (current === 0) return { desired: 0, inactiveSince: null, reason: 'idle' };
  if (st.inactiveSince === null) {
    // Still activating (no ready pod yet): Knative keeps the scale it has.
    if (st.activeSince === null) return { desired: current, inactiveSince: null, reason: 'activating' };
    // Active=True: only an active-for-a-stable-window revision may go inactive.
    if (sig.now - st.activeSince < spec.stableWindow) return { desired: 1, inactiveSince: null, reason: 'active-window' };
    return { desired: current, inactiveSince: sig.now, reason: 'grace' };
  }
  if (sig.now - st.inactiveSince >= opts.scaleToZeroGracePeriodMs) return { desired: 0, inactiveSince: st.inactiveSince, reason: 'idle' };
  return { desired: current, inactiveSince: st.inactiveSince, reason: 'grace' };
}
