import { describe, expect, it } from 'vitest';
import { ModelsimMetrics, build125Buckets } from '../../../src/modelsim/metrics.js';
import { getProfile } from '../../../src/modelsim/profiles.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('vLLM metrics', () => {
  it("builds vLLM's 1-2-5 buckets", () => {
    expect(build125Buckets(100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(build125Buckets(4096).at(-1)).toBe(2000);
  });

  it('exposes every series at zero before any request, with model_name and engine labels', async () => {
    const m = new ModelsimMetrics({ modelName: 'm', profile: getProfile('tiny'), engine: () => undefined });
    const text = await m.text();
    const l = '{model_name="m",engine="0"}';
    for (const name of ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:kv_cache_usage_perc', 'vllm:prompt_tokens_total', 'vllm:generation_tokens_total', 'vllm:num_preemptions_total', 'vllm:time_to_first_token_seconds_count', 'vllm:inter_token_latency_seconds_count', 'vllm:e2e_request_latency_seconds_count', 'vllm:request_queue_time_seconds_count']) {
      expect(sample(text, `${name}${l}`), name).toBe(0);
    }
    for (const r of ['stop', 'length', 'abort', 'error', 'repetition']) expect(sample(text, `vllm:request_success_total{model_name="m",engine="0",finished_reason="${r}"}`)).toBe(0);
    expect(text).toContain('# TYPE vllm:time_to_first_token_seconds histogram');
    expect(text).toContain('vllm:time_to_first_token_seconds_bucket{le="2560",model_name="m",engine="0"} 0');
    expect(text).toContain('vllm:inter_token_latency_seconds_bucket{le="80",model_name="m",engine="0"} 0');
  });

  it('moves with engine events', async () => {
    const m = new ModelsimMetrics({ modelName: 'm', profile: getProfile('tiny'), engine: () => undefined });
    m.onPromptProcessed(12);
    m.onFirstToken(250);
    m.onInterToken(20);
    m.onIteration(13, 2);
    m.onFinished({ reason: 'length', promptTokens: 12, completionTokens: 2, maxTokensParam: 2, queueMs: 100, prefillMs: 150, decodeMs: 20, inferenceMs: 170, e2eMs: 270 });
    const text = await m.text();
    const l = '{model_name="m",engine="0"}';
    expect(sample(text, `vllm:prompt_tokens_total${l}`)).toBe(12);
    expect(sample(text, `vllm:generation_tokens_total${l}`)).toBe(2);
    expect(sample(text, `vllm:num_preemptions_total${l}`)).toBe(2);
    expect(sample(text, `vllm:time_to_first_token_seconds_sum${l}`)).toBe(0.25);
    expect(sample(text, `vllm:inter_token_latency_seconds_sum${l}`)).toBe(0.02);
    expect(sample(text, `vllm:request_queue_time_seconds_sum${l}`)).toBe(0.1);
    expect(sample(text, `vllm:e2e_request_latency_seconds_sum${l}`)).toBe(0.27);
    expect(sample(text, `vllm:request_success_total{model_name="m",engine="0",finished_reason="length"}`)).toBe(1);
    expect(sample(text, `vllm:request_params_max_tokens_sum${l}`)).toBe(2);
  });
});
