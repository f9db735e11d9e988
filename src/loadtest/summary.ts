/**
 * The numbers a run ends with, from its per-request results. Definitions
 * (they match the gateway's own metrics, so the two can be compared):
 *
 * - sent: requests that left the runner (each answered by the gateway, or by
 *   a connection error); dropped arrivals (over --max-in-flight) are not sent.
 * - ok: a 2xx response whose body (or stream) completed without an error event.
 * - coldStarts: requests a replica served after they waited for one to start
 *   (`x-pilotlight-cold-start: true` and an `x-pilotlight-replica`): the
 *   gateway's `pilotlight_cold_start_requests_total`. Requests that waited
 *   for a cold start and were then refused (queue timeout, start failure)
 *   are `coldStarts.refused`.
 * - latency: request sent to last byte, over ok requests; TTFT: sent to the
 *   first SSE event carrying generated text, over ok streamed requests.
 * - offered rate: planned requests per second of the (scaled) curve;
 *   achieved: sent requests per second of the sending window (which only
 *   outlasts the curve when the runner fell behind or sessions ran over);
 *   ok: ok responses per second of the whole run (curve or elapsed, the longer).
 */
import type { Outcome } from './http-client.js';
import { countBy, percentiles, type Percentiles } from './stats.js';

export interface RequestResult extends Outcome {
  arrival: number;
  step: number;
  sessionId?: string;
  model: string;
  stream: boolean;
  /** ms after the run started: when the plan said to send it, and when it was sent. */
  scheduledMs: number;
  sentMs: number;
}

export interface RunMeta {
  curve: string;
  target: string;
  model: string;
  seed: number;
  timeScale: number;
  /** The curve's duration after time scaling, seconds. */
  durationS: number;
  /** Wall time from the first scheduled arrival to the last response, seconds. */
  elapsedS: number;
  plannedArrivals: number;
  plannedRequests: number;
  droppedArrivals: number;
  /** Requests never sent because their arrival was dropped. */
  droppedRequests: number;
}

export interface Summary extends RunMeta {
  requests: { sent: number; ok: number; failed: number };
  errors: { byCode: Record<string, number>; byStatus: Record<string, number> };
  coldStarts: { count: number; fraction: number; refused: number; waitMs: Percentiles };
  ttftMs: Percentiles;
  latencyMs: Percentiles;
  queueWaitMs: Percentiles;
  /** How late requests left compared with the plan (the runner's own accuracy). */
  sendLagMs: Percentiles;
  rate: { offeredRps: number; achievedRps: number; okRps: number };
}

export function summarize(results: readonly RequestResult[], meta: RunMeta): Summary {
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  const cold = results.filter((r) => r.coldStart && r.replica !== undefined);
  const refused = results.filter((r) => r.coldStart && r.replica === undefined).length;
  const lastSentS = results.reduce((m, r) => Math.max(m, r.sentMs), 0) / 1000;
  const sendWindowS = Math.max(meta.durationS, lastSentS);
  return {
    ...meta,
    requests: { sent: results.length, ok: ok.length, failed: failed.length },
    errors: {
      byCode: countBy(failed, (r) => r.errorCode ?? 'unknown'),
      byStatus: countBy(results, (r) => String(r.status)),
    },
    coldStarts: {
      count: cold.length,
      fraction: results.length > 0 ? cold.length / results.length : 0,
      refused,
      waitMs: percentiles(cold.map((r) => r.queueWaitMs ?? 0)),
    },
    ttftMs: percentiles(ok.filter((r) => r.stream && r.ttftMs !== undefined).map((r) => r.ttftMs ?? 0)),
    latencyMs: percentiles(ok.map((r) => r.latencyMs)),
    queueWaitMs: percentiles(results.filter((r) => r.queueWaitMs !== undefined).map((r) => r.queueWaitMs ?? 0)),
    sendLagMs: percentiles(results.map((r) => Math.max(0, r.sentMs - r.scheduledMs))),
    rate: {
      offeredRps: meta.durationS > 0 ? meta.plannedRequests / meta.durationS : 0,
      achievedRps: sendWindowS > 0 ? results.length / sendWindowS : 0,
      okRps: ok.length / Math.max(meta.durationS, meta.elapsedS, 1e-9),
    },
  };
}
