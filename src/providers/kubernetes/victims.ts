/**
 * Which pods a scale-down removes, chosen before the scale PATCH so they can
 * drain first.
 *
 * Deployment: we choose, and steer the ReplicaSet controller to the same
 * pods with the `controller.kubernetes.io/pod-deletion-cost` annotation.
 * The controller ranks pods (pkg/controller/controller_utils.go,
 * ActivePodsWithRanks): unassigned < Pending < Unknown < Running, then
 * not-ready < ready, and only then lower deletion cost, so our order mirrors
 * it: pods already draining, then pending ones (nothing to lose), then
 * starting or crash-looping ones (the newest: least sunk cost), then ready
 * ones with the fewest requests in flight. Where the controller's earlier
 * ranks overrule the annotation (it removes another not-ready pod), the
 * provider notices and puts its victim back into service.
 *
 * StatefulSet: the controller always removes the highest ordinals, so those
 * are the victims, busy or not; we can only drain them first.
 */
import type { ReplicaState } from '../provider.js';
import type { WorkloadKind } from './kube-api.js';

export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

export interface Candidate {
  id: string;
  state: ReplicaState;
  inflight: number;
  createdAt: number;
  ordinal: number | undefined;
}

// Failed pods here are crash-looping: scheduled, Running, not ready -- ranked with starting, as the controller does.
const RANK: Partial<Record<ReplicaState, number>> = { draining: 0, pending: 1, failed: 2, starting: 2, ready: 3 };

export function pickVictims(kind: WorkloadKind, candidates: readonly Candidate[], n: number): string[] {
  if (n <= 0) return [];
  const sorted = [...candidates].sort(
    kind === 'StatefulSet'
      ? (a, b) => (b.ordinal ?? -1) - (a.ordinal ?? -1)
      : (a, b) => (RANK[a.state] ?? 4) - (RANK[b.state] ?? 4) || a.inflight - b.inflight || b.createdAt - a.createdAt,
  );
  return sorted.slice(0, n).map((c) => c.id);
}

const INT32_MIN = -2147483648;

/**
 * The deletion cost for victims: below every other pod's, so the controller
 * takes exactly them. Pods without the annotation count as 0.
 * Example: others at 0 and -5 -> victims get -6.
 */
export function victimDeletionCost(others: readonly (string | undefined)[]): number {
  let lowest = 0;
  for (const v of others) {
    const n = v === undefined ? 0 : Number.parseInt(v, 10);
    if (Number.isFinite(n)) lowest = Math.min(lowest, n);
  }
  return Math.max(INT32_MIN, lowest - 1);
}
