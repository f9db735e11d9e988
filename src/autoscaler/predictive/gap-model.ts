/**
 * The idle-gap model: when, after a model goes idle, does its next request
 * come? (A gap runs from the last request before an idle period to the first
 * one after it.) After the hybrid histogram policy of "Serverless in the
 * Wild" (Shahrad et al., USENIX ATC'20, sec. 4.2): keep the distribution of
 * idle times, pre-warm before its low percentile, keep warm through short
 * gaps, release once a gap has run longer than history says it will. Two
 * changes for GPU replicas whose cold start is minutes, not a function's
 * seconds:
 *
 * - gaps are kept exactly, in two sliding windows (the newest N of each, so
 *   the model adapts): short ones (<= the warm-up lead: bridged by staying
 *   warm) and long ones (pre-warmed for), weighted by decayed counts of each.
 *   A burst of 60 requests then does not push the few long gaps that matter
 *   out of memory.
 * - one rule for both windows, the *hazard over the lead time*:
 *
 *     h(e) = P(G <= e + L | G > e - m)
 *
 *   where e is the time idle so far, L the warm-up lead (the learned cold
 *   start plus a margin) and m a grace: a remembered gap g counts as still
 *   open until 1.1 g + m, so a request a little late in its rhythm, or seen a
 *   tick late, still finds the replica (Shahrad et al. add 10 % too). The
 *   caller holds a replica while h(e), weighted by what a cold start would
 *   cost, is high enough (predictive-policy.ts).
 *
 * Worked examples (L = 125 s, m = 5 s):
 * - a timer every 600 s: every g = 600 -> h(e) = 0 for e < 475, 1 from 475 to
 *   665: a replica is started at 475 s and is ready just before the request
 *   (cost 125 s, the oracle's 120 s); it is released as soon as the request is
 *   served, or at 665 s if the request does not come.
 * - bursts of 1 s gaps with 30-minute gaps between: at e = 0 nearly all the
 *   weight is on short gaps -> h ~ 1, stay warm; past the short gaps only the
 *   long ones remain -> h = 0, release; at 30 min - L they come due -> pre-warm.
 * - memoryless (Poisson) gaps of mean M: h = 1 - exp(-L/M) at every e.
 * - the current gap is longer than every remembered one: no opinion
 *   (undefined); the caller releases.
 */
export interface GapModel {
  /** The newest long gaps (> the short bound at the time), ms, oldest first. */
  gaps: number[];
  /** The newest short gaps, ms, oldest first: a burst's many small gaps live here. */
  short: number[];
  /** Decayed counts of short and long gaps (their ratio is the short-gap share). */
  shortW: number;
  longW: number;
}

const DECAY = 0.99;
/** A gap stays open until 10 % past its usual length (plus the grace): late requests in a rhythm. */
const LATE = 0.1;

export const emptyGapModel = (): GapModel => ({ gaps: [], short: [], shortW: 0, longW: 0 });

function pushWindow(xs: readonly number[], x: number, size: number): number[] {
  const out = xs.length >= size ? xs.slice(xs.length - size + 1) : xs.slice();
  out.push(x);
  return out;
}

/** Records a gap; keeps the newest `size` of each kind. Returns a new model (policy state is immutable). */
export function recordGap(m: GapModel, gapMs: number, size: number, shortMs = 0): GapModel {
  if (gapMs <= shortMs) return { ...m, short: pushWindow(m.short, gapMs, size), shortW: m.shortW * DECAY + 1, longW: m.longW * DECAY };
  return { ...m, gaps: pushWindow(m.gaps, gapMs, size), shortW: m.shortW * DECAY, longW: m.longW * DECAY + 1 };
}

/** Long gaps remembered (what the model's confidence rests on). */
export const longGaps = (m: GapModel): number => m.gaps.length;

/** A window sorted once, for O(log n) hazard evaluations. */
interface Sorted {
  gs: Float64Array;
  weight: number;
}

function sortedWindows(m: GapModel): Sorted[] {
  return [
    { gs: Float64Array.from(m.short).sort(), weight: m.shortW },
    { gs: Float64Array.from(m.gaps).sort(), weight: m.longW },
  ];
}

/** Number of values <= x in a sorted array. */
function countLe(gs: Float64Array, x: number): number {
  let lo = 0;
  let hi = gs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((gs[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** h at e over pre-sorted windows: a gap g is open while 1.1 g + grace > e, and ends within e + L if g <= e + L. */
function hazardSorted(ws: readonly Sorted[], elapsedMs: number, leadMs: number, graceMs: number): number | undefined {
  let open = 0;
  let within = 0;
  for (const { gs, weight } of ws) {
    if (gs.length === 0 || weight === 0) continue;
    const closed = countLe(gs, (elapsedMs - graceMs) / (1 + LATE));
    const upto = countLe(gs, elapsedMs + leadMs);
    open += (weight * (gs.length - closed)) / gs.length;
    within += (weight * Math.max(0, upto - closed)) / gs.length;
  }
  return open === 0 ? undefined : within / open;
}

/** How many remembered gaps (of either kind) are still open at e: the evidence h(e) rests on. */
export function openCount(m: GapModel, elapsedMs: number, graceMs = 0): number {
  let n = 0;
  for (const { gs } of sortedWindows(m)) n += gs.length - countLe(gs, (elapsedMs - graceMs) / (1 + LATE));
  return n;
}

/** h(e): the probability the gap ends within the next `leadMs`, given it has lasted `elapsedMs`. */
export function hazard(m: GapModel, elapsedMs: number, leadMs: number, graceMs = 0): number | undefined {
  return hazardSorted(sortedWindows(m), elapsedMs, leadMs, graceMs);
}

/**
 * The next idle time after `elapsedMs` at which `warm(h)` changes its
 * answer, or Infinity if it never does. h only changes where e or e + L
 * crosses a remembered gap (or its late bound), so only those points need
 * checking. Cost note: O(n log n) for n remembered gaps (one sort, then a
 * binary search per candidate point).
 */
export function nextFlip(m: GapModel, elapsedMs: number, leadMs: number, warm: (h: number | undefined) => boolean, graceMs = 0): number {
  const ws = sortedWindows(m);
  const now = warm(hazardSorted(ws, elapsedMs, leadMs, graceMs));
  const points: number[] = [];
  for (const g of [...m.gaps, ...m.short]) {
    const close = g * (1 + LATE) + graceMs;
    if (close > elapsedMs) points.push(close);
    if (g - leadMs > elapsedMs) points.push(g - leadMs);
  }
  points.sort((a, b) => a - b);
  for (const p of points) {
    const at = p + 0.001;
    if (warm(hazardSorted(ws, at, leadMs, graceMs)) !== now) return at;
  }
  return Infinity;
}
