/**
 * Deterministic randomness for the simulator: every draw is a pure function
 * of (seed, stream, index), so the k-th cold start of model m is the same in
 * every policy's run (policies are compared on the same luck) and does not
 * depend on how many draws other models made.
 */

/** splitmix32-style avalanche of a 32-bit value. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A uniform number in (0, 1) from (seed, stream, index). */
export function uniform(seed: number, stream: number, index: number): number {
  const h = mix(mix(mix(seed >>> 0) ^ (stream >>> 0)) ^ mix(index >>> 0));
  const h2 = mix(h ^ 0x9e3779b9);
  // 53 bits from two 32-bit hashes, kept strictly inside (0, 1).
  return ((h >>> 5) * 67108864 + (h2 >>> 6) + 0.5) / 9007199254740992;
}

/**
 * The standard normal quantile (Acklam's rational approximation, relative
 * error < 1.15e-9): one uniform in, one normal out, so each draw stays a
 * pure function of its index (Box-Muller would pair draws).
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** A log-normal draw with the given median and shape (sigma 0 returns the median). */
export function lognormal(median: number, sigma: number, u: number): number {
  return sigma > 0 ? median * Math.exp(sigma * normalQuantile(u)) : median;
}
