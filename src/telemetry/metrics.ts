/**
 * Every Prometheus metric pilotlight exports, defined once, on an injected
 * Registry. Dashboards and alerts depend on these names: renaming one is a
 * breaking change (docs/metrics.md lists them; a test keeps the list true).
 *
 * Gauges that mirror live state (queue depth, replicas, in-flight) are read
 * at scrape time through `collect`, so the request path never touches them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';
import { ACCOUNTING_STATES, type GpuAccounting } from './gpu-accounting.js';

/** What the metrics read at scrape time. */
export interface LiveView {
  models(): readonly ModelView[];
}

export interface ModelView {
  name: string;
  gpusPerReplica: number;
  gpuPricePerHour: number;
  inflight: number;
  queued: number;
  desired: number | undefined;
  /** The policy's demand forecast at the end of its warm-up lead (predictive policy only). */
  forecast?: number | undefined;
  replicas: { pending: number; starting: number; ready: number; draining: number };
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
const COLD_START_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800];

export class Metrics {
  readonly requests: HotCounter;
  readonly errors: HotCounter;
  readonly requestDuration: HotHistogram;
  readonly timeToFirstByte: HotHistogram;
  readonly queueWait: HotHistogram;
  readonly coldStartRequests: Counter<'model'>;
  readonly coldStartWait: Histogram<'model'>;
  readonly replicaColdStart: Histogram<'model'>;
  readonly replicaColdStartPhase: Histogram<'model' | 'phase'>;
  readonly replicaStarts: Counter<'model' | 'outcome'>;
  readonly scaleEvents: Counter<'model' | 'direction' | 'reason'>;
  readonly upstreamRetries: Counter<'model' | 'reason'>;
  readonly autoscalerTick: Histogram<'policy'>;

