/**
 * The predictive policy: the reactive (KPA) policy for the load that is here,
 * plus warm-up for the load that is coming. Never below what the load here
 * demands:
 *
 *   demand   = KPA without its scale-down delay (what in-flight + queued needs now)
 *   busy     = while requests are in flight or queued: the full reactive
 *              policy, scale-down window included (no churn inside a burst)
 *   idle     = while no request is in flight or queued, the idle-gap model
 *              (gap-model.ts): hold max(1, typical busy-period peak) replicas
 *              (and, of those held, no fewer than the reactive policy would
 *              still hold: no churn in the pauses of a busy stretch) while
 *              P(next request within the lead L | idle for e) >= theta,
 *              else none -- pre-warm before gaps end, keep warm through short
 *              ones, release early after ones that run long
 *   profile  = replicas for the arrival rate expected at now + L from the
 *              time-of-day/day-of-week profile (rate-profile.ts)
 *   trend    = replicas for rising demand extrapolated over L (trend.ts)
 *   schedule = explicit warm-up windows from the config (schedule.ts)
 *   desired  = clamp(max(demand, busy or idle, profile, trend, schedule), min, max)
 *
 * L = the learned cold start (EWMA of observed starts, prior from config) +
 * leadMargin: a forecast that arrives after the burst is useless.
 * Until `minHistory` long idle gaps have been seen, and whenever the current
 * gap has run longer than every remembered one, the idle term is replaced by
 * the full reactive policy (with its scale-down window): where the policy
 * knows nothing it does exactly what the reactive policy would.
 *
 * "Worth holding" weighs the chance by what is at stake:
 *   hold while h(e) * head >= warmProbability,
 * where head is the learned number of requests that arrive within the first
 * lead of a busy period -- what one cold start would delay. A model whose
 * bursts open with a flood is kept warm on a smaller chance than one whose
 * requests come alone. (warmProbability 0.3, historySize 2048 and minHistory
 * 1 were chosen on the simulator; docs/simulation.md shows the sweep.)
 *
 * Worked example (cold start 120 s, L = 125 s, theta 0.1): a model called by a
 * timer every 10 minutes, 1 s per call. After 5 calls the gap model holds
 * five 600 s gaps (arrival to arrival). After each call the replica is
 * released at once (h = 0); at 475 s h becomes 1 and a replica starts; it is
 * ready at 595 s and the call at 600 s finds it warm: ~126 s of GPU time per
 * call, no cold start.
 * The reactive policy with a 5 min window would have held 301 s of idle GPU
 * time per call and still cold-started every one.
 */
import { decideKpa, kpaPolicy, type KpaState } from '../kpa-policy.js';
import type { Decision, ModelSignals, Policy, ScalingSpec } from '../policy.js';
import { emptyGapModel, hazard, longGaps, nextFlip, openCount, recordGap, type GapModel } from './gap-model.js';
import { emptyRateProfile, forecastRate, observeArrivals, type RateProfile } from './rate-profile.js';
import { nextScheduleCheck, scheduleFloor } from './schedule.js';
import { currentLevel, emptyTrend, forecastDemand, observeDemand, type Trend } from './trend.js';

export interface PredictiveState {
  demand: KpaState;
  fallback: KpaState;
  gaps: GapModel;
  /**
   * While idle: when the current gap began, i.e. the last arrival before the
   * idle period (ms); null while busy. Gaps run arrival to arrival, so a
   * request served late (after a cold start) does not shorten the next gap.
   */
  gapFrom: number | null;
  /** Highest demand in the current busy period, and its learned typical value. */
  busyPeak: number;
  peak: number;
  /**
   * Requests that arrive within the first lead of a busy period: what one
   * cold start would delay (learned, EWMA; at least 1). A model whose bursts
   * open with a flood is worth keeping warm on a smaller chance.
   */
  head: number;
  headUntil: number | null;
  headCount: number;
  /** Learned cold start (ms), or null before the first observed start. */
  coldStartMs: number | null;
  profile: RateProfile;
  trend: Trend;
  /** Decayed sums for Little's law: mean time a request spends in the system. */
  requestMs: number;
  requests: number;
}

const DEFAULT_COLD_START_MS = 60_000;
/**
 * Remembered gaps that must still be open at e for h(e) to be trusted; fewer
 * (the gap has run longer than history knows): the reactive policy decides.
 * 1 measured best on the simulator (docs/simulation.md): higher values hand
 * more decisions back to the reactive scale-down window.
 */
const MIN_EVIDENCE = 1;

/** The idle time after e at which fewer than MIN_EVIDENCE remembered gaps remain open. */
function evidenceRunsOut(m: GapModel, e: number, graceMs: number): number {
  const closes = [...m.gaps, ...m.short].map((g) => g * 1.1 + graceMs).filter((c) => c > e).sort((a, b) => b - a);
  const c = closes[MIN_EVIDENCE - 1];
  return c === undefined ? e : c + 0.001;
}
const DEFAULTS = { leadMargin: 5000, warmProbability: 0.3, minHistory: 1, historySize: 2048, trend: true, profile: true };

