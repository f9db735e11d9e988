/**
 * ServeGen (Alibaba Bailian, arXiv 2505.09999) per-client rate tables. These
 * are not request logs: each row gives a client's rate in a 10-minute window
 * and the distribution fitted to its inter-arrival times, and arrivals must be
 * generated. Each client is a model (`client-<N>`).
 *
 * What ServeGen itself does (servegen/construct.py, `_sample_iats` and
 * `generate_workload`): draw n = ceil(rate·W) gaps from scipy
 * gamma(a=shape, scale) / weibull_min(c=shape, scale), multiply them by
 * W / sum(gaps) so they fill the window exactly, place arrivals at
 * window_start + cumsum(gaps), and keep those < window_start + W. The last
 * cumulative sum equals W, so it is (up to rounding) dropped: a window with
 * rate·W = 1 usually yields no request at all.
 *
 * What we do: the same draw-rescale-cumsum, with the count made exact in
 * expectation. For x = rate·W·rateScale expected arrivals, n = floor(x), plus
 * one with probability frac(x) (seeded per client and window). We draw n + 1
 * gaps g_0..g_n, rescale them to sum to W, and place arrival j (j = 0..n-1)
 * at window_start + W·(g_0 + .. + g_j)/(g_0 + .. + g_n): n arrivals strictly
 * inside the window, with the fitted burstiness. In the published data
 * rate·W is always an integer (the measured count), so n is exactly it.
 * Example: rate 0.005 r/s, W = 600 -> n = 3 -> 4 gaps, 3 arrivals.
 * `iat_cv` is not used: the fitted shape already carries it.
 *
 * Gaps are drawn as logarithms and exponentiated after subtracting the
 * largest (random.ts), because shapes go down to 0.007. Every (client,
 * window) has its own seeded generator, so a window or a dropped client never
 * changes the arrivals of the rest.
 *
 * Lazy: one window at a time (per client sorted runs, heap-merged), so memory
 * is one window of arrivals (m-large: up to ~350 k) while the whole of
 * m-large implies ~237 M.
 */
import { BATCH_SIZE, BatchBuilder } from './batch.js';
import { mergeRuns, type Run } from './merge-runs.js';
import { Rng, unitAt } from './random.js';
import { GAMMA, parseServeGen, type ClientTable, type ServeGenData } from './servegen-parse.js';
import type { SourcePlan, SourceScan, TraceSource } from './source.js';
import type { ArrivalBatch } from './types.js';

export function serveGenSource(path: string): TraceSource {
  let data: ServeGenData | undefined;
  const load = (): ServeGenData => (data ??= parseServeGen(path));
  return {
    format: 'servegen',
    file: path,
    scalesRate: true,
    scan: (startS, endS) => scanExpected(load(), startS, endS),
    batches: (plan) => generate(load(), plan),
  };
}

function scanExpected(d: ServeGenData, startS: number, endS: number): SourceScan {
  const counts = new Float64Array(d.clients.length);
  d.clients.forEach((c, i) => {
    for (let w = 0; w < d.windows; w++) {
      const ws = d.originS + w * d.windowS;
      const overlap = Math.min(endS, ws + d.windowS) - Math.max(startS, ws);
      if (overlap > 0) counts[i]! += (c.count[w]! * overlap) / d.windowS;
    }
  });
  const spanS = d.originS + d.windows * d.windowS;
  return { models: d.clients.map((c) => c.name), counts, spanS, exact: false, hasTokens: false, warnings: [] };
}

function* generate(d: ServeGenData, plan: SourcePlan): Generator<ArrivalBatch> {
  const out = new BatchBuilder(false, BATCH_SIZE);
  const first = Math.max(0, Math.floor((plan.startS - d.originS) / d.windowS));
  const last = Math.min(d.windows, Math.ceil((plan.endS - d.originS) / d.windowS));
  for (let w = first; w < last; w++) {
    const runs: Run[] = [];
    d.clients.forEach((c, i) => {
      if (plan.keep[i] === 0) return;
      const times = windowArrivals(c, i, w, d, plan);
      if (times.length > 0) runs.push({ model: i, times, length: times.length });
    });
    yield* mergeRuns(runs, out);
    // Hand the window over now: waiting to fill a batch would generate the next window first.
    if (out.length > 0) yield out.take();
  }
}

/** One client's arrivals in window w, ascending (the rule in the file comment). */
export function windowArrivals(c: ClientTable, client: number, w: number, d: Pick<ServeGenData, 'originS' | 'windowS'>, plan: Pick<SourcePlan, 'seed' | 'rateScale'>): Float64Array {
  const x = c.count[w]! * plan.rateScale;
  if (!(x > 0)) return new Float64Array(0);
  const whole = Math.floor(x);
  const n = whole + (unitAt(plan.seed, 0x5e6e, client, w) < x - whole ? 1 : 0);
  if (n === 0) return new Float64Array(0);
  const rng = new Rng(plan.seed, client, w);
  const shape = c.shape[w]!;
  const scale = c.scale[w]!;
  const gamma = c.family[w] === GAMMA;
  const g = new Float64Array(n + 1);
  let max = -Infinity;
  for (let i = 0; i <= n; i++) {
    const l = gamma ? rng.logGamma(shape, scale) : rng.logWeibull(shape, scale);
    g[i] = l;
    if (l > max) max = l;
  }
  let sum = 0;
  for (let i = 0; i <= n; i++) sum += g[i] = Math.exp(g[i]! - max);
  const ws = d.originS + w * d.windowS;
  const times = g.subarray(0, n);
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += g[j]!;
    times[j] = ws + (d.windowS * acc) / sum;
  }
  return times;
}