  constructor(
    readonly registry: Registry,
    view: LiveView,
    accounting: GpuAccounting,
  ) {
    const r = [registry];
    this.requests = new HotCounter('pilotlight_requests_total', 'Requests answered, by model and HTTP status code.', ['model', 'code'], registry);
    this.errors = new HotCounter('pilotlight_errors_total', 'Errors pilotlight itself answered, by catalogue code (queue_full, queue_timeout, replica_start_failed, ...).', ['model', 'code'], registry);
    this.requestDuration = new HotHistogram('pilotlight_request_duration_seconds', 'Time from request received to response finished, queueing included.', ['model'], LATENCY_BUCKETS, registry);
    this.timeToFirstByte = new HotHistogram('pilotlight_time_to_first_byte_seconds', 'Time from request received to the first response body byte sent. For a stream this is its first SSE event, which vLLM sends with the first generated token, so it is close to the time to first token.', ['model'], LATENCY_BUCKETS, registry);
    this.queueWait = new HotHistogram('pilotlight_queue_wait_seconds', 'Time requests waited in the admission queue for a replica (0 when not queued).', ['model'], LATENCY_BUCKETS, registry);
    this.coldStartRequests = new Counter({ name: 'pilotlight_cold_start_requests_total', help: 'Requests that found no ready replica and waited for a cold start.', labelNames: ['model'], registers: r });
    this.coldStartWait = new Histogram({ name: 'pilotlight_cold_start_wait_seconds', help: 'How long requests that hit a cold start waited for a replica.', labelNames: ['model'], buckets: COLD_START_BUCKETS, registers: r });
    this.replicaColdStart = new Histogram({ name: 'pilotlight_replica_cold_start_seconds', help: 'Replica start to ready (first healthy probe).', labelNames: ['model'], buckets: COLD_START_BUCKETS, registers: r });
    this.replicaColdStartPhase = new Histogram({ name: 'pilotlight_replica_cold_start_phase_seconds', help: 'Replica cold start by phase, where the provider knows them (kubernetes: scheduling, image_and_start, loading).', labelNames: ['model', 'phase'], buckets: COLD_START_BUCKETS, registers: r });
    this.replicaStarts = new Counter({ name: 'pilotlight_replica_starts_total', help: 'Replica start attempts by outcome: ready, failed (exited, timed out or crashed before ready).', labelNames: ['model', 'outcome'], registers: r });
    this.scaleEvents = new Counter({ name: 'pilotlight_scale_events_total', help: 'Changes of the desired replica count, by direction (up/down) and policy reason.', labelNames: ['model', 'direction', 'reason'], registers: r });
    this.upstreamRetries = new Counter({ name: 'pilotlight_upstream_retries_total', help: 'Requests retried on another replica after a failure before response headers.', labelNames: ['model', 'reason'], registers: r });
    this.autoscalerTick = new Histogram({ name: 'pilotlight_autoscaler_decide_seconds', help: 'Time spent in one policy decision.', labelNames: ['policy'], buckets: [0.00001, 0.0001, 0.001, 0.01, 0.1], registers: r });

    const views = (): readonly ModelView[] => view.models();
    new Gauge({
      name: 'pilotlight_inflight_requests',
      help: 'Requests currently being served by a replica.',
      labelNames: ['model'],
      registers: r,
      collect() {
        for (const m of views()) this.set({ model: m.name }, m.inflight);
      },
    });
    new Gauge({
      name: 'pilotlight_queue_depth',
      help: 'Requests waiting in the admission queue.',
      labelNames: ['model'],
      registers: r,
      collect() {
        for (const m of views()) this.set({ model: m.name }, m.queued);
      },
    });
    new Gauge({
      name: 'pilotlight_replicas',
      help: 'Replicas by state: pending (no GPU yet), starting, ready, draining.',
      labelNames: ['model', 'state'],
      registers: r,
      collect() {
        for (const m of views()) for (const [state, n] of Object.entries(m.replicas)) this.set({ model: m.name, state }, n);
      },
    });
    new Gauge({
      name: 'pilotlight_desired_replicas',
      help: 'Replica count the autoscaler last asked for.',
      labelNames: ['model'],
      registers: r,
      collect() {
        for (const m of views()) if (m.desired !== undefined) this.set({ model: m.name }, m.desired);
      },
    });
    new Gauge({
      name: 'pilotlight_forecast_concurrency',
      help: 'Demand (in flight + queued) the scaling policy expects one warm-up lead ahead; present for policies that forecast (predictive).',
      labelNames: ['model'],
      registers: r,
      collect() {
        this.reset();
        for (const m of views()) if (m.forecast !== undefined) this.set({ model: m.name }, m.forecast);
      },
    });
    new Gauge({
      name: 'pilotlight_gpu_price_dollars_per_hour',
      help: 'Configured price of one GPU-hour for the model\'s GPUs.',
      labelNames: ['model'],
      registers: r,
      collect() {
        for (const m of views()) this.set({ model: m.name }, m.gpuPricePerHour);
      },
    });
    new Gauge({
      name: 'pilotlight_gpus_per_replica',
      help: 'GPUs one replica of the model holds.',
      labelNames: ['model'],
      registers: r,
      collect() {
        for (const m of views()) this.set({ model: m.name }, m.gpusPerReplica);
      },
    });
    // Counters whose value is read from the accounting at scrape time.
    new Counter({
      name: 'pilotlight_replica_idle_seconds_total',
      help: 'Replica-seconds spent ready with nothing in flight.',
      labelNames: ['model'],
      registers: r,
      collect() {
        this.reset();
        for (const m of views()) this.inc({ model: m.name }, accounting.replicaSeconds(m.name).idle);
      },
    });
    new Counter({
      name: 'pilotlight_gpu_seconds_total',
      help: 'GPU-seconds held, by replica state: starting, busy, idle, draining.',
      labelNames: ['model', 'state'],
      registers: r,
      collect() {
        this.reset();
        for (const m of views()) {
          const secs = accounting.replicaSeconds(m.name);
          for (const s of ACCOUNTING_STATES) this.inc({ model: m.name, state: s }, secs[s] * m.gpusPerReplica);
        }
      },
    });
  }

  /** A replica's cold-start phases (seconds), once, when it becomes ready. Not on the request path. */
  observeColdStartPhases(model: string, phases: Readonly<Record<string, number>>): void {
    for (const [phase, seconds] of Object.entries(phases)) this.replicaColdStartPhase.observe({ model, phase }, seconds);
  }
}
