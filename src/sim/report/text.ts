/**
 * The terminal report: what was replayed, in which world, one row per
 * policy, the dedicated-for-the-peak reference, and (for multi-model traces)
 * the busiest models under each policy. Deterministic: no timings in it.
 */
import type { ModelUsage, PolicyResult } from '../results.js';
import type { SimulationResult } from '../simulate.js';
import { dollars, duration, int, percent, span, table, waitMs } from './format.js';
import type { RunDescription } from './json.js';

/** Per-model rows shown per policy; the rest are in --json and --html. */
export const MODELS_SHOWN = 10;

export function textReport(r: SimulationResult, run: RunDescription): string {
  const out = [header(r, run), '', policyTable(r.policies), '', dedicatedLine(r)];
  if (r.trace.models.length > 1) out.push('', ...r.policies.map((p) => modelBlock(p)));
  return `${out.join('\n')}\n`;
}

function header(r: SimulationResult, run: RunDescription): string {
  const { trace } = r;
  const w = run.world;
  const models = trace.models.length;
  const cold = w.coldStart.sigma > 0 ? `log-normal, median ${duration(w.coldStart.medianMs)}, sigma ${w.coldStart.sigma}` : duration(w.coldStart.medianMs);
  const svc = [w.service.fixedMs > 0 ? duration(w.service.fixedMs) : '', w.service.perOutputTokenMs > 0 ? `${duration(w.service.perOutputTokenMs)}/token` : '']
    .filter(Boolean)
    .join(' + ');
  const cap = w.maxConcurrencyPerReplica > 0 ? `${w.maxConcurrencyPerReplica} requests per replica` : 'unlimited requests per replica';
  return [
    `trace   ${trace.file} (${trace.format}): ${int(models)} model${models === 1 ? '' : 's'}, ${int(trace.requests)} requests over ${span(r.spanS)}`,
    `world   cold start ${cold}; service ${svc || '0'}; ${cap}; max ${int(w.scaling.maxReplicas)} replica${w.scaling.maxReplicas === 1 ? '' : 's'}; ${w.gpusPerReplica} GPU${w.gpusPerReplica === 1 ? '' : 's'} per replica; decisions every ${duration(run.tickMs)} (baselines: their own)`,
    `prices  ${dollars(w.gpuPricePerHour)} per GPU-hour; serverless ${'$' + String(run.serverlessPricePerGpuSecond)} per GPU-second`,
    ...trace.warnings.map((x) => `note    ${x}`),
  ].join('\n');
}

function policyTable(policies: readonly PolicyResult[]): string {
  const head = ['policy', 'requests', 'cold waits', 'cold %', 'after 1st', 'p75 model cold %', 'cold wait p50', 'p95', 'p99', 'queue wait p99', 'starts', 'GPU-s held', 'idle GPU-s', 'cost', 'serverless'];
  const rows = policies.map((p) => [
    p.policy,
    int(p.requests),
    int(p.coldStartRequests),
    percent(p.coldStartFraction),
    int(p.coldStartRequestsAfterFirst),
    percent(p.p75ModelColdStartFraction),
    waitMs(p.coldStartWaitMs.p50),
    waitMs(p.coldStartWaitMs.p95),
    waitMs(p.coldStartWaitMs.p99),
    waitMs(p.queueWaitMs.p99),
    int(p.replicaStarts),
    int(p.gpuSeconds),
    int(p.idleGpuSeconds),
    dollars(p.costUsd),
    dollars(p.serverlessCostUsd),
  ]);
  return table(head, rows);
}

function dedicatedLine(r: SimulationResult): string {
  const replicas = r.dedicated.models.reduce((a, d) => a + d.replicas, 0);
  return `dedicated for the peak (always on, no cold starts): ${int(replicas)} replica${replicas === 1 ? '' : 's'}, ${int(r.dedicated.gpuSeconds)} GPU-s, ${dollars(r.dedicated.costUsd)}`;
}

function modelBlock(p: PolicyResult): string {
  const busiest = [...p.models].sort((a, b) => b.requests - a.requests || (a.model < b.model ? -1 : 1)).slice(0, MODELS_SHOWN);
  const head = [`${p.policy}: model`, 'requests', 'cold waits', 'cold %', 'cold wait p95', 'starts', 'GPU-s held', 'idle GPU-s', 'cost'];
  const rows = busiest.map((m: ModelUsage) => [
    m.model,
    int(m.requests),
    int(m.coldStartRequests),
    percent(m.coldStartFraction),
    waitMs(m.coldStartWaitMs.p95),
    int(m.replicaStarts),
    int(m.gpuSeconds),
    int(m.idleGpuSeconds),
    dollars(m.costUsd),
  ]);
  const more = p.models.length - busiest.length;
  return table(head, rows) + (more > 0 ? `\n(${int(more)} more models: see --json or --html)\n` : '\n');
}
