/**
 * A model's metric children, bound once at pool creation so the request path
 * does no label hashing. Cost note: the per-request series (requests, errors,
 * duration, time to first byte, queue wait) are telemetry/hot-metrics.ts
 * children, whose observe/inc are a few field writes; the rest are
 * prom-client children (a label hash per call), used once per cold start.
 */
import type { Counter, Histogram } from 'prom-client';
import type { HotCounterChild, HotHistogramChild } from '../telemetry/hot-metrics.js';
import type { Metrics } from '../telemetry/metrics.js';

type HistogramChild = ReturnType<Histogram<'model'>['labels']> | HotHistogramChild;
type CounterChild = ReturnType<Counter<'model'>['labels']> | HotCounterChild;

export class ModelPoolMetrics {
  private readonly byCode = new Map<number, CounterChild>();
  private readonly errorsByCode = new Map<string, CounterChild>();
  private readonly retries = new Map<string, CounterChild>();
  readonly duration: HistogramChild;
  readonly ttfb: HistogramChild;
  private readonly queueWait: HistogramChild;
  private readonly coldStartWait: HistogramChild;
  private readonly coldStartRequests: CounterChild;
  private readonly replicaColdStart: HistogramChild;
  private readonly startsReady: CounterChild;
  private readonly startsFailed: CounterChild;

  constructor(
    private readonly metrics: Metrics,
    private readonly model: string,
  ) {
    this.duration = metrics.requestDuration.labels(model);
    this.ttfb = metrics.timeToFirstByte.labels(model);
    this.queueWait = metrics.queueWait.labels(model);
    this.coldStartWait = metrics.coldStartWait.labels(model);
    this.coldStartRequests = metrics.coldStartRequests.labels(model);
    this.replicaColdStart = metrics.replicaColdStart.labels(model);
    this.startsReady = metrics.replicaStarts.labels(model, 'ready');
    this.startsFailed = metrics.replicaStarts.labels(model, 'failed');
    // Series exist from the start, at zero: Prometheus cannot see a series'
    // first value in rate()/increase(), so a model's first burst of cold starts
    // or queue rejections would otherwise read as 0 on dashboards and alerts.
    this.coldStartRequests.inc(0);
    this.startsReady.inc(0);
    this.startsFailed.inc(0);
    for (const h of [metrics.requestDuration, metrics.timeToFirstByte, metrics.queueWait, metrics.coldStartWait, metrics.replicaColdStart]) h.zero({ model });
    for (const code of ['queue_full', 'queue_timeout', 'replica_start_failed', 'upstream_unavailable', 'upstream_stream_error']) this.error(code, 0);
    this.finished(200, undefined);
  }

  /** One answered request: status code and total seconds (undefined: only create the series). */
  finished(code: number, durationS: number | undefined): void {
    let c = this.byCode.get(code);
    if (!c) {
      c = this.metrics.requests.labels(this.model, String(code));
      this.byCode.set(code, c);
    }
    if (durationS === undefined) {
      c.inc(0);
      return;
    }
    c.inc();
    this.duration.observe(durationS);
  }

  error(code: string, by = 1): void {
    let c = this.errorsByCode.get(code);
    if (!c) {
      c = this.metrics.errors.labels(this.model, code);
      this.errorsByCode.set(code, c);
    }
    c.inc(by);
  }

  retry(reason: string): void {
    let c = this.retries.get(reason);
    if (!c) {
      c = this.metrics.upstreamRetries.labels(this.model, reason);
      this.retries.set(reason, c);
    }
    c.inc();
  }

  /** A request served without queueing. */
  notQueued(): void {
    this.queueWait.observe(0);
  }

  observeQueued(waitedMs: number, coldStart: boolean): void {
    this.queueWait.observe(waitedMs / 1000);
    if (coldStart) {
      this.coldStartRequests.inc();
      this.coldStartWait.observe(waitedMs / 1000);
    }
  }

  replicaReady(coldStartMs: number): void {
    this.startsReady.inc();
    this.replicaColdStart.observe(coldStartMs / 1000);
  }

  replicaFailed(): void {
    this.startsFailed.inc();
  }
}
