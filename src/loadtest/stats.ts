/**
 * Percentiles of exact samples (the runner keeps every request, so no
 * histogram buckets are needed). Linear interpolation between closest ranks
 * (Hyndman & Fan type 7, numpy's default):
 *
 *   h = (n - 1) q,  Q(q) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
 *
 * Worked example: [10, 20, 30, 40], q = 0.5 -> h = 1.5 -> 20 + 0.5 × 10 = 25.
 */

export interface Percentiles {
  count: number;
  /** null when there are no samples (JSON has no NaN). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** q-quantile of samples already sorted ascending; undefined for no samples. */
export function quantileSorted(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

export function percentiles(samples: readonly number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const q = (x: number): number | null => quantileSorted(s, x) ?? null;
  return {
    count: s.length,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: s.length > 0 ? (s[s.length - 1] ?? null) : null,
    mean: s.length > 0 ? s.reduce((a, b) => a + b, 0) / s.length : null,
  };
}

/** Counts of each key, sorted by key for stable output. */
export function countBy<T>(items: readonly T[], key: (t: T) => string | undefined): Record<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
