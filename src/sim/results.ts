/**
 * The numbers a simulation produces, per model and per policy, and how they
 * are summed. GPU-seconds = replica-seconds held x gpusPerReplica, split by
 * the accounting state the replica was in (telemetry/gpu-accounting.ts).
 */
import type { AccountingState } from '../telemetry/gpu-accounting.js';
import type { PolicyKind } from './catalogue.js';
import type { ModelRecorder } from './recorder.js';
import { Floats, percentiles, type Percentiles } from './stats.js';
import type { ModelWorld } from './world.js';

export interface Usage {
  requests: number;
  /** Requests that arrived while no replica was ready and waited for one to start. */
  coldStartRequests: number;
  coldStartFraction: number;
  /** Cold-start-delayed requests other than those of each model's first cold start (unavoidable without history). */
  coldStartRequestsAfterFirst: number;
  /** Requests that waited for a busy replica (some replica was ready). */
  queuedRequests: number;
  /** Wait of the cold-start-delayed requests, ms. */
  coldStartWaitMs: Percentiles;
  /** Arrival to slot for every request (0 for most), ms. */
  queueWaitMs: Percentiles;
  replicaStarts: number;
  gpuSeconds: number;
  gpuSecondsByState: Record<AccountingState, number>;
  idleGpuSeconds: number;
  /** gpuSeconds at the GPU-hour price. */
  costUsd: number;
  /** gpuSeconds at the per-second serverless price. */
  serverlessCostUsd: number;
}

export interface ModelUsage extends Usage {
  model: string;
}

export interface PolicyResult extends Usage {
  policy: string;
  kind: PolicyKind;
  description: string;
  /** 75th percentile over models (with requests) of each model's cold-start fraction (Shahrad et al., ATC'20). */
  p75ModelColdStartFraction: number;
  models: ModelUsage[];
  /** Average replicas held and cold-start-delayed requests per timeline bucket. */
  timeline: { replicas: number[]; coldStarts: number[] };
  /** Policy decisions made (ticks), a cost measure of the simulation itself. */
  ticks: number;
}

export interface DedicatedReference {
  model: string;
  peakConcurrency: number;
  replicas: number;
  gpuSeconds: number;
  costUsd: number;
}

/** Waits of one policy across all models, for exact overall percentiles. */
export class WaitPool {
  readonly waits = new Floats();
  readonly coldWaits = new Floats();
  requests = 0;
  coldRequests = 0;

  add(rec: ModelRecorder): void {
    this.waits.append(rec.waits);
    this.coldWaits.append(rec.coldWaits);
    this.requests += rec.requests;
    this.coldRequests += rec.coldRequests;
  }
}

const US_TO_MS = 1 / 1000;

export function modelUsage(model: string, rec: ModelRecorder, replicaSeconds: Record<AccountingState, number>, world: ModelWorld, serverlessPrice: number): ModelUsage {
  const gpus = world.gpusPerReplica;
  const byState = { starting: replicaSeconds.starting * gpus, busy: replicaSeconds.busy * gpus, idle: replicaSeconds.idle * gpus, draining: replicaSeconds.draining * gpus };
  const gpuSeconds = byState.starting + byState.busy + byState.idle + byState.draining;
  return {
    model,
    requests: rec.requests,
    coldStartRequests: rec.coldRequests,
    coldStartFraction: rec.requests > 0 ? rec.coldRequests / rec.requests : 0,
    coldStartRequestsAfterFirst: rec.coldRequests - rec.firstColdRequests,
    queuedRequests: rec.queuedRequests,
    coldStartWaitMs: percentiles(rec.coldWaits, rec.coldRequests, US_TO_MS),
    queueWaitMs: percentiles(rec.waits, rec.requests, US_TO_MS),
    replicaStarts: rec.replicaStarts,
    gpuSeconds,
    gpuSecondsByState: byState,
    idleGpuSeconds: byState.idle,
    costUsd: (gpuSeconds / 3600) * world.gpuPricePerHour,
    serverlessCostUsd: gpuSeconds * serverlessPrice,
  };
}

/** Sums model usages; percentiles come from the pooled waits. */
export function totalUsage(models: readonly ModelUsage[], pool: WaitPool): Usage {
  const sum = (f: (m: ModelUsage) => number): number => models.reduce((acc, m) => acc + f(m), 0);
  const byState = {
    starting: sum((m) => m.gpuSecondsByState.starting),
    busy: sum((m) => m.gpuSecondsByState.busy),
    idle: sum((m) => m.gpuSecondsByState.idle),
    draining: sum((m) => m.gpuSecondsByState.draining),
  };
  const requests = sum((m) => m.requests);
  const coldStartRequests = sum((m) => m.coldStartRequests);
  return {
    requests,
    coldStartRequests,
    coldStartFraction: requests > 0 ? coldStartRequests / requests : 0,
    coldStartRequestsAfterFirst: sum((m) => m.coldStartRequestsAfterFirst),
    queuedRequests: sum((m) => m.queuedRequests),
    coldStartWaitMs: percentiles(pool.coldWaits, pool.coldRequests, US_TO_MS),
    queueWaitMs: percentiles(pool.waits, pool.requests, US_TO_MS),
    replicaStarts: sum((m) => m.replicaStarts),
    gpuSeconds: sum((m) => m.gpuSeconds),
    gpuSecondsByState: byState,
    idleGpuSeconds: byState.idle,
    costUsd: sum((m) => m.costUsd),
    serverlessCostUsd: sum((m) => m.serverlessCostUsd),
  };
}

/** Nearest-rank 75th percentile of the per-model cold-start fractions (models without requests excluded). */
export function p75ColdStartFraction(models: readonly ModelUsage[]): number {
  const f = models.filter((m) => m.requests > 0).map((m) => m.coldStartFraction);
  if (f.length === 0) return 0;
  f.sort((a, b) => a - b);
  return f[Math.max(0, Math.ceil(0.75 * f.length) - 1)] ?? 0;
}
