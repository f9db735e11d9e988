/**
 * simulate(): replays a loaded trace against policies, model by model (each
 * model has its own replicas and policy state, as in the gateway), and sums
 * the results. Models are independent, so each one's arrivals are replayed
 * on their own with a small event heap; every policy sees the same arrivals,
 * service times and k-th cold-start draws.
 *
 *   const cols = loadTrace('invocations.csv');
 *   const result = simulate(cols, { policies: [simPolicy('keepalive-60s'), simPolicy('oracle')], world: () => myWorld, tickMs: 1000 });
 *   result.policies[0].coldStartFraction, result.policies[0].gpuSeconds
 */
import type { ArrivalColumns, TraceInfo } from './traces/index.js';
import type { SimPolicy } from './catalogue.js';
import { dedicatedReplicas } from './catalogue.js';
import { runModel } from './model-run.js';
import { idealPeak } from './oracle.js';
import { ModelRecorder } from './recorder.js';
import { modelUsage, p75ColdStartFraction, totalUsage, WaitPool, type DedicatedReference, type ModelUsage, type PolicyResult } from './results.js';
import { Timeline } from './stats.js';
import { coldStartUs, meanOutputTokens, serviceTimesUs, US_PER_S, type ModelWorld } from './world.js';

export interface SimulationOptions {
  policies: readonly SimPolicy[];
  /** The world of each trace model. */
  world(model: string, index: number): ModelWorld;
  /** The gateway's tick (autoscaler.tickInterval), ms. Default 1000. */
  tickMs?: number;
  /** Seed of the cold-start draws. Default 1. */
  seed?: number;
  /** Dollars per GPU-second on a per-second serverless platform. Default 0. */
  serverlessPricePerGpuSecond?: number;
  /** Points of the time series. Default 240. */
  timelineBuckets?: number;
  /** Called after each (model, policy) run with requests replayed so far and in total. */
  onProgress?(done: number, total: number, policy: string): void;
}

export interface SimulationResult {
  trace: TraceInfo;
  /** Length of the replay (trace span, or the last arrival if later), s. */
  spanS: number;
  policies: PolicyResult[];
  /** The same traffic on always-on replicas sized for each model's peak, held until the trace ends (or its last request does). */
  dedicated: { models: DedicatedReference[]; gpuSeconds: number; costUsd: number };
  /** Arrivals per second in each timeline bucket, and the bucket length. */
  demand: { bucketS: number; requestsPerSecond: number[] };
}

interface PolicyAcc {
  models: ModelUsage[];
  waits: WaitPool;
  timeline: Timeline;
  ticks: number;
}

