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

/** A generator for one named purpose, derived from the run's seed (FNV-1a of the name, mixed). */
export function substream(seed: number, name: string): Random {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
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
