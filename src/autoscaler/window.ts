/**
 * Time-weighted averages over a sliding window of samples, as plain data so
 * policy state stays serialisable (it is persisted and shared later).
 *
 * A sample {t, dt, v} says "the value was v on average over (t - dt, t]".
 * The average over the last W ms is the integral of v over (now - W, now]
 * divided by the part of that window that has data. Time before the first
 * sample is not counted as zero: a gateway that just started judges a burst
 * by what it has seen, not by minutes it was not running.
 *
 * Worked example: samples {t:1000,dt:1000,v:4} and {t:2000,dt:1000,v:8};
 * window 1500 ms at now=2000 covers (500, 2000]: data from 0..1000 overlaps
 * 500 ms (4*500) and 1000..2000 overlaps 1000 ms (8*1000) -> 10000/1500 = 6.67.
 */
export interface Sample {
  t: number;
  dt: number;
  v: number;
}

export function windowAverage(samples: readonly Sample[], now: number, windowMs: number): number | undefined {
  const from = now - windowMs;
  let area = 0;
  let covered = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i];
    if (!s) continue;
    if (s.t <= from) break;
    const start = Math.max(s.t - s.dt, from);
    const overlap = Math.min(s.t, now) - start;
    if (overlap <= 0) continue;
    area += s.v * overlap;
    covered += overlap;
  }
  return covered > 0 ? area / covered : undefined;
}

/** Drops samples that end before `now - keepMs` (returns a new array). */
export function trimSamples<T extends { t: number }>(samples: readonly T[], now: number, keepMs: number): T[] {
  const from = now - keepMs;
  let i = 0;
  while (i < samples.length && (samples[i]?.t ?? Infinity) <= from) i++;
  return samples.slice(i);
}

/**
 * A sliding-window maximum as a monotonic deque: entries kept in time order
 * with strictly decreasing values, so the front is the window's maximum and
 * the deque stays a few entries long (O(1) amortised per push).
 */
export interface MaxEntry {
  t: number;
  v: number;
}

/** Pushes (now, v) and expires entries older than the window; returns the new deque. */
export function pushWindowMax(deque: readonly MaxEntry[], now: number, v: number, windowMs: number): MaxEntry[] {
  const out = deque.filter((e) => e.t > now - windowMs);
  while (out.length > 0 && (out[out.length - 1]?.v ?? Infinity) <= v) out.pop();
  out.push({ t: now, v });
  return out;
}
