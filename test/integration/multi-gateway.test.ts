/**
 * Three gateway processes sharing state through a real redis-server, in
 * front of a Deployment on a fake Kubernetes API whose pods are modelsim
 * servers. Load sent to all three scales the model by the global demand;
 * killing the lease holder hands scaling over within the lease time,
 * continuing from its decision; restarting Redis loses no request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { eventually, metric } from '../helpers/gateway.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { freePort } from '../helpers/ports.js';

interface Gw {
  proc: ChildProcess;
  api: string;
  admin: string;
  log: string;
}

let redis: TestRedis;
let fake: FakeKube;
let dir: string;
const sims: ModelsimHandle[] = [];
const gws: Gw[] = [];


async function startGateway(config: string): Promise<Gw> {
  const proc = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--config', config, '--port', '0', '--admin-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const gw: Gw = { proc, api: '', admin: '', log: '' };
  proc.stdout?.on('data', (d: Buffer) => (gw.log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (gw.log += d.toString()));
  await eventually(() => {
    const m = /"api":"(http:[^"]+)","admin":"(http:[^"]+)"/.exec(gw.log);
    if (m) [gw.api, gw.admin] = [m[1]!, m[2]!];
    return m;
  }, 'gateway to print its URLs');
  return gw;
}

async function metricsOf(gw: Gw): Promise<string> {
  return (await fetch(`${gw.admin}/metrics`)).text();
}

async function role(gw: Gw): Promise<string | undefined> {
  const text = await metricsOf(gw).catch(() => '');
  for (const r of ['leader', 'follower', 'degraded', 'alone']) if (metric(text, 'pilotlight_autoscaler_role', { role: r }) === 1) return r;
  return undefined;
}

function chat(gw: Gw, maxTokens: number, stream = false) {
  return request(`${gw.api}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'hi' }], max_tokens: maxTokens, stream }),
  }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
}

const deploymentReplicas = (): number => fake.store.workload('Deployment', 'inference', 'vllm-llama')?.spec.replicas ?? -1;

beforeAll(async () => {
  redis = await startRedis();
  fake = await FakeKube.start();
  dir = mkdtempSync(join(tmpdir(), 'pilotlight-multi-'));
  const kubeconfig = fake.writeKubeconfig(dir, 'inference');
  const port = await freePort();
  fake.addWorkload({ name: 'vllm-llama', namespace: 'inference', replicas: 0, port, labels: { app: 'vllm', model: 'llama' } });
  let nextIp = 40;
  // The kubelet: each new pod runs a modelsim (10 ms per token) on its own loopback address.
  fake.controller.onPodCreated = (pod) => {
    const name = pod.metadata.name;
    const ip = `127.0.0.${nextIp++}`;
    void (async () => {
      fake.controller.schedule(name, Date.now(), 'inference');
      const sim = await startModelsim({ host: ip, port, profile: 'tiny', servedModelNames: ['llama'], startupDelayMs: 300, timeScale: 5 });
      sims.push(sim);
      fake.controller.startContainers(name, ip, Date.now(), 'inference');
      await sim.ready;
      fake.controller.makeReady(name, Date.now(), 'inference');
    })();
  };
  const config = join(dir, 'pilotlight.yaml');
  writeFileSync(
    config,
    `
logging: { level: info }
state: { type: redis, url: "${redis.url}", keyPrefix: "multi:", publishInterval: 250ms, leaseDuration: 2s }
models:
  - name: llama
    provider: { type: kubernetes, name: vllm-llama, port: ${port}, kubeconfig: ${JSON.stringify(kubeconfig)}, expectedColdStart: 2s }
    scaling: { maxReplicas: 4, targetConcurrency: 2, maxConcurrencyPerReplica: 8, scaledownWindow: 2m }
`,
  );
  for (let i = 0; i < 3; i++) gws.push(await startGateway(config));
}, 60_000);

afterAll(async () => {
  for (const g of gws) g.proc.kill('SIGKILL');
  await Promise.all(sims.map((s) => s.close().catch(() => undefined)));
  await fake?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('three gateways, one Redis', () => {
  it('elects exactly one leader, and every gateway sees all three', async () => {
    await eventually(async () => {
      const roles = await Promise.all(gws.map(role));
      return roles.filter((r) => r === 'leader').length === 1 && roles.filter((r) => r === 'follower').length === 2;
    }, 'one leader and two followers');
    await eventually(async () => (await Promise.all(gws.map(async (g) => metric(await metricsOf(g), 'pilotlight_gateway_replicas')))).every((n) => n === 3), 'every gateway sees three');
  });

  it('scales by the global demand, not by any one gateway’s', async () => {
    // Two long streams per gateway: 6 in all, target 2 per replica -> 3 replicas.
    // Each gateway alone sees 2 and would ask for 1.
    const streams = gws.flatMap((g) => [chat(g, 800, true), chat(g, 800, true)]);
    await eventually(() => deploymentReplicas() === 3, 'the Deployment scaled to 3', 30_000);
    const events = await Promise.all(gws.map(async (g) => metric(await metricsOf(g), 'pilotlight_scale_events_total', { model: 'llama', direction: 'up', reason: 'load' }) ?? 0));
    expect(events.filter((n) => n > 0).length).toBe(1); // only the leader acted
    const results = await Promise.all(streams);
    expect(results.every((r) => r.status === 200 && r.body.trim().endsWith('data: [DONE]'))).toBe(true);
  });

  it('hands scaling over within the lease time when the leader dies, continuing from its decision', async () => {
    const roles = await Promise.all(gws.map(role));
    const leader = gws[roles.indexOf('leader')]!;
    const others = gws.filter((g) => g !== leader);
    const before = deploymentReplicas();
    expect(before).toBeGreaterThanOrEqual(1);
    // Keep demand up on the survivors while the leader dies.
    const load = others.flatMap((g) => [chat(g, 600, true), chat(g, 600, true)]);
    leader.proc.kill('SIGKILL');
    const t0 = performance.now();
    const next = await eventually(async () => {
      for (const g of others) if ((await role(g)) === 'leader') return g;
      return undefined;
    }, 'a new leader', 10_000, 50);
    const tookMs = performance.now() - t0;
    expect(tookMs).toBeLessThan(2000 + 1500); // lease 2 s + a publish round or two
    expect(next.log).toMatch(/"restored":1/); // it continued from the saved decision
    // It did not start cold: the scale-down window still remembers the earlier demand.
    const desired = metric(await metricsOf(next), 'pilotlight_desired_replicas', { model: 'llama' });
    expect(desired).toBeGreaterThanOrEqual(before);
    gws.splice(gws.indexOf(leader), 1);
    const results = await Promise.all(load);
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('loses no request while Redis restarts, and converges when it is back', async () => {
    const statuses: number[] = [];
    let stop = false;
    const traffic = Promise.all(
      gws.map(async (g) => {
        while (!stop) statuses.push((await chat(g, 4)).status);
      }),
    );
    await redis.stop();
    await eventually(async () => (await Promise.all(gws.map(role))).every((r) => r === 'degraded'), 'every gateway degraded', 10_000);
    for (const g of gws) expect(metric(await metricsOf(g), 'pilotlight_state_store_up')).toBe(0);
    await redis.start();
    await eventually(async () => {
      const roles = await Promise.all(gws.map(role));
      return roles.filter((r) => r === 'leader').length === 1 && roles.filter((r) => r === 'follower').length === gws.length - 1;
    }, 'one leader again', 20_000);
    for (const g of gws) expect(metric(await metricsOf(g), 'pilotlight_state_store_up')).toBe(1);
    stop = true;
    await traffic;
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gws.every((g) => /state store unreachable/.test(g.log) && /state store reachable again/.test(g.log))).toBe(true);
  });
});
