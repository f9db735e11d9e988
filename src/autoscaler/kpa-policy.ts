/**
 * The reactive policy: Knative's KPA ("Knative Pod Autoscaler"), after
 * knative/serving pkg/autoscaler/scaling/autoscaler.go (func Scale) and the
 * documented defaults (docs: serving/autoscaling/kpa-specific):
 *
 *   capacity       = max(1, replicas bought)        // pending + starting + ready
 *   stable         = avg concurrency over stableWindow (60s)
 *   panic          = avg concurrency over panicWindow  (6s)
 *   wantStable     = ceil(stable / targetConcurrency)
 *   wantPanic      = ceil(panic  / targetConcurrency)
 *   enter panic when wantPanic / capacity >= panicThreshold (2.0 = 200%);
 *   leave it after a whole stableWindow below the threshold;
 *   desired        = panicking ? max(wantPanic seen while panicking) : wantStable
 *                    (0 for a tick with no request at all: see below)
 *   delayed        = max(desired over the last scaledownWindow)   // scale-down delay
 *   result         = clamp(delayed, floor(capacity / 2), ceil(maxScaleUpRate * capacity)),
 *                    then clamp to [minReplicas, maxReplicas]
 *
 * Worked example (target 8, threshold 2): one ready replica, a burst makes the
 * 6 s average 50 while the 60 s average is still 12. wantPanic = ceil(50/8) = 7,
 * 7/1 >= 2 -> panic -> desired 7 (wantStable would have said 2). Panic holds
 * 7 (or more) until 60 s pass below the threshold; afterwards the 5 min
 * scale-down window keeps 7 for 5 more minutes before halving per tick.
 *
 * Differences from Knative, on purpose:
 * - Capacity counts replicas still starting ("capacity already bought"), so a
 *   burst during a cold start does not order a cascade of extra replicas.
 * - The scale-down delay records the demand-derived count and the
 *   max-scale-down-rate (2) is applied after it; Knative records the already
 *   rate-limited count, which makes each halving wait a whole delay window.
 * - Any request in flight or queued means at least one replica: scale from
 *   zero never waits for an average to build up (Knative's activator "poke").
 * - A tick that saw no request at all records 0 in the scale-down window even
 *   while the 60 s average still remembers earlier load, so "scaledownWindow"
 *   means what users expect: the model reaches zero scaledownWindow after its
 *   last request finished (Knative adds its stable window on top).
 * - Missing data (no signals this tick) returns undefined: nothing changes.
 * - A queue that builds while replicas start is discounted to what sizing
 *   needs (discountBacklog below), so a long cold start does not order a herd.
 */
import type { Decision, ModelSignals, Policy, ScalingSpec } from './policy.js';
import { pushWindowMax, trimSamples, windowAverage, type MaxEntry, type Sample } from './window.js';

const MAX_SCALE_DOWN_RATE = 2;

export interface KpaState {
  samples: Sample[];
  /** Since when the policy has been in panic mode (ms), or null. */
  panicSince: number | null;
  /** Last time panic-window demand was over the threshold. */
  lastOverThreshold: number | null;
  maxPanicDesired: number;
  /** Recent demand-derived desired counts (a max-deque), for the scale-down delay. */
  recent: MaxEntry[];
  /** Arrival rate samples (requests per ms), for the backlog discount. */
  arrivals?: Sample[];
  /** Learned mean time a request spends in service (Little's law, while warm and unqueued), ms. */
  serviceMs?: number | null;
  /** Learned cold start, ms. */
  coldStartMs?: number | null;
}

export const kpaPolicy: Policy<KpaState> = {
  name: 'reactive',
  initialState: () => ({ samples: [], panicSince: null, lastOverThreshold: null, maxPanicDesired: 0, recent: [] }),
  decide: decideKpa,
};

