/**
 * The idle-gap model: when, after a model goes idle, does its next request
 * come? (A gap runs from the last request before an idle period to the first
 * one after it.) After the hybrid histogram policy of "Serverless in the Wild"
 * (Shahrad et al., USENIX ATC'20, sec. 4.2): keep the distribution of idle
 * times (end of the last request -> next arrival), pre-warm before its low
 * percentile, keep warm through short gaps, release once a gap has run longer
 * than history says it will. Two changes for GPU replicas whose cold start is
 * minutes, not a function's seconds:
 *
 * - an empirical distribution of the last N gaps (second resolution, a sliding
 *   window that adapts) instead of a 4-hour histogram of 1-minute bins;
 * - one rule for both windows, the *hazard over the lead time*:
 *
 *     h(e) = P(G <= e + L | G > e - m) = #{g : e - m < g <= e + L} / #{g : g > e - m}
 *
 *   where e is the time idle so far, L the warm-up lead (the learned cold
 *   start plus a margin) and m a grace (the same margin): a gap counts as
 *   still open until m after its usual end, so a request a little late, or
 *   seen a tick late, still finds the replica. Hold a replica while
 *   h(e) >= theta: the next request is likely to arrive before a replica
 *   started now could be ready.
 *
 * Worked examples (L = 125 s, m = 5 s, theta = 0.1):
 * - a timer every 600 s: every g = 599 -> h(e) = 0 for e < 474, 1 from 474 to
 *   604: the replica is started at 474 s and ready just before the request
 *   (cost 125 s, the oracle's 120 s); it is released as soon as the request is
 *   served, or at 604 s if the request does not come.
 * - bursts with 20 s gaps inside and 30-minute gaps between: at e = 0 most
 *   samples are short -> h ~ 1, stay warm; past 20 s only the long gaps remain ->
 *   h = 0, release; at 30 min - L the long gaps come due -> pre-warm.
 * - memoryless (Poisson) gaps of mean m: h = 1 - exp(-L/m) at every e: always
 *   warm when requests are frequent, never when rare -- the reactive policy's
 *   job, which keeps its own scale-down window in the latter case.
 * - the current gap is longer than every remembered one: #{g > e} = 0 -> no
 *   opinion (undefined); the caller releases.
 */
export interface GapModel {
  /** Remembered idle gaps, ms, oldest first (a bounded sliding window). */
  gaps: number[];
}

export const emptyGapModel = (): GapModel => ({ gaps: [] });

/** Records a gap; keeps the newest `size`. Returns a new model (policy state is immutable). */
export function recordGap(m: GapModel, gapMs: number, size: number): GapModel {
  const gaps = m.gaps.length >= size ? m.gaps.slice(m.gaps.length - size + 1) : m.gaps.slice();
  gaps.push(gapMs);
  return { gaps };
}

/** h(e): the probability the gap ends within the next `leadMs`, given it has lasted `elapsedMs` (less the grace). */
export function hazard(m: GapModel, elapsedMs: number, leadMs: number, graceMs = 0): number | undefined {
  let open = 0;
  let within = 0;
  for (const g of m.gaps) {
    if (g <= elapsedMs - graceMs) continue;
    open++;
    if (g <= elapsedMs + leadMs) within++;
  }
  return open === 0 ? undefined : within / open;
}

/**
 * The next idle time after `elapsedMs` at which "h >= theta" changes its
 * answer, or Infinity if it never does. h only changes where e or e + L
 * crosses a remembered gap, so only those points need checking.
 */
export function nextFlip(m: GapModel, elapsedMs: number, leadMs: number, theta: number, graceMs = 0): number {
  const now = (hazard(m, elapsedMs, leadMs, graceMs) ?? 0) >= theta;
  const points = new Set<number>();
  for (const g of m.gaps) {
    if (g + graceMs > elapsedMs) points.add(g + graceMs);
    if (g - leadMs > elapsedMs) points.add(g - leadMs);
  }
  const sorted = [...points].sort((a, b) => a - b);
  for (const p of sorted) {
    // The answer changes just after one of these points; check there.
    const at = p + 0.001;
    if (((hazard(m, at, leadMs, graceMs) ?? 0) >= theta) !== now) return at;
  }
  return Infinity;
}
