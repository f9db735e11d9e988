/** Shared helpers for the simulator tests: hand-made traces and worlds. */
import { scalingSchema, type ScalingConfig } from '../../../src/config/schema.js';
import type { ArrivalColumns } from '../../../src/sim/traces/index.js';
import type { ModelWorld } from '../../../src/sim/world.js';

/** Where the full public traces live (present in CI; see /work/shared/traces/README.md). */
export const TRACES_DIR = process.env['PILOTLIGHT_TRACES_DIR'] ?? '/work/shared/traces';

/** A trace in memory: [seconds, model, output tokens?] rows, sorted by time. */
export function columns(rows: readonly [number, string, number?][], spanS?: number): ArrivalColumns {
  const models = [...new Set(rows.map((r) => r[1]))];
  const hasTokens = rows.some((r) => r[2] !== undefined);
  return {
    info: {
      format: 'csv',
      file: 'memory.csv',
      models,
      sourceModels: models.length,
      requests: rows.length,
      requestsExact: true,
      spanS: spanS ?? rows[rows.length - 1]?.[0] ?? 0,
      hasTokens,
      warnings: [],
    },
    length: rows.length,
    t: Float64Array.from(rows.map((r) => r[0])),
    model: Uint16Array.from(rows.map((r) => models.indexOf(r[1]))),
    promptTokens: undefined,
    outputTokens: hasTokens ? Int32Array.from(rows.map((r) => r[2] ?? -1)) : undefined,
  };
}

export interface WorldOptions {
  coldMs?: number;
  sigma?: number;
  serviceMs?: number;
  perTokenMs?: number;
  cap?: number;
  maxReplicas?: number;
  gpus?: number;
  scaling?: Partial<ScalingConfig>;
}

/** Defaults: 30 s cold start, 1 s service, one replica with unlimited concurrency, 1 GPU at $3.60/h ($0.001/s). */
export function world(o: WorldOptions = {}): ModelWorld {
  const cap = o.cap ?? 0;
  const scaling: ScalingConfig = { ...scalingSchema.parse({}), maxReplicas: o.maxReplicas ?? 1, maxConcurrencyPerReplica: cap, ...o.scaling };
  return {
    coldStart: { medianMs: o.coldMs ?? 30_000, sigma: o.sigma ?? 0 },
    service: { fixedMs: o.serviceMs ?? 1000, perOutputTokenMs: o.perTokenMs ?? 0 },
    maxConcurrencyPerReplica: cap,
    gpusPerReplica: o.gpus ?? 1,
    gpuPricePerHour: 3.6,
    scaling,
  };
}
