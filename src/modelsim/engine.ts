/**
 * The simulated inference engine: a Scheduler driven by an injected Clock.
 *
 * One timer per tick, never per request. A tick plans engine steps back to
 * back (scheduler.ts) until their scaled durations (timing.ts) add up to at
 * least `minTickMs`, arms one timer for that total, and when it fires
 * delivers every token of the tick: one sink call per request, however many
 * steps it spanned. With minTickMs 0 (unit tests) a tick is exactly one step;
 * the server uses ~1 ms so that a time scale of 0.01 (steps of ~0.2 ms) costs
 * one timer and one socket write per stream per millisecond, not per token.
 *
 * Event times are the planned step ends (tickStart + sum of durations), so
 * TTFT and ITL are exact on a ManualClock and drift-free on the system
 * clock: a late timer makes the next tick start at the planned time.
 *
 * Worked example (tiny profile: base 2 ms, perSeq 0.1 ms, prefill 1M tok/s,
 * time scale 1, minTickMs 0): a 16-token prompt with max_tokens 3 arrives
 * at t=0. Step 1 (prefill): 2 + 0.1 + 0.016 = 2.116 ms -> first token at
 * 2.116 (TTFT). Steps 2 and 3 (decode): 2.1 ms each -> tokens at 4.216 and
 * 6.316, finish_reason "length", e2e 6.316 ms. With time scale 0.01, each
 * of those times is a hundredth.
 */
import type { Clock, CancelTimer } from '../core/clock.js';
import { KvCache } from './kv-cache.js';
import type { Profile } from './profiles.js';
import { createRandom, logNormalInt, type Random } from './rng.js';
import { Scheduler, type Seq, type StepResult } from './scheduler.js';
import { stepDurationMs } from './timing.js';
import type { EngineObserver, EngineRequest, EngineStats, FinishedRequest, FinishInfo, FinishReason, RequestSink, SubmitOptions } from './engine-types.js';

export type { EngineObserver, EngineRequest, EngineStats, FinishedRequest, FinishInfo, FinishReason, RequestSink, SubmitOptions } from './engine-types.js';

export interface EngineOptions {
  clock: Clock;
  profile: Profile;
  /** Multiplies every simulated duration (0.01 = 100x faster). */
  timeScale: number;
  seed: number;
  /** Coalesce steps into ticks of at least this many real ms. */
  minTickMs?: number;
  observer?: EngineObserver;
}

interface Req extends Seq {
  sink: RequestSink;
  reason: 'stop' | 'length';
  maxTokensParam: number | undefined;
  arrivalMs: number;
  scheduledMs: number | undefined;
  firstTokenMs: number | undefined;
  lastTokenMs: number;
  pending: number;
  delivered: number;
  finishAtMs: number | undefined;
  done: boolean;
}

interface PlannedStep {
  atMs: number;
  result: StepResult<Req>;
}

/** A late timer lets the next tick start at its planned time, up to this lag. */
const MAX_CATCH_UP_MS = 50;

export class Engine {
  readonly kv: KvCache;
  private readonly scheduler: Scheduler<Req>;
  private readonly rng: Random;
  private nextId = 1;
  private active = 0;
  private cancelTimer: CancelTimer | undefined;
  private plannedEndMs: number | undefined;
  private frozen = false;
  private published: EngineStats = { running: 0, waiting: 0, kvUsage: 0 };

  constructor(private readonly opts: EngineOptions) {
    const p = opts.profile;
    this.kv = new KvCache(p.kvCacheTokens, p.blockSize);
    this.scheduler = new Scheduler<Req>({ maxNumSeqs: p.maxNumSeqs, maxNumBatchedTokens: p.maxNumBatchedTokens }, this.kv);
    this.rng = createRandom(opts.seed);
  }

  submit(o: SubmitOptions): EngineRequest {
    const { target, reason } = this.outputLength(o);
    const req: Req = {
      id: this.nextId++,
      promptTokens: Math.max(1, o.promptTokens),
      targetTokens: target,
      computed: 0,
      generated: 0,
      blocks: 0,
      state: 'waiting',
      sink: o.sink,
      reason,
      maxTokensParam: o.maxTokens,
      arrivalMs: this.opts.clock.now(),
      scheduledMs: undefined,
      firstTokenMs: undefined,
      lastTokenMs: 0,
      pending: 0,
      delivered: 0,
      finishAtMs: undefined,
      done: false,
    };
    this.active++;
    this.scheduler.add(req);
    // Plan on a 0 ms timer, not now: requests arriving together share the first step,
    // as they do when vLLM's engine loop drains its input queue before scheduling.
    if (this.cancelTimer === undefined && !this.frozen) {
      this.cancelTimer = this.opts.clock.setTimer(0, () => {
        this.cancelTimer = undefined;
        this.planTick();
      });
    }
    return { id: req.id, targetTokens: target, abort: () => this.abort(req) };
  }

  /** Requests submitted and not yet finished or aborted. */
  activeCount(): number {
    return this.active;
  }

