/**
 * The model of the world the simulator replays a trace in, per model: how
 * long a replica takes to become ready, how long a request keeps a slot, how
 * many requests a replica takes at once, what a replica costs.
 *
 * Times inside the engine are integer microseconds held in doubles (exact up
 * to 285 years), so `start + cold start` lands exactly on the arrival it was
 * planned for and equal times compare equal; policies still see milliseconds.
 */
import type { ScalingConfig } from '../config/schema.js';
import { lognormal, uniform } from './random.js';

export interface ColdStartSpec {
  /** Median time from "replica wanted" to "replica ready", ms. */
  medianMs: number;
  /** Log-normal shape; 0 = every cold start takes exactly medianMs. */
  sigma: number;
}

/** service = fixedMs + perOutputTokenMs x output tokens (rows without a count use the trace's mean). */
export interface ServiceSpec {
  fixedMs: number;
  perOutputTokenMs: number;
}

export interface ModelWorld {
  coldStart: ColdStartSpec;
  service: ServiceSpec;
  /** Requests one replica serves at once; 0 = unlimited. */
  maxConcurrencyPerReplica: number;
  gpusPerReplica: number;
  /** Dollars per GPU-hour of held replicas. */
  gpuPricePerHour: number;
  /** The model's scaling settings (what registered policies receive as their spec). */
  scaling: ScalingConfig;
}

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

/** Service times in µs for a model's requests (indices into the trace columns). */
export function serviceTimesUs(spec: ServiceSpec, indices: Uint32Array, outputTokens: Int32Array | undefined, meanTokens: number): Float64Array {
  const out = new Float64Array(indices.length);
  const fixedUs = spec.fixedMs * US_PER_MS;
  const perUs = spec.perOutputTokenMs * US_PER_MS;
  for (let k = 0; k < indices.length; k++) {
    let tokens = 0;
    if (perUs > 0) {
      const v = outputTokens ? (outputTokens[indices[k] as number] as number) : -1;
      tokens = v >= 0 ? v : meanTokens;
    }
    out[k] = Math.round(fixedUs + perUs * tokens);
  }
  return out;
}

/** Mean of the recorded output token counts (-1 = not recorded), 0 when none. */
export function meanOutputTokens(outputTokens: Int32Array | undefined): number {
  if (!outputTokens) return 0;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < outputTokens.length; i++) {
    const v = outputTokens[i] as number;
    if (v >= 0) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Cold start of the k-th replica start of model `modelIndex`, µs: the same in every policy's run. */
export function coldStartUs(spec: ColdStartSpec, seed: number, modelIndex: number, k: number): number {
  if (spec.sigma <= 0) return Math.round(spec.medianMs * US_PER_MS);
  return Math.round(lognormal(spec.medianMs, spec.sigma, uniform(seed, modelIndex, k)) * US_PER_MS);
}