export function decideKpa(sig: ModelSignals | undefined, spec: ScalingSpec, prev: KpaState): Decision<KpaState> | undefined {
  if (!sig) return undefined;
  const now = sig.now;
  const dt = Math.max(0, sig.intervalMs);
  const backlog = discountBacklog(sig, spec, prev);
  const samples = trimSamples([...prev.samples, { t: now, dt, v: backlog.concurrency }], now, spec.stableWindow);
  const stable = windowAverage(samples, now, spec.stableWindow) ?? sig.concurrency;
  const panicAvg = windowAverage(samples, now, spec.panicWindow) ?? sig.concurrency;
  const { pending, starting, ready } = sig.replicas;
  const capacity = Math.max(1, pending + starting + ready);

  const wantStable = Math.ceil(stable / spec.targetConcurrency);
  const wantPanic = Math.ceil(panicAvg / spec.targetConcurrency);
  const over = wantPanic / capacity >= spec.panicThreshold;

  let { panicSince, lastOverThreshold, maxPanicDesired } = prev;
  if (over) {
    panicSince ??= now;
    lastOverThreshold = now;
  } else if (panicSince !== null && lastOverThreshold !== null && now - lastOverThreshold >= spec.stableWindow) {
    panicSince = null;
    maxPanicDesired = 0;
  }
  const panicking = panicSince !== null;
  let desired = wantStable;
  let reason = 'load';
  if (panicking) {
    maxPanicDesired = Math.max(maxPanicDesired, wantPanic);
    desired = maxPanicDesired;
    reason = 'panic';
  }
  const idleNow = sig.concurrency === 0 && sig.inflight === 0 && sig.queued === 0;
  if (idleNow) {
    desired = 0;
    reason = 'idle';
  } else if (sig.inflight + sig.queued > 0 && desired < 1) {
    desired = 1;
    reason = 'activation';
  }

  const recent = pushWindowMax(prev.recent, now, desired, spec.scaledownWindow);
  const delayed = recent[0]?.v ?? desired;
  if (delayed > desired) reason = 'scaledown-delay';

  const maxUp = Math.ceil(spec.maxScaleUpRate * capacity);
  const maxDown = Math.floor(capacity / MAX_SCALE_DOWN_RATE);
  const limited = Math.min(Math.max(delayed, maxDown), maxUp);
  let result = limited;
  if (result === 0) reason = 'idle';
  if (result < spec.minReplicas) {
    result = spec.minReplicas;
    reason = 'min';
  } else if (result > spec.maxReplicas) {
    result = spec.maxReplicas;
    reason = 'max';
  }
  const wakeAt = idleNow ? idleWakeAt(recent, limited > delayed, panicSince === null ? null : lastOverThreshold, spec) : undefined;
  const state: KpaState = { samples, panicSince, lastOverThreshold, maxPanicDesired, recent, arrivals: backlog.arrivals, serviceMs: backlog.serviceMs, coldStartMs: backlog.coldStartMs };
  return { desired: result, reason, state, wakeAt };
}

/**
 * The backlog discount. A queue that builds while replicas start is not
 * steady demand: it drains once they are ready. Counting it in full orders a
 * herd -- with a 5-minute cold start and 5 requests/s, 1,500 queued requests
 * would ask for 94 replicas of 16, which arrive after the first few have
 * already cleared the queue. So the queued part counts only as much as
 * sizing needs:
 *
 *   queued_eff = min(queued, lambda * S + queued * S / C)
 *
 * lambda = arrival rate over the panic window, S = mean service time (learned
 * by Little's law while warm and unqueued; the panic window before that),
 * C = cold start (learned from observed starts; 60 s before that): enough
 * replicas for the arrival rate, plus enough to drain the backlog within about
 * one cold start. Worked example (lambda 5/s, S 6 s, C 300 s, 1,500 queued):
 * 30 + 30 = 60 -> 4 replicas of 16, not 94. A burst of 200 at zero (lambda 200/s
 * over the first second) still counts in full: 200 -> 13 replicas.
 */
function discountBacklog(sig: ModelSignals, spec: ScalingSpec, prev: KpaState): { concurrency: number; arrivals: Sample[]; serviceMs: number | null; coldStartMs: number | null } {
  const dt = Math.max(0, sig.intervalMs);
  const arrivals = trimSamples([...(prev.arrivals ?? []), { t: sig.now, dt, v: dt > 0 ? sig.arrivals / dt : 0 }], sig.now, spec.panicWindow);
  let serviceMs = prev.serviceMs ?? null;
  if (sig.replicas.ready > 0 && sig.queued === 0 && sig.arrivals > 0 && dt > 0 && sig.concurrency > 0) {
    const s = sig.concurrency / (sig.arrivals / dt);
    serviceMs = serviceMs === null ? s : 0.9 * serviceMs + 0.1 * s;
  }
  let coldStartMs = prev.coldStartMs ?? null;
  for (const c of sig.coldStarts ?? []) coldStartMs = coldStartMs === null ? c : 0.7 * coldStartMs + 0.3 * c;
  const { pending, starting, ready } = sig.replicas;
  // Nothing bought yet: the queue is fresh demand, not a backlog that built during a start.
  if (sig.queued <= 0 || pending + starting + ready === 0) return { concurrency: sig.concurrency, arrivals, serviceMs, coldStartMs };
  const rate = windowAverage(arrivals, sig.now, spec.panicWindow) ?? 0;
  const S = serviceMs ?? spec.panicWindow;
  const C = Math.max(coldStartMs ?? spec.predictive?.coldStart ?? 60_000, S);
  const queuedEff = Math.min(sig.queued, rate * S + (sig.queued * S) / C);
  return { concurrency: Math.max(sig.inflight, sig.concurrency - (sig.queued - queuedEff)), arrivals, serviceMs, coldStartMs };
}

/**
 * Decision.wakeAt while idle (for the simulator; the live loop ignores it).
 * With no request at all, every tick records desired 0, so the answer only
 * changes when the scale-down window's maximum expires, at each halving step
 * (rate-limited: ask again next tick), or when panic mode ends.
 */
function idleWakeAt(recent: readonly MaxEntry[], halving: boolean, panicOverAt: number | null, spec: ScalingSpec): number | undefined {
  if (halving) return undefined;
  const front = recent[0];
  let wake = front && recent.length > 1 ? front.t + spec.scaledownWindow : Infinity;
  if (panicOverAt !== null) wake = Math.min(wake, panicOverAt + spec.stableWindow);
  return wake;
}