  /**
   * Scheduler state as of the last completed step, which is what vLLM
   * publishes (its stats are recorded after each step). The live state is a
   * tick ahead, because a tick is planned when it starts.
   */
  stats(): EngineStats {
    return { ...this.published };
  }

  private publish(): void {
    this.published = { running: this.scheduler.running.length, waiting: this.scheduler.waiting.length, kvUsage: this.kv.usage() };
  }

  /** Stops all progress for good (hang injection, shutdown); timers are cancelled. */
  freeze(): void {
    this.frozen = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private outputLength(o: SubmitOptions): { target: number; reason: 'stop' | 'length' } {
    if (o.prefillOnly) return { target: 0, reason: 'stop' };
    const cap = Math.max(1, this.opts.profile.maxModelLen - o.promptTokens);
    if (o.maxTokens !== undefined) return { target: Math.max(1, Math.min(o.maxTokens, cap)), reason: 'length' };
    const drawn = logNormalInt(this.rng, this.opts.profile.outputTokensMedian, this.opts.profile.outputTokensSigma);
    return drawn >= cap ? { target: cap, reason: 'length' } : { target: drawn, reason: 'stop' };
  }

  private abort(req: Req): void {
    if (req.done) return;
    req.done = true;
    this.active--;
    this.scheduler.remove(req);
    if (this.cancelTimer === undefined) this.publish();
    this.opts.observer?.onFinished(this.finishedRecord(req, 'abort', this.opts.clock.now()));
  }

  private planTick(): void {
    const now = this.opts.clock.now();
    const planned = this.plannedEndMs;
    const start = planned !== undefined && planned <= now && now - planned < MAX_CATCH_UP_MS ? planned : now;
    const minTick = this.opts.minTickMs ?? 0;
    const steps: PlannedStep[] = [];
    let t = start;
    while (this.scheduler.hasWork()) {
      const result = this.scheduler.step();
      if (!result) break;
      // Catching up must not start a step before a request in it arrived.
      for (const r of result.admitted) t = Math.max(t, r.arrivalMs);
      for (const r of result.admitted) r.scheduledMs ??= t;
      t += stepDurationMs(this.opts.profile, result.load) * this.opts.timeScale;
      steps.push({ atMs: t, result });
      if (t - start >= minTick) break;
    }
    if (steps.length === 0) {
      this.plannedEndMs = undefined;
      this.publish();
      return;
    }
    this.plannedEndMs = t;
    this.cancelTimer = this.opts.clock.setTimer(t - now, () => {
      this.cancelTimer = undefined;
      this.deliver(steps);
    });
  }

  private deliver(steps: PlannedStep[]): void {
    const touched = new Set<Req>();
    for (const { atMs, result } of steps) {
      this.opts.observer?.onIteration(result.iterationTokens, result.preempted);
      for (const e of result.entries) {
        const req = e.seq;
        if (req.done || !(e.sampled || e.finished)) continue;
        touched.add(req);
        if (e.sampled) this.onToken(req, atMs);
        if (e.finished) this.onLastStep(req, atMs);
      }
    }
    for (const req of touched) {
      if (this.frozen) return;
      if (req.done) continue;
      const count = req.pending;
      req.pending = 0;
      try {
        req.sink.onTokens(count, req.finishAtMs === undefined ? undefined : this.finish(req));
      } catch {
        this.abort(req); // one broken stream must not stall every other one
      }
    }
    if (this.frozen) return;
    this.publish();
    this.planTick();
  }

  private onLastStep(req: Req, atMs: number): void {
    req.finishAtMs = atMs;
    if (req.targetTokens === 0) this.opts.observer?.onPromptProcessed(req.promptTokens);
  }

  private onToken(req: Req, atMs: number): void {
    req.pending++;
    req.delivered++;
    if (req.firstTokenMs === undefined) {
      req.firstTokenMs = atMs;
      this.opts.observer?.onPromptProcessed(req.promptTokens);
      this.opts.observer?.onFirstToken(atMs - req.arrivalMs);
    } else {
      this.opts.observer?.onInterToken(atMs - req.lastTokenMs);
    }
    req.lastTokenMs = atMs;
  }

  private finish(req: Req): FinishInfo {
    req.done = true;
    this.active--;
    const record = this.finishedRecord(req, req.reason, req.finishAtMs ?? this.opts.clock.now());
    this.opts.observer?.onFinished(record);
    return { reason: record.reason, promptTokens: record.promptTokens, completionTokens: record.completionTokens };
  }

  private finishedRecord(req: Req, reason: FinishReason, endMs: number): FinishedRequest {
    const scheduled = req.scheduledMs ?? endMs;
    const first = req.firstTokenMs ?? endMs;
    const last = req.firstTokenMs === undefined ? endMs : req.lastTokenMs;
    return {
      reason,
      promptTokens: req.promptTokens,
      completionTokens: req.delivered,
      maxTokensParam: req.maxTokensParam,
      queueMs: scheduled - req.arrivalMs,
      prefillMs: first - scheduled,
      decodeMs: last - first,
      inferenceMs: last - scheduled,
      e2eMs: endMs - req.arrivalMs,
    };
  }
}
