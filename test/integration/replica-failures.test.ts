/**
 * A replica dying under the gateway: before response headers the request is
 * retried on another replica; after them an SSE stream ends with an error
 * event the openai client raises. Nothing is lost silently.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { adminModel, eventually, metric, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sims: ModelsimHandle[] = [];
let gw: TestGateway | undefined;

afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await Promise.all(sims.splice(0).map((s) => s.close().catch(() => undefined)));
});

async function sim(opts: Parameters<typeof startModelsim>[0]): Promise<ModelsimHandle> {
  const s = await startModelsim({ port: 0, profile: 'tiny', servedModelNames: ['m'], startupDelayMs: 0, ...opts });
  sims.push(s);
  await s.ready;
  return s;
}

async function gateway(urls: string[]): Promise<TestGateway> {
  gw = await startTestGateway(`
models:
  - name: m
    provider: { type: static, endpoints: ${JSON.stringify(urls)}, probeInterval: 100ms }
    scaling: { targetConcurrency: 4 }
    routing: { retries: 2 }
`);
  await eventually(async () => (await adminModel(gw!, 'm')).replicas.ready === urls.length, 'replicas ready');
  return gw;
}

describe('replica failures', () => {
  it('retries on another replica when one dies before answering', async () => {
    const crashy = await sim({ crashAfter: 1, timeScale: 1 });
    const good = await sim({ timeScale: 1 });
    const g = await gateway([crashy.url, good.url]);
    const client = new OpenAI({ baseURL: g.v1, apiKey: 'x', maxRetries: 0 });
    for (let i = 0; i < 6; i++) {
      const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${i}` }], max_tokens: 4 });
      expect(r.usage?.completion_tokens).toBe(4);
    }
    const text = await scrape(g);
    expect(metric(text, 'pilotlight_requests_total', { model: 'm', code: '200' })).toBe(6);
    const retries = text.split('\n').filter((l) => l.startsWith('pilotlight_upstream_retries_total{'));
    expect(retries.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0)).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await adminModel(g, 'm')).replicas.ready === 1, 'the dead replica leaves the routable set');
  });

  it('ends a stream with a final SSE error event when the replica dies mid-stream', async () => {
    const crashy = await sim({ crashAfter: 0, timeScale: 5 });
    const g = await gateway([crashy.url]);
    const client = new OpenAI({ baseURL: g.v1, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 200, stream: true });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/failed mid-response/);
    expect(got.length).toBeGreaterThan(0); // it had started
    expect(metric(await scrape(g), 'pilotlight_errors_total', { model: 'm', code: 'upstream_stream_error' })).toBe(1);
  });

  it('answers 502 upstream_unavailable when every replica is gone and retries run out', async () => {
    const crashy = await sim({ crashAfter: 0, timeScale: 1 });
    const g = await gateway([crashy.url]);
    const r = await fetch(`${g.v1}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    // The only replica dies during the request; the retry finds none ready: the queue answers once it times out,
    // or the static replica is declared failed first. Either way a precise error, never a hang.
    expect([502, 503]).toContain(r.status);
    const body = (await r.json()) as { error: { code: string } };
    expect(['upstream_unavailable', 'replica_start_failed', 'queue_timeout']).toContain(body.error.code);
  });
});
