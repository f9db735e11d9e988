/**
 * modelsim in-process over real HTTP on 127.0.0.1:0. Timing is never
 * asserted; loading is driven by a ManualClock where the order matters.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { contentOf, fetchErrorCode, metricValue, postJson, readSse } from '../unit/modelsim/http-helpers.js';

const L = '{model_name="tiny",engine="0"}';
const chatBody = (extra: object = {}) => ({ model: 'tiny', messages: [{ role: 'user', content: 'Say something.' }], ...extra });

describe('start-up', () => {
  it("answers /health 503 while loading ('503' mode), then 200", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const sim = await startModelsim({ profile: 'tiny', port: 0, clock, whileLoading: '503', startupDelayMs: 5000 });
    try {
      expect((await fetch(`${sim.url}/health`)).status).toBe(503);
      const api = await postJson(`${sim.url}/v1/chat/completions`, chatBody());
      expect(api.status).toBe(503);
      expect(((await api.json()) as { error: { code: number } }).error.code).toBe(503);
      expect(sim.state()).toBe('loading');
      clock.advance(5000);
      await sim.ready;
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("refuses connections while loading ('refuse' mode, like vLLM), then serves", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const sim = await startModelsim({ profile: 'tiny', port: 0, clock, startupDelayMs: 5000, whileLoading: 'refuse' });
    try {
      expect(await fetchErrorCode(`${sim.url}/health`)).toBe('ECONNREFUSED');
      clock.advance(5000);
      await sim.ready;
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('rejects ready with vLLM\'s fatal error on --fail-startup', async () => {
    const sim = await startModelsim({ profile: 'tiny', port: 0, startupDelayMs: 0, failStartup: true, whileLoading: 'refuse' });
    await expect(sim.ready).rejects.toThrow(/EngineCore failed to start[\s\S]*CUDA out of memory/);
    expect(sim.state()).toBe('failed');
    expect(await fetchErrorCode(`${sim.url}/health`)).toBe('ECONNREFUSED');
    await sim.close();
  });
});

describe('stream timing over HTTP', () => {
  it('sends the headers at once and the first data (role chunk) only with the first token, as vLLM', async () => {
    // On a ManualClock the engine runs no step until the clock moves: no token exists yet.
    const clock = new ManualClock(1_700_000_000_000);
    const sim = await startModelsim({ profile: 'tiny', port: 0, clock, startupDelayMs: 0 });
    try {
      clock.advance(0);
      await sim.ready;
      const res = await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 2, stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const reader = res.body!.getReader();
      let arrived = false;
      const first = reader.read().then((r) => ((arrived = true), r));
      // A round trip through the same server: bytes written along with the headers would have arrived by now.
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
      expect(arrived).toBe(false);
      clock.advance(1000);
      const text = new TextDecoder().decode((await first).value);
      expect(text).toMatch(/^data: \{[^\n]*"delta":\{"role":"assistant","content":""\}[^\n]*\n\ndata: \{[^\n]*"delta":\{"content":"[^"]+"\}/);
      while (!(await reader.read()).done);
    } finally {
      const closing = sim.close();
      clock.advance(10_000); // its drain wait runs on the ManualClock too
      await closing;
    }
  });
});

describe('the OpenAI API', () => {
  let sim: ModelsimHandle;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startModelsim({ profile: 'tiny', port: 0, startupDelayMs: 0, seed: 1, maxNumSeqs: 256, kvCacheTokens: 200_000 });
    await sim.ready;
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('answers a chat completion with usage', async () => {
    const res = await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 5 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; model: string; choices: Array<{ message: { role: string; content: string }; finish_reason: string }>; usage: Record<string, number> };
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('tiny');
    expect(body.choices[0]?.message.role).toBe('assistant');
    expect(body.choices[0]?.message.content.split(' ')).toHaveLength(5);
    expect(body.choices[0]?.finish_reason).toBe('length');
    expect(body.usage).toEqual({ prompt_tokens: 1 + 4 + 4 + 4, completion_tokens: 5, total_tokens: 18, prompt_tokens_details: null });
  });

  it('streams a chat completion: role chunk, one chunk per token, usage, [DONE]', async () => {
    const res = await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 4, stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { events, cut } = await readSse(res);
    expect(cut).toBe(false);
    expect(events).toHaveLength(1 + 4 + 1 + 1);
    const chunks = events.slice(0, 5) as Array<{ object: string; choices: Array<{ delta: object; finish_reason: string | null }> }>;
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, null, 'length']);
    expect(events[5]).toMatchObject({ choices: [], usage: { prompt_tokens: 13, completion_tokens: 4, total_tokens: 17 } });
    expect(events[6]).toBe('[DONE]');
    expect(contentOf(events).split(' ')).toHaveLength(4);
  });

  it('answers and streams text completions, 16 tokens by default', async () => {
    const res = await postJson(`${sim.url}/v1/completions`, { prompt: 'Once upon a time' });
    const body = (await res.json()) as { object: string; choices: Array<{ text: string; finish_reason: string }>; usage: { completion_tokens: number; prompt_tokens: number } };
    expect(body.object).toBe('text_completion');
    expect(body.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 16 });
    expect(body.choices[0]?.text.split(' ')).toHaveLength(16);
    const stream = await readSse(await postJson(`${sim.url}/v1/completions`, { prompt: 'Once', max_tokens: 3, stream: true }));
    expect(stream.events.map((e) => (e === '[DONE]' ? e : (e.choices as Array<{ finish_reason: string | null }>)[0]?.finish_reason))).toEqual([null, null, 'length', '[DONE]']);
  });

  it('ends with finish_reason "stop" when no max_tokens is given', async () => {
    const body = (await (await postJson(`${sim.url}/v1/chat/completions`, chatBody())).json()) as { choices: Array<{ finish_reason: string }>; usage: { completion_tokens: number } };
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chunk by chunk to the official openai client', async () => {
    const stream = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 7, stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    const reasons: Array<string | null> = [];
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      reasons.push(choice.finish_reason);
      if (choice.delta.content) deltas.push(choice.delta.content);
    }
    expect(deltas).toHaveLength(7);
    expect(reasons.at(-1)).toBe('length');
    expect(usage?.completion_tokens).toBe(7);
  });

  it('gives the openai client a NotFoundError for an unknown model', async () => {
    const err = await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.status).toBe(404);
    expect(e.error).toEqual({ message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 });
  });

  it('answers 400 for malformed JSON, a missing field and an overlong max_tokens', async () => {
    const bad = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages": [' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('Bad Request');
    const missing = (await (await postJson(`${sim.url}/v1/chat/completions`, { model: 'tiny' })).json()) as { error: { message: string } };
    expect(missing.error.message).toContain("'loc': ('body', 'messages'), 'msg': 'Field required'");
    const long = await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 5000 }));
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: object }).error).toMatchObject({ type: 'BadRequestError', param: 'max_tokens', code: 400 });
  });

  it('answers embeddings deterministically, as floats and base64', async () => {
    const a = await client.embeddings.create({ model: 'tiny', input: ['hello', 'world'] });
    const b = await client.embeddings.create({ model: 'tiny', input: 'hello' });
    expect(a.data).toHaveLength(2);
    expect(a.data[0]?.embedding).toHaveLength(64);
    expect(b.data[0]?.embedding).toEqual(a.data[0]?.embedding);
    const floats = (await (await postJson(`${sim.url}/v1/embeddings`, { input: 'hello', encoding_format: 'float' })).json()) as { data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(floats.data[0]?.embedding.map((x) => Math.fround(x))).toEqual(a.data[0]?.embedding);
    expect(floats.usage.prompt_tokens).toBe(3);
  });

  it('lists the model and the version, and 404s unknown routes', async () => {
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as { object: string; data: Array<{ id: string; owned_by: string; max_model_len: number }> };
    expect(models.object).toBe('list');
    expect(models.data.map((m) => [m.id, m.owned_by, m.max_model_len])).toEqual([['tiny', 'vllm', 4096]]);
    expect(await (await fetch(`${sim.url}/version`)).json()).toEqual({ version: '0.12.0' });
    const missing = await fetch(`${sim.url}/v2/nothing`);
    expect([missing.status, await missing.json()]).toEqual([404, { detail: 'Not Found' }]);
    expect((await fetch(`${sim.url}/v1/chat/completions`)).status).toBe(405);
  });

  it("moves vLLM's metrics", async () => {
    const before = await (await fetch(`${sim.url}/metrics`)).text();
    await (await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 3 }))).json();
    const after = await (await fetch(`${sim.url}/metrics`)).text();
    const delta = (series: string) => (metricValue(after, series) ?? NaN) - (metricValue(before, series) ?? NaN);
    expect(delta(`vllm:request_success_total{model_name="tiny",engine="0",finished_reason="length"}`)).toBe(1);
    expect(delta(`vllm:prompt_tokens_total${L}`)).toBe(13);
    expect(delta(`vllm:generation_tokens_total${L}`)).toBe(3);
    expect(delta(`vllm:time_to_first_token_seconds_count${L}`)).toBe(1);
    expect(delta(`vllm:inter_token_latency_seconds_count${L}`)).toBe(2);
    expect(delta(`vllm:e2e_request_latency_seconds_count${L}`)).toBe(1);
    expect(delta(`vllm:request_queue_time_seconds_count${L}`)).toBe(1);
    expect(metricValue(after, `vllm:num_requests_running${L}`)).toBe(0);
    expect(metricValue(after, `vllm:kv_cache_usage_perc${L}`)).toBe(0);
  });

  it('serves 200 concurrent streams, each token exactly once', async () => {
    const streams = Array.from({ length: 200 }, () => postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 20, stream: true })).then((r) => readSse(r)));
    const results = await Promise.all(streams);
    expect(results.every((r) => !r.cut && r.events.at(-1) === '[DONE]')).toBe(true);
    expect(new Set(results.map((r) => r.events.length))).toEqual(new Set([1 + 20 + 1]));
  });

  it('aborts the request when the client goes away', async () => {
    const res = await postJson(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 3000, stream: true });
    const reader = res.body?.getReader();
    await reader?.read();
    await reader?.cancel(); // closes the connection mid-stream
    const abortSeries = `vllm:request_success_total{model_name="tiny",engine="0",finished_reason="abort"}`;
    let aborted = 0;
    while (aborted < 1) aborted = metricValue(await (await fetch(`${sim.url}/metrics`)).text(), abortSeries) ?? 0;
    expect(aborted).toBe(1);
  });
});

describe('--api-key', () => {
  it('guards /v1 with a bearer token and leaves /health open', async () => {
    const sim = await startModelsim({ profile: 'tiny', port: 0, startupDelayMs: 0, apiKey: 'secret' });
    try {
      await sim.ready;
      const denied = await fetch(`${sim.url}/v1/models`);
      expect([denied.status, await denied.json()]).toEqual([401, { error: 'Unauthorized' }]);
      expect((await fetch(`${sim.url}/v1/models`, { headers: { authorization: 'Bearer secret' } })).status).toBe(200);
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('fault injection in-process', () => {
  it('--hang-after N: after N completed requests nothing answers, not even /health', async () => {
    const sim = await startModelsim({ profile: 'tiny', port: 0, startupDelayMs: 0, hangAfter: 1 });
    try {
      await sim.ready;
      expect((await postJson(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 2 })).status).toBe(200);
      expect(sim.state()).toBe('hung');
      expect(await fetchErrorCode(`${sim.url}/health`, { signal: AbortSignal.timeout(300) })).toBe('TimeoutError');
    } finally {
      await sim.close();
    }
  });

  it('--crash-after N: the next stream is cut mid-generation and the server is gone', async () => {
    const sim = await startModelsim({ profile: 'tiny', port: 0, startupDelayMs: 0, crashAfter: 1 });
    await sim.ready;
    expect((await postJson(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 2 })).status).toBe(200);
    const { events, cut } = await readSse(await postJson(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 500, stream: true })));
    expect(cut).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2); // role chunk and at least one token
    expect(events).not.toContain('[DONE]');
    expect(sim.state()).toBe('crashed');
    expect(await fetchErrorCode(`${sim.url}/health`)).toBe('ECONNREFUSED');
    await sim.close();
  });
});
