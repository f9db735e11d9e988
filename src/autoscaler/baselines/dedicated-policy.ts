/**
 * Dedicated peak provisioning: always `spec.maxReplicas` replicas, whatever
 * the load; the classic alternative to autoscaling, and the reference cost
 * of "just buy GPUs for the peak".
 *
 *   desired = maxReplicas      (the simulator sets it to ceil(peak concurrency / per-replica cap))
 *
 * Worked example: a trace peaks at 40 concurrent requests, replicas take 16
 * each: maxReplicas = ceil(40 / 16) = 3, held for the whole trace. The
 * answer never changes on its own (wakeAt = Infinity).
 */
import type { Policy } from '../policy.js';

export const dedicatedPolicy: Policy<null> = {
  name: 'dedicated',
  initialState: () => null,
  decide: (sig, spec) => (sig ? { desired: spec.maxReplicas, reason: 'dedicated', state: null, wakeAt: Infinity } : undefined),
};
