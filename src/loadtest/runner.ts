/**
 * The built-in load runner: sends a curve's plan to a gateway over HTTP and
 * returns every request's outcome, the summary, and replica samples from
 * the admin API.
 *
 * Open model: one timer walks the plan and launches each arrival when it is
 * due, without awaiting anything; a slow or stuck gateway makes requests
 * pile up in flight, exactly as real clients would. Only a session's own
 * steps wait for each other (step k+1 needs step k's answer). The one brake
 * is --max-in-flight: an arrival that finds that many requests in flight is
 * dropped and counted (k6 does the same when it runs out of VUs), so the
 * runner's own limits never masquerade as gateway latency.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { every, systemClock, type CancelTimer, type Clock } from '../core/clock.js';
import { AdminPoller, type ReplicaSample } from './admin-poller.js';
import { planArrivals, plannedRequests, type PlannedArrival } from './arrivals.js';
import type { Curve } from './curve.js';
import { createSender, type Send } from './http-client.js';
import { requestBody, requestPath } from './request-body.js';
import { summarize, type RequestResult, type Summary } from './summary.js';

export interface RunOptions {
  curve: Curve;
  /** The gateway's API base: http://host:8080 (a trailing /v1 is accepted). */
  target: string;
  /** Sends every request to this model (else the curve's / trace rows'). */
  model?: string;
  timeScale?: number;
  seed?: number;
  maxInFlight?: number;
  /** The gateway's admin base (http://host:9090) to sample replicas from. */
  adminUrl?: string;
  clock?: Clock;
  /** Replaces the HTTP sender (tests). */
  send?: Send;
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
}

export interface Progress {
  elapsedMs: number;
  durationMs: number;
  plannedRequests: number;
  sent: number;
  done: number;
  inFlight: number;
  failed: number;
  dropped: number;
}

export interface RunResult {
  summary: Summary;
  results: RequestResult[];
  /** Arrivals per plan entry: when they were due (for the offered-load chart). */
  plan: PlannedArrival[];
  replicaSamples: ReplicaSample[];
  adminErrors: number;
}

export const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DUE_SLACK_MS = 0.5;

export function normalizeTarget(target: string): string {
  return target.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export async function runLoadtest(o: RunOptions): Promise<RunResult> {
  const clock = o.clock ?? systemClock;
  const timeScale = o.timeScale ?? 1;
  const seed = o.seed ?? 1;
  const plan = planArrivals(o.curve, { seed, timeScale, ...(o.model !== undefined ? { model: o.model } : {}) });
  const unnamed = plan.find((a) => a.model === '');
  if (unnamed) throw new Error(`${o.curve.file}: arrival ${unnamed.index} (${unnamed.source}) has no model: set request.model in the curve or pass --model`);
  const model = o.model ?? (o.curve.request.model || plan[0]?.model || '');
  // Unlimited connections: an open-model run must never queue on the client side.
  const agent = o.send ? undefined : new Agent({ keepAliveTimeout: 10_000, connections: null });
  const send = o.send ?? createSender(agent ?? new Agent(), clock);
  const poller = o.adminUrl ? new AdminPoller(o.adminUrl, model, clock) : undefined;
  const exec = new Execution(o, plan, send, clock, normalizeTarget(o.target));
  try {
    const t0 = clock.now();
    poller?.start(t0);
    const stopProgress: CancelTimer | undefined = o.onProgress ? every(clock, o.progressIntervalMs ?? 250, () => o.onProgress?.(exec.progress())) : undefined;
    await exec.run(t0);
    stopProgress?.();
    o.onProgress?.(exec.progress());
    const elapsedS = (clock.now() - t0) / 1000;
    await poller?.stop();
    const summary = summarize(exec.results, {
      curve: o.curve.name,
      target: o.target,
      model,
      seed,
      timeScale,
      durationS: o.curve.durationS * timeScale,
      elapsedS,
      plannedArrivals: plan.length,
      plannedRequests: plannedRequests(plan),
      droppedArrivals: exec.dropped.length,
      droppedRequests: exec.dropped.reduce((n, a) => n + a.steps.length, 0),
    });
    exec.results.sort((a, b) => a.arrival - b.arrival || a.step - b.step);
    return { summary, results: exec.results, plan, replicaSamples: poller?.samples ?? [], adminErrors: poller?.errors ?? 0 };
  } finally {
    await agent?.close();
  }
}

/** One run's moving parts: the plan cursor, the in-flight count, the results. */
class Execution {
  readonly results: RequestResult[] = [];
  readonly dropped: PlannedArrival[] = [];
  private sent = 0;
  private inFlight = 0;
  private failed = 0;
  private active = 0;
  private launchedAll = false;
  private t0 = 0;
  private finish: () => void = () => undefined;
  private readonly runId = randomUUID().slice(0, 8);
  private readonly maxInFlight: number;
  private readonly planned: number;

  constructor(
    private readonly o: RunOptions,
    private readonly plan: readonly PlannedArrival[],
    private readonly send: Send,
    private readonly clock: Clock,
    private readonly base: string,
  ) {
    this.maxInFlight = o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.planned = plannedRequests(plan);
  }

  run(t0: number): Promise<void> {
    this.t0 = t0;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.pump(0);
    });
  }

  /** Launches every arrival that is due, then sleeps until the next one. */
  private pump(next: number): void {
    const now = this.clock.now() - this.t0;
    let i = next;
    // Timers are ms-grained and clock arithmetic rounds: anything due within
    // half a millisecond goes now, so a re-armed timer always moves time on.
    for (let a = this.plan[i]; a !== undefined && a.atMs <= now + DUE_SLACK_MS; a = this.plan[++i]) this.launch(a);
    const upcoming = this.plan[i];
    if (upcoming) {
      this.clock.setTimer(upcoming.atMs - now, () => this.pump(i));
      return;
    }
    this.launchedAll = true;
    this.maybeFinish();
  }

  private launch(a: PlannedArrival): void {
    if (this.inFlight >= this.maxInFlight) {
      this.dropped.push(a);
      return;
    }
    this.active++;
    void this.session(a).finally(() => {
      this.active--;
      this.maybeFinish();
    });
  }

  private maybeFinish(): void {
    if (this.launchedAll && this.active === 0) this.finish();
  }

  private async session(a: PlannedArrival): Promise<void> {
    const sessionId = this.o.curve.sessions ? `${this.runId}-${a.index}` : undefined;
    const api = this.o.curve.request.api;
    for (const [k, step] of a.steps.entries()) {
      if (step.thinkMs > 0) await this.clock.sleep(step.thinkMs);
      const sentMs = this.clock.now() - this.t0;
      this.sent++;
      this.inFlight++;
      const out = await this.send({
        url: `${this.base}${requestPath(api)}`,
        body: requestBody(api, a.model, step, `${this.runId}-${a.index}.${k}`),
        stream: step.stream,
        ...(sessionId !== undefined ? { sessionId } : {}),
      });
      this.inFlight--;
      if (!out.ok) this.failed++;
      this.results.push({ ...out, arrival: a.index, step: k, model: a.model, stream: step.stream, scheduledMs: k === 0 ? a.atMs : sentMs, sentMs, ...(sessionId !== undefined ? { sessionId } : {}) });
    }
  }

  progress(): Progress {
    return {
      elapsedMs: this.clock.now() - this.t0,
      durationMs: this.o.curve.durationS * 1000 * (this.o.timeScale ?? 1),
      plannedRequests: this.planned,
      sent: this.sent,
      done: this.results.length,
      inFlight: this.inFlight,
      failed: this.failed,
      dropped: this.dropped.length,
    };
  }
}
