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

import { createRandom, hashString, type Random } from '../core/random.js';

export { createRandom, hashString, type Random };

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