export const predictivePolicy: Policy<PredictiveState> = {
  name: 'predictive',
  initialState: () => ({
    demand: kpaPolicy.initialState(),
    fallback: kpaPolicy.initialState(),
    gaps: emptyGapModel(),
    gapFrom: null,
    busyPeak: 0,
    peak: 0,
    head: 1,
    headUntil: null,
    headCount: 0,
    coldStartMs: null,
    profile: emptyRateProfile(),
    trend: emptyTrend(),
    requestMs: 0,
    requests: 0,
  }),
  decide: decidePredictive,
};

export function decidePredictive(sig: ModelSignals | undefined, spec: ScalingSpec, prev: PredictiveState): Decision<PredictiveState> | undefined {
  if (!sig) return undefined;
  const o = { ...DEFAULTS, ...spec.predictive };
  const demand = decideKpa(sig, { ...spec, scaledownWindow: 0 }, prev.demand);
  const fallback = decideKpa(sig, spec, prev.fallback);
  if (!demand || !fallback) return undefined;
  const leadMs = (learnedColdStart(sig, prev) ?? o.coldStart ?? DEFAULT_COLD_START_MS) + o.leadMargin;
  const shortMs = leadMs;
  // The trend sees demand as the reactive policy sizes it: a backlog that builds during a cold start is discounted.
  const sized = demand.state.samples.at(-1)?.v ?? sig.concurrency;
  const st = learn(sig, prev, demand.desired, o.historySize, leadMs, shortMs, sized);
  st.demand = demand.state;
  st.fallback = fallback.state;

  const terms: [string, number][] = [[demand.reason, demand.desired]];
  let wakeAt = Infinity;
  const idle = sig.inflight + sig.queued === 0 && st.gapFrom !== null;
  if (longGaps(st.gaps) < o.minHistory || !idle) {
    // Learning, or busy: the reactive policy, scale-down window included (no churn inside a busy period).
    terms.push([longGaps(st.gaps) < o.minHistory ? 'reactive-fallback' : fallback.reason, fallback.desired]);
    wakeAt = fallback.wakeAt ?? NaN;
  } else if (st.gapFrom !== null && openCount(st.gaps, sig.now - st.gapFrom, o.leadMargin) < MIN_EVIDENCE) {
    // Too few remembered gaps this long to judge by (or none: longer than any seen): the reactive policy decides.
    terms.push(['reactive-fallback', fallback.desired]);
    wakeAt = fallback.wakeAt ?? NaN;
  } else if (st.gapFrom !== null) {
    const e = sig.now - st.gapFrom;
    // Worth holding: the chance of a request within the lead, times the requests a cold start would delay.
    const worth = (h: number | undefined): boolean => h !== undefined && h * st.head >= o.warmProbability;
    const warm = worth(hazard(st.gaps, e, leadMs, o.leadMargin));
    const held = sig.replicas.ready + sig.replicas.starting;
    // Keeping warm through what is likely a short pause inside a busy stretch:
    // keep what the reactive policy would still hold (up to what is held now),
    // so a pause between two requests does not cancel the starts that the busy
    // stretch ordered, only for the next request to order them again.
    const typical = Math.max(1, Math.round(st.peak));
    const keep = warm ? Math.max(typical, Math.min(held, fallback.desired)) : 0;
    terms.push([held > 0 ? 'keep-warm' : 'prewarm', keep]);
    // While the averages still remember the last request, the demand term may
    // hold a replica that the next tick releases: no promise until then. The
    // answer also changes when the evidence runs out (the fallback takes over).
    const flip = nextFlip(st.gaps, e, leadMs, worth, o.leadMargin);
    wakeAt = demand.desired > 0 ? NaN : st.gapFrom + Math.min(flip, evidenceRunsOut(st.gaps, e, o.leadMargin));
    // Held at the reactive level: the answer also changes when the reactive policy's does.
    if (keep > typical) wakeAt = Math.min(wakeAt, fallback.wakeAt ?? NaN);
  }
  let forecast = 0;
  if (o.profile) {
    const f = profileTerm(st, sig.now + leadMs, leadMs, spec.targetConcurrency, o.warmProbability);
    forecast = Math.max(forecast, f.concurrency);
    terms.push(['profile', f.replicas]);
    // The forecast changes when now + L enters the next hour.
    if (f.active) wakeAt = Math.min(wakeAt, Math.max(sig.now + 1000, Math.floor((sig.now + leadMs) / 3_600_000 + 1) * 3_600_000 - leadMs));
  }
  if (o.trend) {
    // Only a ramp worth at least one more replica over the lead counts: one
    // request queueing through a cold start is not a trend.
    const t = forecastDemand(st.trend, leadMs);
    if (t !== undefined && t - currentLevel(st.trend) >= spec.targetConcurrency && sig.replicas.ready > 0) {
      forecast = Math.max(forecast, t);
      terms.push(['trend', Math.ceil(t / spec.targetConcurrency)]);
    }
  }
  const windows = spec.schedules ?? [];
  if (windows.length > 0) {
    const ws = windows.map((w) => ({ cron: w.cron, durationMs: w.duration, minReplicas: w.minReplicas, timezone: w.timezone }));
    terms.push(['schedule', scheduleFloor(ws, sig.now, leadMs)]);
    wakeAt = Math.min(wakeAt, nextScheduleCheck(ws, sig.now));
  }
  return finish(terms, spec, st, forecast, wakeAt);
}

