/**
 * The local-process provider under faults: start-up failure, GPU shortage,
 * a queue that fills or times out while a replica starts, a hung replica,
 * and draining on shutdown. Real child processes on loopback.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { adminModel, eventually, metric, modelsimCommand, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function chat(model: string, maxTokens = 4, stream = false) {
  const res = await request(`${gw!.v1}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: maxTokens, stream }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as { error: { code: string; message: string } } };
}

describe('local provider', () => {
  it('answers queued requests with 503 replica_start_failed and a Retry-After when the replica fails to start', async () => {
    gw = await startTestGateway(`
models:
  - name: broken
    provider: { type: local, command: ${modelsimCommand('--startup-delay 300ms --fail-startup')}, probeInterval: 100ms, expectedColdStart: 7s }
    scaling: { maxReplicas: 1 }
`);
    const r = await chat('broken');
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(r.headers['x-pilotlight-cold-start']).toBe('true');
    const e = r.json().error;
    expect(e.code).toBe('replica_start_failed');
    expect(e.message).toMatch(/replica failed to start: exited with code 1 during start-up/);
    expect(e.message).toMatch(/CUDA out of memory|out of memory|No available memory/i);
    expect(metric(await scrape(gw), 'pilotlight_replica_starts_total', { model: 'broken', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    // The gateway keeps serving, and says what is going on.
    const models = await fetch(`${gw.v1}/models`);
    expect(models.status).toBe(200);
    await eventually(async () => (await adminModel(gw!, 'broken')).replicaList.some((x) => x.state === 'pending' && /restarting after/.test(x.reason ?? '')), 'backoff is visible');
  });

  it('waits for a replica that refuses connections while loading (vLLM\'s own behaviour) as for one that answers 503', async () => {
    gw = await startTestGateway(`
models:
  - name: refusing
    provider: { type: local, command: ${modelsimCommand('--startup-delay 1s --while-loading refuse')}, probeInterval: 100ms }
`);
    const r = await chat('refusing', 3);
    expect(r.status).toBe(200);
    expect(r.headers['x-pilotlight-cold-start']).toBe('true');
  });

  it('says a request retried onto a replacement replica waited for a cold start', async () => {
    gw = await startTestGateway(`
models:
  - name: crashy
    provider: { type: local, command: ${modelsimCommand('--startup-delay 300ms --crash-after 1')}, probeInterval: 100ms }
    scaling: { maxReplicas: 1 }
    routing: { retries: 2 }
`);
    const first = await chat('crashy', 2);
    expect(first.status).toBe(200);
    expect(first.headers['x-pilotlight-cold-start']).toBe('true');
    // The only replica dies on this one before answering; the retry waits for its replacement to start.
    const second = await chat('crashy', 2);
    expect(second.status).toBe(200);
    expect(second.headers['x-pilotlight-cold-start']).toBe('true');
    expect(Number(second.headers['x-pilotlight-queue-wait-ms'])).toBeGreaterThan(0);
    expect(second.headers['x-pilotlight-replica']).not.toBe(first.headers['x-pilotlight-replica']);
  });

  it('keeps a replica pending, saying why, when no GPUs are free, and hands out CUDA_VISIBLE_DEVICES', async () => {
    gw = await startTestGateway(`
gpus: { devices: [0, 1] }
models:
  - name: m
    gpusPerReplica: 1
    provider: { type: local, command: ${modelsimCommand('--startup-delay 0s')}, probeInterval: 100ms }
    scaling: { minReplicas: 3, maxReplicas: 3 }
`);
    const m = await eventually(async () => {
      const x = await adminModel(gw!, 'm');
      return x.replicas.ready === 2 && x.replicas.pending === 1 ? x : undefined;
    }, 'two ready, one pending');
    const pending = m.replicaList.find((r) => r.state === 'pending');
    expect(pending?.reason).toMatch(/^waiting for GPUs: needs 1 GPU, 0 of 2 free \(held by m-\d, m-\d\)$/);
    expect(m.replicaList.filter((r) => r.state === 'ready').map((r) => r.gpus?.join(',')).sort()).toEqual(['0', '1']);
  });

  it('rejects with queue_full past maxPending and queue_timeout past the queue timeout, both with Retry-After', async () => {
    gw = await startTestGateway(`
models:
  - name: slow
    provider: { type: local, command: ${modelsimCommand('--startup-delay 20s')}, probeInterval: 100ms, expectedColdStart: 20s }
    queue: { maxPending: 1, timeout: 1500ms }
`);
    const first = chat('slow');
    await eventually(async () => (await adminModel(gw!, 'slow')).queued === 1, 'first request queued');
    const second = await chat('slow');
    expect(second.status).toBe(503);
    expect(second.json().error.code).toBe('queue_full');
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(10); // ~20 s cold start, barely begun
    const r1 = await first;
    expect(r1.status).toBe(503);
    expect(r1.json().error.code).toBe('queue_timeout');
    expect(Number(r1.headers['retry-after'])).toBeGreaterThan(10);
    expect(r1.headers['x-pilotlight-cold-start']).toBe('true');
    expect(Number(r1.headers['x-pilotlight-queue-wait-ms'])).toBeGreaterThanOrEqual(1500);
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_errors_total', { model: 'slow', code: 'queue_full' })).toBe(1);
    expect(metric(text, 'pilotlight_errors_total', { model: 'slow', code: 'queue_timeout' })).toBe(1);
  });

  it('replaces a replica that hangs (fails its liveness probes) and keeps serving', async () => {
    gw = await startTestGateway(`
models:
  - name: hangs
    provider:
      type: local
      command: ${modelsimCommand('--startup-delay 0s --hang-after 2')}
      probeInterval: 100ms
      probeTimeout: 200ms
      livenessFailures: 2
    scaling: { minReplicas: 1, maxReplicas: 1 }
    routing: { upstreamTimeout: 5s }
`);
    await eventually(async () => (await adminModel(gw!, 'hangs')).replicas.ready === 1, 'first replica ready');
    const first = (await adminModel(gw, 'hangs')).replicaList[0]?.id;
    expect((await chat('hangs')).status).toBe(200);
    expect((await chat('hangs')).status).toBe(200);
    // The replica now hangs: probes time out, it is killed and replaced.
    await eventually(async () => {
      const m = await adminModel(gw!, 'hangs');
      return m.replicas.ready === 1 && m.replicaList[0]?.id !== first;
    }, 'a replacement replica', 30_000);
    expect((await chat('hangs')).status).toBe(200);
  });

  it('drains on shutdown: an in-flight stream finishes before its replica stops', async () => {
    gw = await startTestGateway(`
models:
  - name: d
    provider: { type: local, command: ${modelsimCommand('--startup-delay 0s --time-scale 20')}, probeInterval: 100ms, drainTimeout: 30s }
    scaling: { minReplicas: 1, maxReplicas: 1 }
`);
    await eventually(async () => (await adminModel(gw!, 'd')).replicas.ready === 1, 'replica ready');
    const res = await request(`${gw.v1}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'd', messages: [{ role: 'user', content: 'hi' }], max_tokens: 30, stream: true }),
    });
    const reading = res.body.text();
    const closing = gw.close();
    const text = await reading;
    await closing;
    gw = undefined;
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(text.split('\n\n').filter((e) => e.startsWith('data: {')).length).toBeGreaterThanOrEqual(30);
  });
});
