/**
 * Deterministic embedding vectors: the same input text (and seed) always
 * maps to the same unit-length vector, different texts to nearly orthogonal
 * ones (independent Gaussian coordinates, then L2-normalised), so cosine
 * similarity of identical inputs is exactly 1.
 */
import { createRandom, hashString, normal } from './rng.js';

export function embeddingVector(key: string, seed: number, dim: number): Float32Array {
  const rng = createRandom(hashString(key, seed));
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const x = normal(rng);
    v[i] = x;
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dim; i++) v[i] = (v[i] ?? 0) * scale;
  return v;
}
