/**
 * The KEDA HTTP add-on (kedacore/http-add-on v0.13, KEDA 2.x) with its
 * defaults. The interceptor counts requests pending + in flight per host;
 * the add-on's scaler serves that count to KEDA as the metric and
 * `IsActive = count > 0`, pushed every 200 ms (StreamIsActive,
 * KEDA_HTTP_SCALER_STREAM_INTERVAL_MS); the operator's ScaledObject uses the
 * `external-push` trigger with pollingInterval 15 s (pkg/k8s/scaledobject.go;
 * plain KEDA ScaledObjects default to 30 s) and cooldownPeriod =
 * HTTPScaledObject.scaledownPeriod (default 300 s, docs/ref/v0.13.0).
 * KEDA scales 0 <-> 1 itself and leaves 1 <-> N to the Kubernetes HPA
 * (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale).
 *
 *   metric   = in flight + queued now            (interceptor concurrency)
 *   0 -> 1   as soon as metric > 0               (push: we treat 200 ms as 0)
 *   1 <-> N  every HPA sync (15 s):
 *              raw  = max(1, ceil(metric / target))          target = 100
 *              raw  = current if |metric / (target * current) - 1| <= 0.1
 *              up   = min(raw, max(2 * current, current + 4)) // default scale-up policy
 *              down = max of raw over the last 300 s          // scale-down stabilization
 *   N -> 0   at a KEDA poll (15 s) once no activity was seen for cooldownPeriod
 *
 * target = spec.targetConcurrency and cooldownPeriod = spec.scaledownWindow,
 * so the simulator runs it with target 100 and 300 s; the rest are options.
 *
 * Worked example (1 replica warm, target 100): a burst holds 250 requests at
 * the 15 s sync: raw = 3 -> 3 replicas (limit max(2, 5) = 5). The burst ends
 * at 20 s; syncs at 30 s, 45 s ... record raw 1 but the 300 s window still
 * holds 3, so 3 stay until the 315 s sync, then 1; the last replica goes at
 * the first 15 s poll >= 20 s + 300 s, i.e. at 330 s.
 */
import type { Decision, ModelSignals, Policy, ScalingSpec } from '../policy.js';
import { pushWindowMax, type MaxEntry } from '../window.js';

export interface KedaHttpOptions {
  pollingIntervalMs: number;
  hpaSyncPeriodMs: number;
  hpaScaleDownStabilizationMs: number;
  hpaTolerance: number;
}

export const KEDA_HTTP_DEFAULTS: KedaHttpOptions = {
  pollingIntervalMs: 15_000,
  hpaSyncPeriodMs: 15_000,
  hpaScaleDownStabilizationMs: 300_000,
  hpaTolerance: 0.1,
};

export interface KedaHttpState {
  lastActiveAt: number | null;
  /** HPA recommendations over the stabilization window (max-deque). */
  recs: MaxEntry[];
  nextSyncAt: number;
  nextPollAt: number;
  desired: number;
}

export function kedaHttpPolicy(opts: KedaHttpOptions = KEDA_HTTP_DEFAULTS): Policy<KedaHttpState> {
  return {
    name: 'keda-http',
    initialState: () => ({ lastActiveAt: null, recs: [], nextSyncAt: 0, nextPollAt: 0, desired: 0 }),
    decide: (sig, spec, state) => (sig ? decideKedaHttp(sig, spec, state, opts) : undefined),
  };
}

/** The HPA's proposal for an AverageValue metric, with its 10 % tolerance. */
export function hpaRecommendation(metric: number, current: number, target: number, tolerance: number): number {
  if (current > 0 && Math.abs(metric / (target * current) - 1) <= tolerance) return current;
  return Math.max(1, Math.ceil(metric / target));
}

function decideKedaHttp(sig: ModelSignals, spec: ScalingSpec, prev: KedaHttpState, opts: KedaHttpOptions): Decision<KedaHttpState> {
  const now = sig.now;
  const metric = sig.inflight + sig.queued;
  const active = metric > 0 || sig.concurrency > 0;
  const lastActiveAt = active ? now : prev.lastActiveAt;
  const { pending, starting, ready } = sig.replicas;
  const current = pending + starting + ready;
  const clamp = (n: number): number => Math.min(spec.maxReplicas, Math.max(spec.minReplicas, n));
  const poll = now >= prev.nextPollAt;
  const sync = now >= prev.nextSyncAt;
  const nextPollAt = poll ? nextGrid(now, opts.pollingIntervalMs) : prev.nextPollAt;
  const nextSyncAt = sync ? nextGrid(now, opts.hpaSyncPeriodMs) : prev.nextSyncAt;
  const st = { lastActiveAt, recs: prev.recs, nextSyncAt, nextPollAt, desired: prev.desired };
  const wakeAt = Math.min(nextSyncAt, nextPollAt);

  if (current === 0) {
    // Scaled to zero: the HPA is inactive; KEDA activates on the pushed IsActive.
    const desired = clamp(active ? 1 : 0);
    return { desired, reason: active ? 'activation' : 'idle', state: { ...st, recs: [], desired }, wakeAt: desired > 0 ? wakeAt : Infinity };
  }
  if (poll && !active && lastActiveAt !== null && now - lastActiveAt >= spec.scaledownWindow) {
    const desired = clamp(0);
    return { desired, reason: 'cooldown', state: { ...st, recs: [], desired }, wakeAt };
  }
  if (!sync) return { desired: prev.desired, reason: 'between-syncs', state: st, wakeAt };

  const raw = hpaRecommendation(metric, current, spec.targetConcurrency, opts.hpaTolerance);
  const recs = pushWindowMax(prev.recs, now, raw, opts.hpaScaleDownStabilizationMs);
  let desired = current;
  let reason = 'hpa';
  if (raw > current) desired = Math.min(raw, Math.max(2 * current, current + 4));
  else if ((recs[0]?.v ?? raw) < current) desired = recs[0]?.v ?? raw;
  else if (raw < current) reason = 'stabilization';
  desired = clamp(desired);
  return { desired, reason, state: { ...st, recs, desired }, wakeAt };
}

/** The first multiple of `periodMs` after `now`: HPA syncs and KEDA polls run on their own clocks. */
function nextGrid(now: number, periodMs: number): number {
  return (Math.floor(now / periodMs) + 1) * periodMs;
}