export function simulate(trace: ArrivalColumns, opts: SimulationOptions): SimulationResult {
  const { info } = trace;
  const tickMs = opts.tickMs ?? 1000;
  const seed = opts.seed ?? 1;
  const serverlessPrice = opts.serverlessPricePerGpuSecond ?? 0;
  const lastUs = trace.length > 0 ? Math.round((trace.t[trace.length - 1] as number) * US_PER_S) : 0;
  const endUs = Math.max(Math.round(info.spanS * US_PER_S), lastUs);
  const buckets = opts.timelineBuckets ?? 240;
  const accs: PolicyAcc[] = opts.policies.map(() => ({ models: [], waits: new WaitPool(), timeline: new Timeline(buckets, Math.max(1, Math.ceil(endUs / buckets))), ticks: 0 }));
  const { order, offsets } = groupByModel(trace);
  const meanTokens = meanOutputTokens(trace.outputTokens);
  const dedicated: DedicatedReference[] = [];
  const total = trace.length * opts.policies.length;
  let done = 0;

  info.models.forEach((name, m) => {
    const idx = order.subarray(offsets[m] as number, offsets[m + 1] as number);
    const world = opts.world(name, m);
    const arrivalUs = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) arrivalUs[k] = Math.round((trace.t[idx[k] as number] as number) * US_PER_S);
    const serviceUs = serviceTimesUs(world.service, idx, trace.outputTokens, meanTokens);
    const peakConcurrency = idealPeak(arrivalUs, serviceUs);
    dedicated.push(dedicatedReference(name, world, peakConcurrency, Math.max(endUs, lastEnd(arrivalUs, serviceUs))));
    const ctx = { name, index: m, world, arrivalUs, serviceUs, peakConcurrency, tickMs };
    const input = {
      name,
      cap: world.maxConcurrencyPerReplica,
      arrivalUs,
      serviceUs,
      coldStartUs: (k: number) => coldStartUs(world.coldStart, seed, m, k),
      endUs,
    };
    opts.policies.forEach((p, i) => {
      const acc = accs[i] as PolicyAcc;
      const rec = new ModelRecorder(acc.timeline);
      const out = runModel(input, p.setup(ctx), rec);
      acc.models.push(modelUsage(name, rec, out.replicaSeconds, world, serverlessPrice));
      acc.waits.add(rec);
      acc.ticks += out.ticks;
      done += idx.length;
      opts.onProgress?.(done, total, p.name);
    });
  });

  const policies = opts.policies.map((p, i) => policyResult(p, accs[i] as PolicyAcc));
  const bucketS = (accs[0]?.timeline.bucketUs ?? 1) / US_PER_S;
  const demand = Array.from(accs[0]?.timeline.arrivals ?? [], (n) => n / bucketS);
  const sum = (f: (d: DedicatedReference) => number): number => dedicated.reduce((a, d) => a + f(d), 0);
  return {
    trace: info,
    spanS: endUs / US_PER_S,
    policies,
    dedicated: { models: dedicated, gpuSeconds: sum((d) => d.gpuSeconds), costUsd: sum((d) => d.costUsd) },
    demand: { bucketS, requestsPerSecond: demand },
  };
}

function policyResult(p: SimPolicy, acc: PolicyAcc): PolicyResult {
  const { timeline } = acc;
  return {
    policy: p.name,
    kind: p.kind,
    description: p.description,
    ...totalUsage(acc.models, acc.waits),
    p75ModelColdStartFraction: p75ColdStartFraction(acc.models),
    models: acc.models,
    timeline: { replicas: Array.from(timeline.replicaUs, (us) => us / timeline.bucketUs), coldStarts: Array.from(timeline.coldStarts) },
    ticks: acc.ticks,
  };
}

function dedicatedReference(model: string, world: ModelWorld, peakConcurrency: number, endUs: number): DedicatedReference {
  const replicas = dedicatedReplicas(world, peakConcurrency);
  const gpuSeconds = (replicas * world.gpusPerReplica * endUs) / US_PER_S;
  return { model, peakConcurrency, replicas, gpuSeconds, costUsd: (gpuSeconds / 3600) * world.gpuPricePerHour };
}

/** When the model's last request would finish if served on arrival, µs. */
function lastEnd(arrivalUs: Float64Array, serviceUs: Float64Array): number {
  let end = 0;
  for (let k = 0; k < arrivalUs.length; k++) end = Math.max(end, (arrivalUs[k] as number) + (serviceUs[k] as number));
  return end;
}

/** Trace row indices grouped by model (stable, so each group stays sorted by time): a counting sort. */
export function groupByModel(trace: ArrivalColumns): { order: Uint32Array; offsets: Uint32Array } {
  const models = trace.info.models.length;
  const offsets = new Uint32Array(models + 1);
  for (let i = 0; i < trace.length; i++) {
    const at = (trace.model[i] as number) + 1;
    offsets[at] = (offsets[at] as number) + 1;
  }
  for (let m = 0; m < models; m++) offsets[m + 1] = (offsets[m + 1] as number) + (offsets[m] as number);
  const fill = offsets.slice(0, models);
  const order = new Uint32Array(trace.length);
  for (let i = 0; i < trace.length; i++) {
    const m = trace.model[i] as number;
    order[fill[m] as number] = i;
    fill[m] = (fill[m] as number) + 1;
  }
  return { order, offsets };
}
