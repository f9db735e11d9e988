/**
 * Azure Functions 2019 ("Serverless in the Wild") per-minute invocation
 * counts. Each function is a model, named by the short id of HashFunction
 * (first 8 hex chars, longer only where two would collide).
 *
 * The arrival rule (pinned by a test elsewhere; keep it exact): the i-th of k
 * invocations in minute m arrives at
 *
 *   t = 60·m + 60·(i + 0.5)/k          i = 0..k-1
 *
 * with m counted from the first minute column (column 480 of the sample is
 * m = 0). Example: k = 3 in minute 0 -> 10, 30, 50 s; k = 2 in minute 1 -> 75, 105 s.
 * Evenly spaced midpoints: the data says nothing finer than "k in this minute".
 *
 * Generation is lazy, one minute at a time: that minute's active functions
 * become sorted runs merged with a heap (merge-runs.ts), so memory is one
 * minute of arrivals (~7.6 k in the sample) however long the table is.
 * rateScale r is applied here, per function-minute, as k' = floor(k·r) plus
 * one with probability frac(k·r) (seeded per function and minute), so scaled
 * traffic still follows the minute rule.
 */
import { BATCH_SIZE, BatchBuilder } from './batch.js';
import { parseFunctionCounts, type FunctionCounts } from './azure-functions-2019-parse.js';
import { mergeRuns, type Run } from './merge-runs.js';
import { shortIds } from './model-names.js';
import { unitAt } from './random.js';
import type { SourcePlan, SourceScan, TraceSource } from './source.js';
import type { ArrivalBatch } from './types.js';

/** The arrival time of the i-th of k invocations in minute m (see the file comment). */
export function minuteArrivalS(m: number, i: number, k: number): number {
  return 60 * m + (60 * (i + 0.5)) / k;
}

export function azureFunctions2019Source(file: string): TraceSource {
  let data: FunctionCounts | undefined;
  const load = (): FunctionCounts => (data ??= parseFunctionCounts(file));
  return {
    format: 'azure-functions-2019',
    file,
    scalesRate: true,
    scan: (startS, endS) => scanCounts(load(), startS, endS),
    batches: (plan) => generate(load(), plan),
  };
}

function scanCounts(d: FunctionCounts, startS: number, endS: number): SourceScan {
  const counts = new Float64Array(d.hashes.length);
  for (let m = 0; m < d.minutes; m++) {
    const inside = 60 * m >= startS && 60 * (m + 1) <= endS;
    if (!inside && (60 * (m + 1) <= startS || 60 * m >= endS)) continue;
    for (let c = d.minuteStart[m]!; c < d.minuteStart[m + 1]!; c++) {
      const k = d.cellCount[c]!;
      counts[d.cellFn[c]!]! += inside ? k : countInside(m, k, startS, endS);
    }
  }
  return { models: shortIds(d.hashes), counts, spanS: 60 * d.minutes, exact: true, hasTokens: false, warnings: [] };
}

/** Arrivals of a partially covered minute that fall in [startS, endS): computed the way generate() places them. */
function countInside(m: number, k: number, startS: number, endS: number): number {
  let n = 0;
  for (let i = 0; i < k; i++) {
    const t = minuteArrivalS(m, i, k);
    if (t >= startS && t < endS) n++;
  }
  return n;
}

function* generate(d: FunctionCounts, plan: SourcePlan): Generator<ArrivalBatch> {
  const out = new BatchBuilder(false, BATCH_SIZE);
  const first = Math.max(0, Math.floor(plan.startS / 60));
  const last = Math.min(d.minutes, Math.ceil(plan.endS / 60));
  let scratch = new Float64Array(1024);
  for (let m = first; m < last; m++) {
    const runs: Run[] = [];
    let used = 0;
    for (let c = d.minuteStart[m]!; c < d.minuteStart[m + 1]!; c++) {
      const fn = d.cellFn[c]!;
      if (plan.keep[fn] === 0) continue;
      const k = scaledCount(d.cellCount[c]!, plan, fn, m);
      if (k === 0) continue;
      if (used + k > scratch.length) {
        // Runs already built keep views of the old buffer; it lives until they are merged.
        scratch = new Float64Array(Math.max(k, scratch.length * 2));
        used = 0;
      }
      runs.push({ model: fn, times: scratch.subarray(used, used + k), length: k });
      for (let i = 0; i < k; i++) scratch[used + i] = minuteArrivalS(m, i, k);
      used += k;
    }
    yield* mergeRuns(runs, out);
    // Hand the minute over now: waiting to fill a batch would generate the next minutes first.
    if (out.length > 0) yield out.take();
  }
}

function scaledCount(k: number, plan: SourcePlan, fn: number, m: number): number {
  if (plan.rateScale === 1) return k;
  const x = k * plan.rateScale;
  const whole = Math.floor(x);
  return whole + (unitAt(plan.seed, 0x2019, fn, m) < x - whole ? 1 : 0);
}
