/**
 * From a curve to the list of requests to send and when: the run's plan.
 *
 * Open model: arrival times depend on the curve and the seed only, never on
 * responses (a slow gateway does not slow the load down, as it would not
 * slow real users down).
 *
 * - Segments are Poisson processes whose rate goes linearly from `rate` to
 *   `endRate`, drawn by thinning: candidates at the peak rate λmax, each kept
 *   with probability λ(t)/λmax. Worked example: rate 2/s -> endRate 0 over
 *   10 s gives on average (2 + 0)/2 × 10 = 10 arrivals, mostly early.
 * - A burst of N over W seconds is exactly N arrivals, uniform on [at, at+W]
 *   (a Poisson process conditioned on its count: "1000 documents at 9:00"
 *   means 1000, not 1000 ± 32).
 * - A trace replays its own timestamps.
 *
 * Everything is drawn in the curve's own time, then multiplied by the time
 * scale: the same seed at time scale 0.01 sends the same requests 100× sooner.
 */
import type { Curve } from './curve.js';
import { exponential, substream, uniform, uniformInt, type Random } from './random.js';
import type { TraceRow } from './trace-csv.js';

export interface PlannedStep {
  promptTokens: number;
  outputTokens: number;
  stream: boolean;
  /** Think time before this step, ms (scaled); 0 for the first step. */
  thinkMs: number;
}

export interface PlannedArrival {
  index: number;
  /** When to send the first request, ms after the run starts (scaled). */
  atMs: number;
  /** Which part of the curve produced it: "segments[0]", "bursts[1]", "trace". */
  source: string;
  model: string;
  /** One step for plain requests; several for a session. */
  steps: PlannedStep[];
}

export interface PlanOptions {
  seed: number;
  /** Multiplies every duration of the curve: 0.01 = 100× faster. */
  timeScale: number;
  /** Sends every request to this model (overrides the curve and trace rows). */
  model?: string;
}

interface RawArrival {
  t: number;
  source: string;
  row?: TraceRow;
}

/** Arrival times in the curve's own seconds, sorted (ties keep source order). */
export function arrivalTimes(curve: Curve, seed: number): RawArrival[] {
  const out: RawArrival[] = [];
  curve.segments.forEach((s, i) => {
    const rng = substream(seed, `segments[${i}]`);
    const peak = Math.max(s.rate, s.endRate);
    if (peak <= 0) return;
    for (let t = exponential(rng, peak); t < s.durationS; t += exponential(rng, peak)) {
      const lambda = s.rate + ((s.endRate - s.rate) * t) / s.durationS;
      if (rng() * peak < lambda) out.push({ t: s.startS + t, source: `segments[${i}]` });
    }
  });
  curve.bursts.forEach((b, i) => {
    const rng = substream(seed, `bursts[${i}]`);
    for (let k = 0; k < b.requests; k++) out.push({ t: b.atS + rng() * b.overS, source: `bursts[${i}]` });
  });
  for (const row of curve.trace?.rows ?? []) out.push({ t: row.t, source: 'trace', row });
  // Array.prototype.sort is stable, so equal times keep their source order.
  return out.sort((a, b) => a.t - b.t);
}

export function planArrivals(curve: Curve, opts: PlanOptions): PlannedArrival[] {
  if (!(opts.timeScale > 0)) throw new RangeError(`time scale must be more than 0, got ${opts.timeScale}`);
  const rng = substream(opts.seed, 'requests');
  return arrivalTimes(curve, opts.seed).map((a, index) => ({
    index,
    atMs: a.t * 1000 * opts.timeScale,
    source: a.source,
    model: opts.model ?? a.row?.model ?? curve.request.model,
    steps: planSteps(curve, a.row, rng, opts.timeScale),
  }));
}

function planSteps(curve: Curve, row: TraceRow | undefined, rng: Random, timeScale: number): PlannedStep[] {
  const { request: r, sessions } = curve;
  const n = sessions ? uniformInt(rng, sessions.steps.min, sessions.steps.max) : 1;
  const prompt = row?.promptTokens ?? uniformInt(rng, r.promptTokens.min, r.promptTokens.max);
  const steps: PlannedStep[] = [];
  for (let k = 0; k < n; k++) {
    const growth = sessions ? k * sessions.contextGrowthTokens : 0;
    steps.push({
      promptTokens: Math.max(1, prompt + growth),
      outputTokens: Math.max(1, row?.outputTokens ?? uniformInt(rng, r.outputTokens.min, r.outputTokens.max)),
      stream: rng() < r.streamFraction,
      thinkMs: k === 0 || !sessions ? 0 : uniform(rng, sessions.thinkTimeS.min, sessions.thinkTimeS.max) * 1000 * timeScale,
    });
  }
  return steps;
}

/** Requests in the plan (session steps counted one by one). */
export function plannedRequests(plan: readonly PlannedArrival[]): number {
  return plan.reduce((n, a) => n + a.steps.length, 0);
}
