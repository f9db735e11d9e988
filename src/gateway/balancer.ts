/**
 * Least outstanding requests, with a per-replica cap. Ties rotate, so equal
 * replicas share load evenly instead of the first one taking every request.
 *
 *   pick = argmin over eligible replicas of inflight, where eligible means
 *          routable (ready, not draining), under its cap, not excluded.
 *
 * Worked example: inflight [3, 1, 1], cap 4 -> candidates 1 and 2 tie at 1;
 * the rotation picks 1 this time and 2 next time.
 * Cost note: O(replicas) per pick; a pool has tens of replicas at most.
 */
export interface Balanced {
  inflight: number;
  cap: number;
  routable: boolean;
}

export function pickLeastOutstanding<E extends Balanced>(
  endpoints: readonly E[],
  rotation: number,
  exclude?: ReadonlySet<E>,
): E | undefined {
  const n = endpoints.length;
  let best: E | undefined;
  for (let k = 0; k < n; k++) {
    const e = endpoints[(rotation + k) % n];
    if (!e || !e.routable || (e.cap > 0 && e.inflight >= e.cap) || exclude?.has(e)) continue;
    if (!best || e.inflight < best.inflight) best = e;
  }
  return best;
}

/** Whether any endpoint can take a request now. */
export function hasFreeSlot<E extends Balanced>(endpoints: readonly E[], exclude?: ReadonlySet<E>): boolean {
  return pickLeastOutstanding(endpoints, 0, exclude) !== undefined;
}
