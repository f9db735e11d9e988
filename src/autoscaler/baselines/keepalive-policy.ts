/**
 * Fixed keep-alive (an "idle timeout"): a replica stays up until K after it
 * last finished serving, then goes away; the next request starts a new one.
 * This is what most serverless platforms do by default: Modal spins a
 * container down after 60 s without inputs (modal.com/docs/guide/cold-start,
 * "By default, Modal containers spin down after 60 seconds of inactivity"),
 * and KEDA's default cooldownPeriod is 300 s (keda.sh/docs/2.x/reference/
 * scaledobject-spec). "Serverless in the Wild" (Shahrad et al., ATC'20) uses
 * the same fixed keep-alive as the baseline its hybrid policy beats.
 *
 *   need(t)  = 0 when nothing is in flight or queued, else
 *              max(1, ceil((in flight + queued) / targetConcurrency))
 *   desired  = max of need over (now - K, now],   K = spec.scaledownWindow,
 *              then clamped to [minReplicas, maxReplicas]
 *
 * Between two ticks the policy only sees the interval's average and the end
 * value, so a tick records max(need(end), need(average)): any load during
 * the interval counts as at least one replica needed until the tick.
 *
 * Worked example (K = 60 s, one replica, unlimited concurrency): a request
 * arrives at 0 s, the replica is ready at 120 s, serves it until 121 s;
 * the tick at 121 s records need 1, so desired is 1 until 181 s and 0 at
 * 181 s (wakeAt = 181 s). A request at 150 s would have found it warm.
 */
import type { Decision, ModelSignals, Policy, ScalingSpec } from '../policy.js';
import { pushWindowMax, type MaxEntry } from '../window.js';

export interface KeepAliveState {
  /** Replicas needed recently, as a sliding-window maximum over K. */
  recent: MaxEntry[];
}

/** Replicas needed for `load` concurrent requests (target Infinity = unlimited per replica). */
export function replicasFor(load: number, targetConcurrency: number): number {
  if (!(load > 0)) return 0;
  return Math.max(1, Math.ceil(load / targetConcurrency));
}

export function decideKeepAlive(sig: ModelSignals | undefined, spec: ScalingSpec, prev: KeepAliveState): Decision<KeepAliveState> | undefined {
  if (!sig) return undefined;
  const keepMs = spec.scaledownWindow;
  const levelNow = replicasFor(sig.inflight + sig.queued, spec.targetConcurrency);
  const level = Math.max(levelNow, replicasFor(sig.concurrency, spec.targetConcurrency));
  const recent = pushWindowMax(prev.recent, sig.now, level, keepMs);
  const front = recent[0];
  let desired = front?.v ?? level;
  let reason = levelNow > 0 ? 'load' : desired > 0 ? 'keep-alive' : 'idle';
  if (desired < spec.minReplicas) {
    desired = spec.minReplicas;
    reason = 'min';
  } else if (desired > spec.maxReplicas) {
    desired = spec.maxReplicas;
    reason = 'max';
  }
  // The front of the deque is the window's maximum: if the load now needs
  // less, the answer drops the moment the front leaves the window.
  const wakeAt = front && front.v > levelNow ? front.t + keepMs : Infinity;
  return { desired, reason, state: { recent }, wakeAt };
}

/** The keep-alive policy; K is the model's `scaling.scaledownWindow`. */
export const keepAlivePolicy: Policy<KeepAliveState> = {
  name: 'keepalive',
  initialState: () => ({ recent: [] }),
  decide: decideKeepAlive,
};
