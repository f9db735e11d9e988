/**
 * Scale from zero and back, end to end: the real gateway starts modelsim
 * replicas as child processes ("pilotlight modelsim ..."), holds requests
 * while they cold-start, and stops them after the scale-down window.
 */
import OpenAI from 'openai';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { adminModel, eventually, metric, modelsimCommand, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

function gpuSeconds(text: string, model: string): number {
  return ['starting', 'busy', 'idle', 'draining'].reduce((s, state) => s + (metric(text, 'pilotlight_gpu_seconds_total', { model, state }) ?? 0), 0);
}

describe('scale from zero', () => {
  it('cold-starts a replica for the first request, reports it, and scales back to zero', async () => {
    gw = await startTestGateway(`
gpus: { pricePerHour: 2.5 }
models:
  - name: llama
    gpusPerReplica: 4
    provider:
      type: local
      command: ${modelsimCommand('--startup-delay 1s')}
      probeInterval: 100ms
    scaling: { maxReplicas: 2, scaledownWindow: 2s, stableWindow: 10s, panicWindow: 1s }
`);
    expect((await adminModel(gw, 'llama')).replicas).toEqual({ pending: 0, starting: 0, ready: 0, draining: 0 });

    const res = await request(`${gw.v1}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8 }),
    });
    const body = (await res.body.json()) as { usage: { completion_tokens: number } };
    expect(res.statusCode).toBe(200);
    expect(body.usage.completion_tokens).toBe(8);
    expect(res.headers['x-pilotlight-cold-start']).toBe('true');
    const waited = Number(res.headers['x-pilotlight-queue-wait-ms']);
    expect(waited).toBeGreaterThan(0);

    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_cold_start_requests_total', { model: 'llama' })).toBe(1);
    expect(metric(text, 'pilotlight_cold_start_wait_seconds_count', { model: 'llama' })).toBe(1);
    expect(metric(text, 'pilotlight_cold_start_wait_seconds_sum', { model: 'llama' })).toBeCloseTo(waited / 1000, 2);
    expect(metric(text, 'pilotlight_replica_cold_start_seconds_count', { model: 'llama' })).toBe(1);
    expect(metric(text, 'pilotlight_replica_starts_total', { model: 'llama', outcome: 'ready' })).toBe(1);
    expect(metric(text, 'pilotlight_replicas', { model: 'llama', state: 'ready' })).toBe(1);
    expect(metric(text, 'pilotlight_desired_replicas', { model: 'llama' })).toBe(1);
    expect(metric(text, 'pilotlight_scale_events_total', { model: 'llama', direction: 'up', reason: 'load' })).toBe(1);
    expect(metric(text, 'pilotlight_gpu_price_dollars_per_hour', { model: 'llama' })).toBe(2.5);
    expect(metric(text, 'pilotlight_gpu_seconds_total', { model: 'llama', state: 'starting' })).toBeGreaterThan(0);

    // Back to zero after the 2 s scale-down window; then GPU-seconds stop growing.
    await eventually(async () => {
      const m = await adminModel(gw!, 'llama');
      return m.replicaList.length === 0 && m.desired === 0;
    }, 'scale to zero', 20_000);
    const t1 = await scrape(gw);
    expect(metric(t1, 'pilotlight_scale_events_total', { model: 'llama', direction: 'down', reason: 'idle' })).toBe(1);
    expect(metric(t1, 'pilotlight_replica_idle_seconds_total', { model: 'llama' })).toBeGreaterThan(0);
    const g1 = gpuSeconds(t1, 'llama');
    await new Promise((r) => setTimeout(r, 500));
    expect(gpuSeconds(await scrape(gw), 'llama')).toBe(g1);
    // idle GPU-seconds = idle replica-seconds x 4 GPUs
    expect(metric(t1, 'pilotlight_gpu_seconds_total', { model: 'llama', state: 'idle' })).toBeCloseTo(4 * metric(t1, 'pilotlight_replica_idle_seconds_total', { model: 'llama' })!, 6);
  });

  it('serves 200 concurrent requests sent at zero, spread over the replicas the burst started', async () => {
    gw = await startTestGateway(`
models:
  - name: burst
    provider:
      type: local
      command: ${modelsimCommand('--startup-delay 1s')}
      probeInterval: 100ms
    scaling: { maxReplicas: 4, targetConcurrency: 8, maxConcurrencyPerReplica: 16, scaledownWindow: 30s }
    queue: { maxPending: 500, timeout: 2m }
`);
    const client = new OpenAI({ baseURL: gw.v1, apiKey: 'x', maxRetries: 0 });
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { data, response } = await client.chat.completions
          .create({ model: 'burst', messages: [{ role: 'user', content: `request ${i}` }], max_tokens: 150 })
          .withResponse();
        return { tokens: data.usage?.completion_tokens, replica: response.headers.get('x-pilotlight-replica'), cold: response.headers.get('x-pilotlight-cold-start') };
      }),
    );
    expect(results.every((r) => r.tokens === 150)).toBe(true);
    const perReplica = new Map<string, number>();
    for (const r of results) perReplica.set(String(r.replica), (perReplica.get(String(r.replica)) ?? 0) + 1);
    const text = await scrape(gw);
    const started = metric(text, 'pilotlight_replica_starts_total', { model: 'burst', outcome: 'ready' });
    expect(started).toBe(4); // the burst drove the model to maxReplicas
    expect(perReplica.size).toBe(4); // and every replica it started served part of it
    for (const n of perReplica.values()) expect(n).toBeGreaterThan(0);
    expect(results.filter((r) => r.cold === 'true').length).toBeGreaterThan(0);
    expect(metric(text, 'pilotlight_requests_total', { model: 'burst', code: '200' })).toBe(200);
  });
});