function finish(terms: [string, number][], spec: ScalingSpec, state: PredictiveState, forecast: number, wakeAt: number): Decision<PredictiveState> {
  let [reason, desired] = terms[0] ?? ['load', 0];
  for (const [r, n] of terms.slice(1)) if (n > desired) [reason, desired] = [r, n];
  if (desired === 0 && reason !== 'reactive-fallback') reason = 'idle';
  if (desired < spec.minReplicas) [reason, desired] = ['min', spec.minReplicas];
  if (desired > spec.maxReplicas) [reason, desired] = ['max', spec.maxReplicas];
  const d: Decision<PredictiveState> = { desired, reason, state, forecast };
  if (!Number.isNaN(wakeAt)) d.wakeAt = wakeAt;
  return d;
}

/** The cold-start estimate after this sample's observed starts (EWMA, the newest counts 30%). */
function learnedColdStart(sig: ModelSignals, prev: PredictiveState): number | null {
  let c = prev.coldStartMs;
  for (const ms of sig.coldStarts ?? []) c = c === null ? ms : 0.7 * c + 0.3 * ms;
  return c;
}

/** Updates everything learned from one sample. */
function learn(sig: ModelSignals, prev: PredictiveState, demand: number, historySize: number, leadMs: number, shortMs: number, sized: number): PredictiveState {
  const st: PredictiveState = { ...prev };
  st.coldStartMs = learnedColdStart(sig, prev);
  st.profile = observeArrivals(prev.profile, sig.now, sig.arrivals);
  st.trend = observeDemand(prev.trend, sized, sig.intervalMs);
  const decay = 0.99;
  st.requestMs = prev.requestMs * decay + sig.concurrency * sig.intervalMs;
  st.requests = prev.requests * decay + sig.arrivals;

  const busyNow = sig.inflight + sig.queued > 0;
  // A busy period began since we last looked: seen busy now, or over already
  // (a short request between two ticks moved the pool's busySince on).
  const began = sig.busySince != null && prev.gapFrom !== null ? sig.busySince > prev.gapFrom : busyNow || sig.arrivals > 0;
  if (prev.gapFrom !== null && began) {
    // A gap ended: from the last arrival before it to the first arrival after it.
    const end = sig.busySince ?? sig.now - Math.min(sig.intervalMs, 1000) / 2;
    if (end > prev.gapFrom) st.gaps = recordGap(prev.gaps, end - prev.gapFrom, historySize, shortMs);
    st.gapFrom = null;
    st.busyPeak = 0;
    // After a long gap, count what a cold start would have delayed: the arrivals in the next lead.
    if (end - prev.gapFrom > shortMs) {
      st.headUntil = end + leadMs;
      st.headCount = 0;
    }
  }
  if (st.headUntil !== null) {
    if (sig.now - sig.intervalMs < st.headUntil) st.headCount += sig.arrivals;
    if (sig.now >= st.headUntil) {
      st.head = Math.max(1, 0.7 * st.head + 0.3 * st.headCount);
      st.headUntil = null;
    }
  }
  if (busyNow || began) st.busyPeak = Math.max(st.busyPeak, demand, 1);
  // A gap starts at a real arrival: before the first request there is none to measure from.
  const lastArrival = sig.lastArrivalAt === undefined ? (sig.idleSince ?? null) : sig.lastArrivalAt;
  if (!busyNow && st.gapFrom === null && lastArrival !== null && (sig.lastArrivalAt !== undefined || began || prev.busyPeak > 0)) {
    st.gapFrom = lastArrival;
    st.peak = st.peak === 0 ? st.busyPeak : 0.7 * st.peak + 0.3 * st.busyPeak;
  }
  return st;
}

/** Replicas for the rate the profile expects at `t` (only when a request within the lead is likely). */
function profileTerm(st: PredictiveState, t: number, leadMs: number, target: number, theta: number): { replicas: number; concurrency: number; active: boolean } {
  const rate = forecastRate(st.profile, t);
  if (rate === undefined || rate <= 0) return { replicas: 0, concurrency: 0, active: rate !== undefined };
  const meanS = st.requests > 0 ? st.requestMs / st.requests / 1000 : 1;
  const concurrency = rate * meanS;
  const likely = 1 - Math.exp((-rate * leadMs) / 1000) >= theta;
  return { replicas: likely ? Math.max(1, Math.ceil(concurrency / target)) : 0, concurrency, active: true };
}
