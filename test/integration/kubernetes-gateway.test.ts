/**
 * End to end: the real gateway with a `provider: {type: kubernetes}` model,
 * against the fake API server, whose "pods" are in-process modelsim servers
 * on 127.0.0.N. A request at zero replicas makes the gateway scale the
 * Deployment to 1 through the scale subresource, wait for the pod to become
 * Ready (and answer its health GET), and serve the request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { adminModel, metric, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/ports.js';

let gw: TestGateway | undefined;
let fake: FakeKube | undefined;
let dir: string | undefined;
const sims: ModelsimHandle[] = [];
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await Promise.all(sims.splice(0).map((s) => s.close()));
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});


describe('kubernetes provider end to end', () => {
  it('scales a Deployment from 0 to 1 for a request, waits for the pod to be Ready, and serves it', async () => {
    const port = await freePort();
    fake = await FakeKube.start();
    dir = mkdtempSync(join(tmpdir(), 'pilotlight-kube-e2e-'));
    const kubeconfig = fake.writeKubeconfig(dir, 'inference');
    fake.addWorkload({ name: 'vllm-llama', namespace: 'inference', replicas: 0, port, labels: { app: 'vllm', model: 'llama' } });
    // The "kubelet": each new pod is scheduled, its container (a modelsim) starts on the pod's IP,
    // and the pod turns Ready once the model server answers /health.
    let nextIp = 80;
    fake.controller.onPodCreated = (pod) => {
      const name = pod.metadata.name;
      const ip = `127.0.0.${nextIp++}`;
      void (async () => {
        fake!.controller.schedule(name, Date.now(), 'inference');
        const sim = await startModelsim({ host: ip, port, profile: 'tiny', servedModelNames: ['llama'], startupDelayMs: 300 });
        sims.push(sim);
        fake!.controller.startContainers(name, ip, Date.now(), 'inference');
        await sim.ready;
        fake!.controller.makeReady(name, Date.now(), 'inference');
      })();
    };

    gw = await startTestGateway(`
models:
  - name: llama
    provider:
      type: kubernetes
      name: vllm-llama
      port: ${port}
      kubeconfig: ${JSON.stringify(kubeconfig)}
      expectedColdStart: 5s
    scaling: { maxReplicas: 2, scaledownWindow: 5m }
`);
    const client = new OpenAI({ baseURL: gw.v1, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'llama', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 6 })
      .withResponse();
    expect(data.usage?.completion_tokens).toBe(6);
    expect(response.headers.get('x-pilotlight-cold-start')).toBe('true');
    const pod = fake.store.pods('inference')[0]!;
    expect(response.headers.get('x-pilotlight-replica')).toBe(pod.metadata.name);

    const scale = fake.requestsTo('PATCH', /^\/apis\/apps\/v1\/namespaces\/inference\/deployments\/vllm-llama\/scale$/);
    expect(scale.map((r) => [r.contentType, r.body])).toEqual([['application/merge-patch+json', { spec: { replicas: 1 } }]]);
    expect(fake.requestsTo('GET', /\/pods$/).every((r) => r.query.labelSelector === 'app=vllm,model=llama')).toBe(true);

    const m = await adminModel(gw, 'llama');
    expect(m.replicas).toEqual({ pending: 0, starting: 0, ready: 1, draining: 0 });
    expect(m.replicaList.map((r) => r.id)).toEqual([pod.metadata.name]);
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_replica_cold_start_seconds_count', { model: 'llama' })).toBe(1);
    for (const phase of ['scheduling', 'image_and_start', 'loading']) {
      expect(metric(text, 'pilotlight_replica_cold_start_phase_seconds_count', { model: 'llama', phase })).toBe(1);
    }
    expect(metric(text, 'pilotlight_scale_events_total', { model: 'llama', direction: 'up' })).toBe(1);

    // Shutting the gateway down leaves the workload alone: other gateway replicas keep serving it.
    await gw.close();
    gw = undefined;
    expect(fake.store.workload('Deployment', 'inference', 'vllm-llama')?.spec.replicas).toBe(1);
    expect(fake.requestsTo('PATCH', /\/scale$/).length).toBe(1);
  });
});
