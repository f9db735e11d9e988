/**
 * The short-term trend: is demand (in-flight + queued) on a sustained rise?
 * Averages over consecutive 30 s buckets b4, b3, b2, b1 (b1 the newest
 * complete one); the rise counts only if all three steps rose, and by the
 * smallest step:
 *
 *   slope    = min(b1 - b2, b2 - b3, b3 - b4) / 30 s      (only if all > 0)
 *   forecast = b1 + slope * (L + 15 s),  capped at 2 x b1
 *
 * Taking the smallest of three consecutive steps is what makes it safe: a
 * one-off jump (a burst arriving) raises at most two steps (one, or two if it
 * falls inside a bucket), so it is left to the reactive policy; a ramp (a
 * batch job spinning up, a morning build-up) raises all three and is
 * extrapolated over the warm-up lead L, so the replicas it needs are ordered
 * before it gets there.
 *
 * Worked example: demand ramps by 0.1 request/s. Buckets average 6, 9, 12, 15:
 * slope = 3 / 30 = 0.1/s; with L = 125 s the forecast is 15 + 0.1 * 140 = 29.
 * A jump from 0 to 15 in the middle of a bucket gives 0, 0, 7.5, 15: one step
 * of 0 -> no forecast.
 */
const BUCKET_MS = 30_000;

export interface Trend {
  /** Complete bucket averages, newest last (at most 4). */
  buckets: number[];
  /** The bucket being filled: integral of demand (request-ms) and its length. */
  areaMs: number;
  lengthMs: number;
}

export const emptyTrend = (): Trend => ({ buckets: [], areaMs: 0, lengthMs: 0 });

export function observeDemand(t: Trend, value: number, dtMs: number): Trend {
  if (dtMs <= 0) return t;
  let buckets = t.buckets;
  let area = t.areaMs;
  let length = t.lengthMs;
  let left = dtMs;
  while (left > 0) {
    const take = Math.min(left, BUCKET_MS - length);
    area += value * take;
    length += take;
    left -= take;
    if (length >= BUCKET_MS) {
      buckets = [...buckets, area / length].slice(-4);
      area = 0;
      length = 0;
      if (left > 4 * BUCKET_MS) {
        // A long quiet stretch: every bucket in it averaged `value`.
        buckets = [value, value, value, value];
        left %= BUCKET_MS;
      }
    }
  }
  return { buckets, areaMs: area, lengthMs: length };
}

/** Demand expected at now + lead if it is on a sustained rise, else undefined. */
export function forecastDemand(t: Trend, leadMs: number): number | undefined {
  const [b4, b3, b2, b1] = t.buckets;
  if (b1 === undefined || b2 === undefined || b3 === undefined || b4 === undefined) return undefined;
  const step = Math.min(b1 - b2, b2 - b3, b3 - b4);
  if (step <= 0) return undefined;
  return Math.min(2 * b1, b1 + (step / BUCKET_MS) * (leadMs + BUCKET_MS / 2));
}

/** The newest complete bucket's average (the level the forecast extrapolates from). */
export function currentLevel(t: Trend): number {
  return t.buckets.at(-1) ?? 0;
}
