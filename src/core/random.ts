/**
 * Seeded randomness shared by the parts that need a reproducible stream
 * (modelsim's outputs, the load runner's arrivals): a small, fast generator
 * and a stable string hash to derive seeds from names.
 */

/** A deterministic generator of floats in [0, 1). */
export type Random = () => number;

/** mulberry32: 32-bit state, passes BigCrush's smaller batteries, fast enough for per-request draws. */
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

/** FNV-1a over UTF-16 code units, mixed with a seed: a cheap, stable 32-bit hash of a name. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
