/**
 * The data plane over fixed replicas: real gateway, real modelsim servers on
 * loopback, the official openai client.
 */
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { adminModel, eventually, metric, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let a: ModelsimHandle;
let b: ModelsimHandle;
let slow: ModelsimHandle;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  a = await startModelsim({ port: 0, profile: 'tiny', servedModelNames: ['served-tiny'], timeScale: 0.2, startupDelayMs: 0 });
  b = await startModelsim({ port: 0, profile: 'tiny', servedModelNames: ['served-tiny'], timeScale: 0.2, startupDelayMs: 0 });
  // 10x slower than tiny: a token every ~20 ms, so each SSE event leaves the replica on its own.
  slow = await startModelsim({ port: 0, profile: 'tiny', servedModelNames: ['slow'], timeScale: 10, startupDelayMs: 0 });
  await Promise.all([a.ready, b.ready, slow.ready]);
  gw = await startTestGateway(`
server: { maxBodySize: 64KiB }
models:
  - name: tiny
    aliases: [tiny-alias]
    servedModelName: served-tiny
    provider: { type: static, endpoints: ["${a.url}", "${b.url}"], probeInterval: 200ms }
    scaling: { targetConcurrency: 4, maxConcurrencyPerReplica: 8 }
  - name: slow
    provider: { type: static, endpoints: ["${slow.url}"], probeInterval: 200ms }
`);
  await eventually(async () => (await adminModel(gw, 'tiny')).replicas.ready === 2, 'both static replicas ready');
  await eventually(async () => (await adminModel(gw, 'slow')).replicas.ready === 1, 'slow replica ready');
  client = new OpenAI({ baseURL: gw.v1, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([a?.close(), b?.close(), slow?.close()]);
});

describe('OpenAI API through the gateway', () => {
  it('serves a chat completion with usage, under the alias, rewriting the model for the replica', async () => {
    const r = await client.chat.completions.create({ model: 'tiny-alias', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 5 });
    expect(r.model).toBe('served-tiny');
    expect(r.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(r.usage?.completion_tokens).toBe(5);
    expect(r.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams a chat completion chunk by chunk through the openai client', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Count to ten' }],
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta.content;
      if (d) deltas.push(d);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.length).toBe(12); // one event per token, none merged or lost
    expect(usage?.completion_tokens).toBe(12);
  });

  it('passes SSE events through one by one as they are produced', async () => {
    const res = await request(`${gw.v1}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', prompt: 'x', max_tokens: 20, stream: true }),
    });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-pilotlight-cold-start']).toBe('false');
    let reads = 0;
    let text = '';
    for await (const chunk of res.body) {
      reads++;
      text += chunk.toString();
    }
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.length).toBe(21);
    // The replica spaces tokens ~20 ms apart, so a pass-through delivers each in
    // its own read; a buffering proxy would deliver a few large reads.
    expect(reads).toBeGreaterThanOrEqual(18);
  });

  it('serves completions and embeddings', async () => {
    const c = await client.completions.create({ model: 'tiny', prompt: 'Once upon', max_tokens: 3 });
    expect(c.usage?.completion_tokens).toBe(3);
    const e = await client.embeddings.create({ model: 'tiny', input: ['a', 'b'] });
    expect(e.data.length).toBe(2);
    expect(e.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('lists every configured model and alias', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(['tiny', 'tiny-alias', 'slow']);
    const one = await client.models.retrieve('tiny-alias');
    expect(one.id).toBe('tiny-alias');
  });

  it('spreads requests over both replicas', async () => {
    const ids = new Set<string>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const r = await request(`${gw.v1}/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
        });
        ids.add(String(r.headers['x-pilotlight-replica']));
        await r.body.dump();
      }),
    );
    expect(ids.size).toBe(2);
  });
});

describe('bad input gets a precise OpenAI-style error, and the gateway keeps serving', () => {
  async function post(path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const r = await request(`${gw.apiUrl}${path}`, { method: 'POST', headers, body });
    return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as { error: Record<string, unknown> } };
  }

  it('malformed JSON -> 400 invalid_json', async () => {
    const r = await post('/v1/chat/completions', '{"model": "tiny", "messages": [');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(String(r.body.error.message)).toMatch(/^request body is not valid JSON/);
    // Every response says whether it waited for a cold start, errors included.
    expect(r.headers['x-pilotlight-cold-start']).toBe('false');
    expect(r.headers['x-pilotlight-queue-wait-ms']).toBe('0');
  });

  it('unknown model -> 404 model_not_found, parsed by the openai client', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-17', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.status).toBe(404);
    expect(e.code).toBe('model_not_found');
    expect(e.param).toBe('model');
    expect(e.message).toContain('The model `gpt-17` does not exist.');
  });

  it('oversized body -> 413 body_too_large', async () => {
    const big = JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
    const r = await post('/v1/chat/completions', big);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'body_too_large', type: 'invalid_request_error' });
    expect(String(r.body.error.message)).toContain('65536 bytes');
    expect(r.headers['x-pilotlight-cold-start']).toBe('false');
  });

  it('missing model, non-object body, unknown route', async () => {
    expect((await post('/v1/chat/completions', '{"messages": []}')).body.error).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect((await post('/v1/chat/completions', '[1,2]')).body.error.code).toBe('invalid_request');
    expect((await post('/v1/chat/completions', '')).body.error.code).toBe('invalid_json');
    const r = await post('/v1/images/generations', '{}');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('route_not_found');
    expect(r.headers['x-pilotlight-cold-start']).toBe('false');
    const unknown = await post('/v1/chat/completions', '{"model": "gpt-17", "messages": []}');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-pilotlight-cold-start']).toBe('false');
  });

  it('reads JSON sent without a content type (curl -d)', async () => {
    const r = await post('/v1/completions', JSON.stringify({ model: 'tiny', prompt: 'a', max_tokens: 2 }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(200);
  });

  it('passes the model server’s own errors through untouched', async () => {
    const r = await post('/v1/chat/completions', JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 999_999 }));
    expect(r.status).toBe(400);
    // vLLM's shape and wording, not ours
    expect(r.body.error.type).toBe('BadRequestError');
  });

  it('is still serving, and counted every answer', async () => {
    const r = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'still there?' }], max_tokens: 2 });
    expect(r.choices.length).toBe(1);
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_errors_total', { code: 'invalid_json' })).toBeGreaterThanOrEqual(2);
    expect(metric(text, 'pilotlight_errors_total', { code: 'body_too_large' })).toBe(1);
    expect(metric(text, 'pilotlight_requests_total', { model: 'tiny', code: '200' })).toBeGreaterThanOrEqual(5);
  });
});

describe('client disconnects', () => {
  it('aborts the upstream request when the client goes away mid-stream', async () => {
    const ac = new AbortController();
    const res = await request(`${gw.v1}/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tiny', prompt: 'x', max_tokens: 4000, stream: true }),
      signal: ac.signal,
    });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await eventually(async () => (await adminModel(gw, 'tiny')).inflight === 0, 'gateway in-flight back to 0');
    await eventually(() => a.stats().running + b.stats().running === 0, 'replicas stopped generating');
    expect(metric(await scrape(gw), 'pilotlight_requests_total', { model: 'tiny', code: '499' })).toBe(1);
  });
});
