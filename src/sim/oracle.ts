/**
 * The oracle: a policy that knows the future, as a lower bound on GPU time
 * at zero cold-start waits. It plans on the ideal demand (every request
 * served the moment it arrives) and treats each replica as one "level" of
 * that demand:
 *
 *   need(t)  = ceil(in service(t) / cap)          (cap 0: 1 while anything is in service)
 *   level j  is busy while need(t) >= j
 *   a gap between two busy spells of level j is held when it is shorter than
 *   a cold start C (holding costs the gap, restarting costs C), else the
 *   replica stops and a new one starts C before the next spell;
 *   desired(t) = number of levels held at t.
 *
 * Worked example (C = 120 s, one level): requests busy [0, 1] s, [50, 51] s,
 * [500, 501] s. Gaps: 49 s < C -> held; 449 s >= C -> stop at 51 s and
 * restart at 380 s. Held: [-120, 51] + [380, 501] = 171 + 121 = 292 s.
 *
 * It plans with the median cold start; with a cold-start spread (sigma > 0)
 * a slower-than-median start can still make a request wait, and then the
 * oracle keeps the replicas the waiting requests need (spec.targetConcurrency
 * per replica) until they are served.
 * Sim-only: it reads the trace it is judged on.
 */
import { replicasFor } from '../autoscaler/baselines/keepalive-policy.js';
import type { Policy } from '../autoscaler/policy.js';
import { US_PER_MS } from './world.js';

export interface Schedule {
  /** Change points, µs, ascending; counts[i] holds from timesUs[i] until timesUs[i + 1]. */
  timesUs: Float64Array;
  counts: Int32Array;
}

/** Busy spells per level of the ideal demand, and its peak concurrency. */
export function idealLevels(arrivalUs: Float64Array, serviceUs: Float64Array, cap: number): { levels: number[][]; peak: number } {
  const n = arrivalUs.length;
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) ends[i] = (arrivalUs[i] as number) + (serviceUs[i] as number);
  ends.sort();
  const levels: number[][] = []; // per level: [start0, end0, start1, end1, ...]
  const open: number[] = [];
  let conc = 0;
  let peak = 0;
  let need = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < n) {
    // At equal times a request ending frees its slot before one starting takes it.
    const end = j < n && (i >= n || (ends[j] as number) <= (arrivalUs[i] as number));
    const t = end ? (ends[j++] as number) : (arrivalUs[i++] as number);
    conc += end ? -1 : 1;
    peak = Math.max(peak, conc);
    const next = cap > 0 ? Math.ceil(conc / cap) : conc > 0 ? 1 : 0;
    for (let l = need; l < next; l++) open[l] = t;
    for (let l = next; l < need; l++) (levels[l] ??= []).push(open[l] as number, t);
    need = next;
  }
  return { levels, peak };
}

/** Most requests in service at once if each were served on arrival (ends before starts at equal times). */
export function idealPeak(arrivalUs: Float64Array, serviceUs: Float64Array): number {
  const n = arrivalUs.length;
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) ends[i] = (arrivalUs[i] as number) + (serviceUs[i] as number);
  ends.sort();
  let conc = 0;
  let peak = 0;
  for (let i = 0, j = 0; i < n; i++) {
    while (j < n && (ends[j] as number) <= (arrivalUs[i] as number)) {
      j++;
      conc--;
    }
    peak = Math.max(peak, ++conc);
  }
  return peak;
}

/** The oracle's replica count over time, for levels up to maxReplicas. */
export function oracleSchedule(arrivalUs: Float64Array, serviceUs: Float64Array, cap: number, coldUs: number, maxReplicas: number): Schedule {
  const { levels } = idealLevels(arrivalUs, serviceUs, cap);
  const points: number[] = []; // pairs (time, delta)
  for (const spells of levels.slice(0, maxReplicas)) {
    let start = spells[0] as number;
    let end = spells[1] as number;
    for (let k = 2; k < spells.length; k += 2) {
      const s = spells[k] as number;
      if (s - end < coldUs) {
        end = Math.max(end, spells[k + 1] as number);
        continue;
      }
      points.push(start - coldUs, 1, end, -1);
      start = s;
      end = spells[k + 1] as number;
    }
    if (spells.length > 0) points.push(start - coldUs, 1, end, -1);
  }
  return toSteps(points);
}

function toSteps(points: number[]): Schedule {
  const order = Array.from({ length: points.length / 2 }, (_, k) => k).sort((a, b) => (points[2 * a] as number) - (points[2 * b] as number));
  const times: number[] = [];
  const counts: number[] = [];
  let count = 0;
  for (const k of order) {
    const t = points[2 * k] as number;
    count += points[2 * k + 1] as number;
    if (times.length > 0 && times[times.length - 1] === t) counts[counts.length - 1] = count;
    else {
      times.push(t);
      counts.push(count);
    }
  }
  return { timesUs: Float64Array.from(times), counts: Int32Array.from(counts) };
}

export interface OracleState {
  /** Index of the change point in force, -1 before the first. */
  i: number;
}

/** Replays a precomputed schedule through the Policy interface, waking at each change point. */
export function oraclePolicy(s: Schedule): Policy<OracleState> {
  const n = s.timesUs.length;
  return {
    name: 'oracle',
    initialState: () => ({ i: -1 }),
    decide(sig, spec, st) {
      if (!sig) return undefined;
      const nowUs = Math.round(sig.now * US_PER_MS);
      let i = st.i;
      while (i + 1 < n && (s.timesUs[i + 1] as number) <= nowUs) i++;
      const planned = i >= 0 ? (s.counts[i] as number) : 0;
      // Never strand a request: a cold start slower than planned (sigma > 0) or a
      // level cut by maxReplicas leaves requests past their planned end.
      const floor = replicasFor(sig.inflight + sig.queued, spec.targetConcurrency);
      const desired = Math.min(spec.maxReplicas, Math.max(spec.minReplicas, planned, floor));
      const next = s.timesUs[i + 1];
      return { desired, reason: 'oracle', state: { i }, wakeAt: next === undefined ? Infinity : next / US_PER_MS };
    },
  };
}
