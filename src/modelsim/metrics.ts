/**
 * vLLM's Prometheus metrics, with vLLM's names, labels and buckets, on a
 * Registry of our own (never the global one: several simulators may share a
 * test process). Names and buckets were read from vLLM's v1 engine,
 * vllm/v1/metrics/loggers.py (PrometheusStatLogger); docs/modelsim.md lists
 * them. Every series carries model_name (the first served name) and
 * engine="0", as vLLM's make_per_engine() does.
 *
 * vLLM names counters without `_total` (prometheus_client appends it); we
 * give prom-client the exposed name, so the text output is the same.
 *
 * Gauges are read from the engine at scrape time (collect), so the hot path
 * only touches counters and histograms: O(1) per token.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine, EngineObserver, FinishedRequest } from './engine.js';
import type { Profile } from './profiles.js';

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
const ITERATION_TOKEN_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
const FINISH_REASONS = ['stop', 'length', 'abort', 'error', 'repetition'] as const;

/** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to max. */
export function build125Buckets(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

type Labels = 'model_name' | 'engine';

export interface MetricsOptions {
  modelName: string;
  profile: Profile;
  engine: () => Engine | undefined;
}

export class ModelsimMetrics implements EngineObserver {
  readonly registry = new Registry();
  private readonly labels: Record<Labels, string>;
  private readonly promptTokens;
  private readonly generationTokens;
  private readonly preemptions;
  private readonly prefixQueries;
  private readonly success;
  private readonly ttft;
  private readonly itl;
  private readonly iteration;
  private readonly perRequest: ReturnType<typeof requestHistograms>;

  constructor(o: MetricsOptions) {
    this.labels = { model_name: o.modelName, engine: '0' };
    const registers = [this.registry];
    const labelNames: Labels[] = ['model_name', 'engine'];
    // vLLM creates every series up front, so a fresh server exposes zeros rather than nothing.
    const counter = (name: string, help: string) => {
      const c = new Counter({ name, help, labelNames, registers }).labels(this.labels);
      c.inc(0);
      return c;
    };
    const hist = (name: string, help: string, buckets: number[]) => {
      const h = new Histogram({ name, help, labelNames, buckets, registers });
      h.zero(this.labels);
      return h.labels(this.labels);
    };
    this.gauges(o, labelNames);
    this.promptTokens = counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.');
    this.generationTokens = counter('vllm:generation_tokens_total', 'Number of generation tokens processed.');
    this.preemptions = counter('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine.');
    this.prefixQueries = counter('vllm:prefix_cache_queries_total', 'Prefix cache queries, in terms of number of queried tokens.');
    counter('vllm:prefix_cache_hits_total', 'Prefix cache hits, in terms of number of cached tokens.');
    const success = new Counter({ name: 'vllm:request_success_total', help: 'Count of successfully processed requests.', labelNames: [...labelNames, 'finished_reason'], registers });
    for (const r of FINISH_REASONS) success.labels({ ...this.labels, finished_reason: r }).inc(0);
    this.success = success;
    this.ttft = hist('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS);
    this.itl = hist('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS);
    this.iteration = hist('vllm:iteration_tokens_total', 'Histogram of number of tokens per engine_step.', ITERATION_TOKEN_BUCKETS);
    this.perRequest = requestHistograms(hist, build125Buckets(o.profile.maxModelLen));
  }

  /** Scheduler-state gauges, read from the engine when scraped. */
  private gauges(o: MetricsOptions, labelNames: Labels[]): void {
    const registers = [this.registry];
    const read = (pick: (s: ReturnType<Engine['stats']>) => number) =>
      function (this: Gauge<Labels>) {
        const stats = o.engine()?.stats() ?? { running: 0, waiting: 0, kvUsage: 0 };
        this.set(labels, pick(stats));
      };
    const labels = this.labels;
    new Gauge({ name: 'vllm:num_requests_running', help: 'Number of requests in model execution batches.', labelNames, registers, collect: read((s) => s.running) });
    new Gauge({ name: 'vllm:num_requests_waiting', help: 'Number of requests waiting to be processed.', labelNames, registers, collect: read((s) => s.waiting) });
    new Gauge({ name: 'vllm:kv_cache_usage_perc', help: 'KV-cache usage. 1 means 100 percent usage.', labelNames, registers, collect: read((s) => s.kvUsage) });
    const sleep = new Gauge({ name: 'vllm:engine_sleep_state', help: 'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.', labelNames: [...labelNames, 'sleep_state'], registers });
    for (const [state, v] of [['awake', 1], ['weights_offloaded', 0], ['discard_all', 0]] as const) sleep.set({ ...labels, sleep_state: state }, v);
    const p = o.profile;
    const info = { block_size: String(p.blockSize), cache_dtype: 'auto', enable_prefix_caching: 'True', gpu_memory_utilization: '0.9', num_gpu_blocks: String(Math.floor(p.kvCacheTokens / p.blockSize)), engine: '0' };
    new Gauge({ name: 'vllm:cache_config_info', help: 'Information of the LLMEngine CacheConfig', labelNames: Object.keys(info), registers }).set(info, 1);
  }

  onIteration(iterationTokens: number, preemptions: number): void {
    this.iteration.observe(iterationTokens);
    if (preemptions > 0) this.preemptions.inc(preemptions);
  }

  onPromptProcessed(promptTokens: number): void {
    this.promptTokens.inc(promptTokens);
    // No prefix caching is simulated: every prompt token is a query and a miss.
    this.prefixQueries.inc(promptTokens);
  }

  onFirstToken(ttftMs: number): void {
    this.generationTokens.inc();
    this.ttft.observe(ttftMs / 1000);
  }

  onInterToken(itlMs: number): void {
    this.generationTokens.inc();
    this.itl.observe(itlMs / 1000);
  }

  onFinished(r: FinishedRequest): void {
    this.success.inc({ ...this.labels, finished_reason: r.reason });
    const h = this.perRequest;
    h.e2e.observe(r.e2eMs / 1000);
    h.queue.observe(r.queueMs / 1000);
    h.prefill.observe(r.prefillMs / 1000);
    h.inference.observe(r.inferenceMs / 1000);
    h.decode.observe(r.decodeMs / 1000);
    h.promptTokens.observe(r.promptTokens);
    h.generationTokens.observe(r.completionTokens);
    h.maxGeneration.observe(r.maxTokensParam ?? r.completionTokens);
    h.n.observe(1);
    if (r.completionTokens > 1) h.tpot.observe(r.decodeMs / 1000 / (r.completionTokens - 1));
    if (r.maxTokensParam !== undefined) h.maxTokens.observe(r.maxTokensParam);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  contentType(): string {
    return this.registry.contentType;
  }
}

type HistogramFactory = (name: string, help: string, buckets: number[]) => ReturnType<Histogram<Labels>['labels']>;

/** The per-request histograms vLLM observes when a request finishes. */
function requestHistograms(hist: HistogramFactory, len: number[]) {
  return {
    promptTokens: hist('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', len),
    generationTokens: hist('vllm:request_generation_tokens', 'Number of generation tokens processed.', len),
    maxGeneration: hist('vllm:request_max_num_generation_tokens', 'Histogram of maximum number of requested generation tokens.', len),
    maxTokens: hist('vllm:request_params_max_tokens', 'Histogram of the max_tokens request parameter.', len),
    n: hist('vllm:request_params_n', 'Histogram of the n request parameter.', [1, 2, 5, 10, 20]),
    tpot: hist('vllm:request_time_per_output_token_seconds', 'Histogram of time_per_output_token_seconds per request.', ITL_BUCKETS),
    e2e: hist('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', REQUEST_LATENCY_BUCKETS),
    queue: hist('vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', REQUEST_LATENCY_BUCKETS),
    inference: hist('vllm:request_inference_time_seconds', 'Histogram of time spent in RUNNING phase for request.', REQUEST_LATENCY_BUCKETS),
    prefill: hist('vllm:request_prefill_time_seconds', 'Histogram of time spent in PREFILL phase for request.', REQUEST_LATENCY_BUCKETS),
    decode: hist('vllm:request_decode_time_seconds', 'Histogram of time spent in DECODE phase for request.', REQUEST_LATENCY_BUCKETS),
  };
}
