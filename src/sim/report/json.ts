/**
 * The `--json` document: one object, stable key order, numbers rounded so
 * the same run prints the same bytes on every machine (and a golden test can
 * hold it byte for byte). No wall-clock times in it.
 */
import type { PolicyResult, Usage } from '../results.js';
import type { SimulationResult } from '../simulate.js';
import type { ModelWorld } from '../world.js';

export interface RunDescription {
  /** The settings every model shares (the first model's world, when they differ). */
  world: ModelWorld;
  tickMs: number;
  seed: number;
  serverlessPricePerGpuSecond: number;
}

/** Rounds to `digits` decimals, keeping integers integral and -0 out. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

const pct = (p: { p50: number; p95: number; p99: number }) => ({ p50: round(p.p50), p95: round(p.p95), p99: round(p.p99) });

function usage(u: Usage) {
  return {
    requests: u.requests,
    coldStartRequests: u.coldStartRequests,
    coldStartFraction: round(u.coldStartFraction, 6),
    coldStartRequestsAfterFirst: u.coldStartRequestsAfterFirst,
    queuedRequests: u.queuedRequests,
    coldStartWaitMs: pct(u.coldStartWaitMs),
    queueWaitMs: pct(u.queueWaitMs),
    replicaStarts: u.replicaStarts,
    gpuSeconds: round(u.gpuSeconds),
    gpuSecondsByState: {
      starting: round(u.gpuSecondsByState.starting),
      busy: round(u.gpuSecondsByState.busy),
      idle: round(u.gpuSecondsByState.idle),
      draining: round(u.gpuSecondsByState.draining),
    },
    idleGpuSeconds: round(u.idleGpuSeconds),
    costUsd: round(u.costUsd, 4),
    serverlessCostUsd: round(u.serverlessCostUsd, 4),
  };
}

function policy(p: PolicyResult) {
  return {
    policy: p.policy,
    kind: p.kind,
    description: p.description,
    ...usage(p),
    p75ModelColdStartFraction: round(p.p75ModelColdStartFraction, 6),
    decisions: p.ticks,
    models: p.models.map((m) => ({ model: m.model, ...usage(m) })),
  };
}

export function jsonReport(r: SimulationResult, run: RunDescription): string {
  const { trace } = r;
  const w = run.world;
  const doc = {
    trace: { file: trace.file, format: trace.format, models: trace.models.length, sourceModels: trace.sourceModels, requests: trace.requests, spanS: round(r.spanS), warnings: trace.warnings },
    world: {
      coldStart: { medianMs: w.coldStart.medianMs, sigma: w.coldStart.sigma },
      service: { fixedMs: w.service.fixedMs, perOutputTokenMs: w.service.perOutputTokenMs },
      maxConcurrencyPerReplica: w.maxConcurrencyPerReplica,
      maxReplicas: w.scaling.maxReplicas,
      gpusPerReplica: w.gpusPerReplica,
      gpuPricePerHour: w.gpuPricePerHour,
      serverlessPricePerGpuSecond: run.serverlessPricePerGpuSecond,
      tickMs: run.tickMs,
      seed: run.seed,
    },
    policies: r.policies.map(policy),
    dedicated: {
      gpuSeconds: round(r.dedicated.gpuSeconds),
      costUsd: round(r.dedicated.costUsd, 4),
      models: r.dedicated.models.map((d) => ({ model: d.model, peakConcurrency: d.peakConcurrency, replicas: d.replicas, gpuSeconds: round(d.gpuSeconds), costUsd: round(d.costUsd, 4) })),
    },
    timeline: {
      bucketS: round(r.demand.bucketS),
      requestsPerSecond: r.demand.requestsPerSecond.map((v) => round(v, 4)),
      replicas: Object.fromEntries(r.policies.map((p) => [p.policy, p.timeline.replicas.map((v) => round(v, 3))])),
      coldStarts: Object.fromEntries(r.policies.map((p) => [p.policy, p.timeline.coldStarts])),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
