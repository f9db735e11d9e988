/**
 * Seeded randomness for the readers. Two tools:
 *
 * - `unitAt(seed, a, b)`: a counter-based uniform, a pure function of its
 *   arguments. Used for per-item decisions (keep this row? round this count
 *   up?) so that a decision does not depend on which other items were read:
 *   a window or a dropped model never changes what happens to the rest.
 * - `Rng`: xoshiro128** seeded from such a hash, for streams of variates
 *   (ServeGen inter-arrival gaps), one generator per (client, window).
 *
 * Gamma and Weibull variates are returned as logarithms: ServeGen fits have
 * shapes down to 0.007, where Gamma samples underflow a double (U^(1/a) with
 * 1/a = 150) and only their ratios matter after rescaling.
 */

import { hashString } from '../../core/random.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a seed (any safe integer) and up to a few 32-bit integers into 32 bits. */
export function hashInts(seed: number, ...xs: number[]): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(seed / TWO_POW_32));
  for (const x of xs) h = mix32((h + 0x9e3779b9) ^ (x >>> 0));
  return h;
}

/** A uniform in [0, 1) that depends only on its arguments. */
export function unitAt(seed: number, ...xs: number[]): number {
  return hashInts(seed, ...xs) / TWO_POW_32;
}

/** FNV-1a over UTF-16 code units: a stable hash of a name, the same on every platform. */
export const fnv1a = (text: string): number => hashString(text);

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, ...xs: number[]) {
    const h = hashInts(seed, ...xs);
    this.a = mix32(h ^ 0x1);
    this.b = mix32(h ^ 0x2);
    this.c = mix32(h ^ 0x3);
    this.d = mix32(h ^ 0x4) | 1; // never the all-zero state
  }

  /** xoshiro128** step. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in the open interval (0, 1), 53 bits: safe to take a log of. */
  open01(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / TWO_POW_53;
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(this.open01())) * Math.cos(2 * Math.PI * this.open01());
  }

  /** log of a Gamma(shape, scale) variate (Marsaglia–Tsang; shape < 1 via the U^(1/a) boost). */
  logGamma(shape: number, scale: number): number {
    if (shape < 1) return this.logGamma(shape + 1, scale) + Math.log(this.open01()) / shape;
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = 1 + c * x;
      if (v <= 0) continue;
      const v3 = v * v * v;
      if (Math.log(this.open01()) < 0.5 * x * x + d - d * v3 + d * Math.log(v3)) return Math.log(d * v3) + Math.log(scale);
    }
  }

  /** log of a Weibull(shape, scale) variate, by inversion: scale * (-ln U)^(1/shape). */
  logWeibull(shape: number, scale: number): number {
    return Math.log(scale) + Math.log(-Math.log(this.open01())) / shape;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
