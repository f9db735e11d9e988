/**
 * Seeded randomness for load generation. A run is a pure function of
 * (curve, seed, time scale): the same seed sends the same requests at the
 * same (scaled) times, so two runs against two gateway builds compare like
 * with like.
 *
 * Independent streams: arrival times and request attributes draw from
 * different generators (`substream(seed, name)`), so changing a curve's token
 * sizes does not move its arrivals.
 */

import { createRandom, hashString, type Random } from '../core/random.js';

export { createRandom, type Random };

/** A generator for one named purpose, derived from the run's seed (FNV-1a of the name, mixed). */
export function substream(seed: number, name: string): Random {
  let h = hashString(name, seed);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return createRandom(h);
}

/** An exponential sample with the given rate (mean 1 / rate). */
export function exponential(rng: Random, rate: number): number {
  // 1 - u is in (0, 1], so the log is finite.
  return -Math.log(1 - rng()) / rate;
}

/** A uniform integer in [min, max], both included. */
export function uniformInt(rng: Random, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A uniform float in [min, max). */
export function uniform(rng: Random, min: number, max: number): number {
  return min + rng() * (max - min);
}
