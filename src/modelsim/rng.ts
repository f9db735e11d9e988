/**
 * Seeded randomness for the simulator. Everything random in modelsim (output
 * lengths, filler words, embedding vectors) comes from here so that a given
 * `--seed` replays the same run.
 *
 * Output lengths are log-normal: median m, shape sigma.
 *   L = round(m * exp(sigma * z)),  z ~ N(0, 1)
 *   mean = m * exp(sigma^2 / 2)
 * Worked example (llama-70b profile, m = 120, sigma = 1.0): the median reply
 * is 120 tokens, the mean 120 * e^0.5 = 198 tokens, and one reply in six is
 * longer than 120 * e = 326 tokens, close to ShareGPT's long tail.
 */

/** A deterministic generator of floats in [0, 1) (mulberry32). */
export type Random = () => number;

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, mixed with a seed: a cheap, stable 32-bit hash. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Mixes two integers into one 32-bit value (for per-token word choice). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard normal sample (Box-Muller). */
export function normal(rng: Random): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal integer sample with the given median and shape, at least 1. */
export function logNormalInt(rng: Random, median: number, sigma: number): number {
  return Math.max(1, Math.round(median * Math.exp(sigma * normal(rng))));
}
