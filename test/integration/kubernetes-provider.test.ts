/**
 * The Kubernetes provider against a fake API server on loopback, through
 * the real @kubernetes/client-node (kubeconfig with CA data and a bearer
 * token, TLS, the watch stream). Pod "IPs" are 127.0.0.N addresses with a
 * tiny HTTP server each, so the provider's health GET is real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { KubernetesProvider } from '../../src/providers/kubernetes/kubernetes-provider.js';
import { countReplicas } from '../../src/providers/provider.js';
import { eventually } from '../helpers/gateway.js';
import { recordingLogger, startHarness, TestLoad, type Harness, type LogEntry } from '../helpers/fake-kube/harness.js';
import { startPodServers, type PodServer } from '../helpers/fake-kube/pod-server.js';

let h: Harness | undefined;
let servers: PodServer[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const SCALE_PATH = /\/deployments\/vllm\/scale$/;

function scalePatches(x: Harness): unknown[] {
  return x.fake.requestsTo('PATCH', SCALE_PATH).map((r) => r.body);
}

/** Waits for the controller to create `n` pods, then returns their names (oldest first). */
async function pods(x: Harness, n: number): Promise<string[]> {
  return eventually(() => {
    const list = x.fake.store.pods().filter((p) => !p.metadata.deletionTimestamp);
    return list.length === n ? list.map((p) => p.metadata.name) : undefined;
  }, `${n} pods`);
}

describe('kubernetes provider: scaling', () => {
  it('adopts a count another writer set (kubectl scale, the new lease holder) instead of fighting it; the next decision restores its own', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 1, port: 1 }, resyncMs: 100 });
    await eventually(() => h!.provider.targetReplicas(h!.model) === 1, 'the initial spec is adopted');
    // Nobody asked for anything yet: an outside change is adopted (a follower's view).
    const w = h.fake.store.workload('Deployment', 'default', 'vllm')!;
    w.spec.replicas = 3;
    await eventually(() => h!.provider.targetReplicas(h!.model) === 3, 'the outside change is adopted');
    expect(scalePatches(h)).toEqual([]);
    h.provider.setReplicas(h.model, 2);
    await eventually(() => h!.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas === 2, 'scaled to 2');
    // Having asked for 2 does not make this gateway overwrite what someone else wrote later: it may no
    // longer hold the scaling lease. It adopts; the lease holder's autoscaler, seeing targetReplicas 5
    // at its next tick, asks again for what its policy wants.
    h.fake.store.workload('Deployment', 'default', 'vllm')!.spec.replicas = 5; // kubectl scale --replicas 5
    await eventually(() => h!.provider.targetReplicas(h!.model) === 5, 'adopted 5');
    await new Promise((r) => setTimeout(r, 350)); // three more resyncs
    expect(h.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas).toBe(5);
    expect(h.logs.some((l) => l.msg === 'replica count changed by another writer; adopting it')).toBe(true);
    h.provider.setReplicas(h.model, 2); // the lease holder's next tick
    await eventually(() => h!.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas === 2, 'restored to 2');
    expect(scalePatches(h)).toEqual([{ spec: { replicas: 2 } }, { spec: { replicas: 2 } }]);
  });

  it('two gateways: the one that lost the lease never writes its old count back over the new holder\'s', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 0, port: 1 }, resyncMs: 100 });
    const logs: LogEntry[] = [];
    const other = new KubernetesProvider(
      parseConfig(`models:\n  - name: llama\n    provider: { type: kubernetes, name: vllm, port: 1, kubeconfig: ${JSON.stringify(h.kubeconfig)} }\n`, 'b.yaml').models,
      new TestLoad(),
      systemClock,
      recordingLogger(logs),
      { backoff: { baseMs: 10, maxMs: 100 }, resyncMs: 100 },
    );
    other.start();
    try {
      // Gateway A leads and scales to 3.
      h.provider.setReplicas(h.model, 3);
      await eventually(() => h!.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas === 3, 'A scaled to 3');
      // A loses the lease (a missed renewal, a Redis restart); B leads and, having read 0 at start, decides 1.
      other.setReplicas('llama', 1);
      await eventually(() => other.targetReplicas('llama') === 3, 'B adopts the fresh 3 instead of PATCHing from a stale 0');
      other.setReplicas('llama', 1); // B's next tick, against 3
      await eventually(() => h!.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas === 1, 'B scaled to 1');
      // A (now a follower: it asks for nothing) adopts at its resync and leaves B's count alone.
      await eventually(() => h!.provider.targetReplicas(h!.model) === 1, 'A adopts 1');
      await new Promise((r) => setTimeout(r, 400));
      expect(h.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas).toBe(1);
      expect(scalePatches(h)).toEqual([{ spec: { replicas: 3 } }, { spec: { replicas: 1 } }]);
    } finally {
      await other.close();
    }
  });

  it('scales 0 -> 2 -> 0 through the scale subresource with merge patches; Ready pods become ready replicas at http://podIP:port', async () => {
    servers = await startPodServers(2);
    const port = servers[0]!.port;
    h = await startHarness({ workload: { name: 'vllm', replicas: 0, port } });
    await eventually(() => h!.fake.openWatches === 1, 'pod watch');
    expect(h.provider.targetReplicas(h.model)).toBe(0);

    h.provider.setReplicas(h.model, 2);
    expect(h.provider.targetReplicas(h.model)).toBe(2);
    const names = await pods(h, 2);
    const patch = h.fake.requestsTo('PATCH', SCALE_PATH);
    expect(patch.map((r) => [r.contentType, r.body])).toEqual([['application/merge-patch+json', { spec: { replicas: 2 } }]]);
    // Not scheduled yet: pending, and saying so.
    await eventually(() => h!.replicas().length === 2 && h!.replicas().every((r) => r.state === 'pending'), 'two pending replicas');
    expect(h.replicas().map((r) => r.reason)).toEqual(['waiting for the scheduler', 'waiting for the scheduler']);

    names.forEach((n, i) => h!.fake.controller.walkToReady(n, servers[i]!.ip));
    await eventually(() => h!.replicas().filter((r) => r.state === 'ready').length === 2, 'two ready replicas');
    const urls = h.replicas().map((r) => r.url).sort();
    expect(urls).toEqual([`http://127.0.0.20:${port}`, `http://127.0.0.21:${port}`]);
    expect(servers.map((s) => s.healthChecks)).toEqual([1, 1]); // verified once each
    const ready = h.events.filter((e) => e.replica.state === 'ready');
    expect(ready.map((e) => e.previous)).toEqual(['starting', 'starting']); // scheduled -> running -> Ready -> health 200
    for (const e of ready) {
      expect(e.replica.managed).toBe(true);
      expect(e.replica.startedAt).toBe(Date.parse(h.fake.store.pod('default', e.replica.id)!.metadata.creationTimestamp));
      expect(e.replica.readyAt).toBeGreaterThanOrEqual(e.replica.startedAt!);
    }

    h.provider.setReplicas(h.model, 0);
    await eventually(() => h!.fake.store.pods().length === 0, 'pods deleted');
    await eventually(() => h!.replicas().length === 0, 'no replicas');
    expect(scalePatches(h)).toEqual([{ spec: { replicas: 2 } }, { spec: { replicas: 0 } }]);
    const stopped = h.events.filter((e) => e.replica.state === 'stopped').map((e) => e.replica.id).sort();
    expect(stopped).toEqual([...names].sort());
    // Both were drained (out of rotation) before the scale PATCH removed them.
    expect(h.events.filter((e) => e.replica.state === 'draining' && e.previous === 'ready').length).toBe(2);
  });

  it('continues from the scale the cluster already has: no PATCH at start, existing pods are replicas, their old cold start is not re-recorded', async () => {
    servers = await startPodServers(2, 30);
    const port = servers[0]!.port;
    h = await startHarness({
      workload: { name: 'vllm', replicas: 2, port },
      before: (fake) => {
        fake.store.pods().forEach((p, i) => fake.controller.walkToReady(p.metadata.name, servers[i]!.ip));
      },
    });
    await eventually(() => h!.replicas().filter((r) => r.state === 'ready').length === 2, 'existing pods ready');
    expect(h.provider.targetReplicas(h.model)).toBe(2);
    expect(h.fake.requestsTo('GET', SCALE_PATH).length).toBe(1);
    expect(h.fake.requestsTo('GET', /\/deployments\/vllm$/).length).toBe(1);
    expect(h.replicas().every((r) => r.managed === false)).toBe(true);

    h.provider.setReplicas(h.model, 2); // what the cluster already has: nothing to do
    h.provider.setReplicas(h.model, 3);
    await eventually(() => scalePatches(h!).length === 1, 'one PATCH');
    expect(scalePatches(h)).toEqual([{ spec: { replicas: 3 } }]);
    await pods(h, 3);
  });
});

describe('kubernetes provider: pod states', () => {
  it('shows an unschedulable pod as pending with the scheduler\'s message, counted as capacity already bought', async () => {
    servers = await startPodServers(1, 40);
    h = await startHarness({ workload: { name: 'vllm', replicas: 0, port: servers[0]!.port } });
    const msg = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    h.fake.controller.unschedulableMessage = msg;
    h.provider.setReplicas(h.model, 1);
    const [name] = await pods(h, 1);
    const pending = await eventually(() => h!.replicas().find((r) => r.state === 'pending' && r.reason === msg), 'pending with the scheduler message');
    expect(pending.id).toBe(name);
    expect(countReplicas(h.replicas())).toEqual({ pending: 1, starting: 0, ready: 0, draining: 0 });

    // A node came up (cluster-autoscaler/Karpenter): scheduled, then loading.
    h.fake.controller.schedule(name!);
    await eventually(() => h!.replica(name!)?.state === 'starting', 'starting once scheduled');
    h.fake.controller.startContainers(name!, servers[0]!.ip);
    h.fake.controller.makeReady(name!);
    await eventually(() => h!.replica(name!)?.state === 'ready', 'ready');
    expect(h.events.filter((e) => e.replica.id === name).map((e) => e.replica.state)).toEqual(['pending', 'starting', 'ready']);
  });

  it('reports a crash-looping pod as failed with the container\'s reason and exit code, and OOMKilled as such', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 2 } });
    const [a, b] = await pods(h, 2);
    await eventually(() => h!.replicas().filter((r) => r.state === 'pending').length === 2, 'pods seen');
    h.fake.controller.schedule(a!);
    h.fake.controller.startContainers(a!, '127.0.0.50');
    h.fake.controller.crashLoop(a!, { reason: 'Error', exitCode: 1 });
    h.fake.controller.schedule(b!);
    h.fake.controller.crashLoop(b!, { reason: 'OOMKilled', exitCode: 137 }, 5);
    const fa = await eventually(() => (h!.replica(a!)?.state === 'failed' ? h!.replica(a!) : undefined), 'a failed');
    const fb = await eventually(() => (h!.replica(b!)?.state === 'failed' ? h!.replica(b!) : undefined), 'b failed');
    expect(fa.reason).toMatch(/^vllm: CrashLoopBackOff: back-off 40s restarting failed container=vllm .*; last exit: Error \(exit code 1\)$/);
    expect(fb.reason).toMatch(/last exit: OOMKilled \(exit code 137\)$/);
    expect(h.events.filter((e) => e.replica.id === a).map((e) => `${e.previous ?? '-'}>${e.replica.state}`)).toEqual(['->pending', 'pending>starting', 'starting>failed']);
    // Failed replicas are listed (with the reason) but are not capacity.
    expect(countReplicas(h.replicas())).toEqual({ pending: 0, starting: 0, ready: 0, draining: 0 });
  });

  it('takes a ready pod out of rotation when it stops being Ready, verifies it again when it is back', async () => {
    servers = await startPodServers(1, 41);
    h = await startHarness({ workload: { name: 'vllm', replicas: 1, port: servers[0]!.port } });
    const [name] = await pods(h, 1);
    await eventually(() => h!.replica(name!)?.state === 'pending', 'pod seen');
    h.fake.controller.walkToReady(name!, servers[0]!.ip);
    await eventually(() => h!.replica(name!)?.state === 'ready', 'ready');
    h.fake.controller.makeNotReady(name!, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    const failed = await eventually(() => (h!.replica(name!)?.state === 'failed' ? h!.replica(name!) : undefined), 'failed');
    expect(failed.reason).toBe('not ready: Readiness probe failed: HTTP probe failed with statuscode: 503');
    servers[0]!.healthStatus = 503; // back to Ready in Kubernetes' eyes, but our GET says no: stays out
    h.fake.controller.makeReady(name!);
    await eventually(() => servers[0]!.healthChecks >= 3, 'health GETs retried');
    expect(h.replica(name!)?.state).toBe('starting');
    servers[0]!.healthStatus = 200;
    await eventually(() => h!.replica(name!)?.state === 'ready', 'ready again');
    // The second ready is not a cold start.
    expect(h.events.filter((e) => e.replica.state === 'ready').map((e) => e.replica.managed)).toEqual([true, false]);
  });

  it('drains a pod being deleted by someone else, and reports it stopped when it is gone', async () => {
    servers = await startPodServers(1, 42);
    h = await startHarness({ workload: { name: 'vllm', replicas: 1, port: servers[0]!.port } });
    const [name] = await pods(h, 1);
    h.fake.controller.walkToReady(name!, servers[0]!.ip);
    await eventually(() => h!.replica(name!)?.state === 'ready', 'ready');
    h.fake.controller.holdDeletions = true;
    h.fake.controller.deletePod(name!); // kubectl delete pod, a node drain, an eviction
    await eventually(() => h!.replica(name!)?.state === 'draining', 'draining');
    h.fake.controller.finishDeletion(name!);
    await eventually(() => h!.replica(name!) === undefined, 'gone');
    expect(h.events.filter((e) => e.replica.id === name).map((e) => e.replica.state).slice(-3)).toEqual(['ready', 'draining', 'stopped']);
  });
});

describe('kubernetes provider: API failures', () => {
  it('retries a scale PATCH that gets 409 Conflict', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 0 } });
    h.fake.failNext(409, { method: 'PATCH', path: SCALE_PATH }, 2);
    h.provider.setReplicas(h.model, 1);
    await pods(h, 1);
    expect(h.fake.requestsTo('PATCH', SCALE_PATH).map((r) => r.status)).toEqual([409, 409, 200]);
    expect(scalePatches(h)).toEqual([{ spec: { replicas: 1 } }, { spec: { replicas: 1 } }, { spec: { replicas: 1 } }]);
    expect(h.logs.filter((l) => l.msg === 'scaling failed; retrying').map((l) => l.fields.status)).toEqual([409, 409]);
  });

  it('retries 5xx with exponential backoff and jitter, one request at a time, and applies the latest desired count', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 0 }, backoff: { baseMs: 200, maxMs: 5000, random: () => 0.5 } });
    await eventually(() => h!.fake.openWatches === 1, 'pod watch');
    h.fake.failNext(503, { method: 'PATCH', path: SCALE_PATH }, 3);
    h.provider.setReplicas(h.model, 2);
    // Poll finely: the first retry is 150 ms away.
    await eventually(() => h!.fake.requestsTo('PATCH', SCALE_PATH).length === 1, 'first PATCH', 10_000, 2);
    h.provider.setReplicas(h.model, 3); // decided while the API is failing
    h.provider.setReplicas(h.model, 1); // and again: only this one matters
    await pods(h, 1);
    const sent = h.fake.requestsTo('PATCH', SCALE_PATH);
    expect(sent.map((r) => [r.status, (r.body as { spec: { replicas: number } }).spec.replicas])).toEqual([
      [503, 2],
      [503, 1],
      [503, 1],
      [200, 1],
    ]);
    // equal jitter with random() = 0.5: 0.75 x 200, 400, 800 ms
    expect(h.logs.filter((l) => l.msg === 'scaling failed; retrying').map((l) => [l.fields.status, l.fields.retryInMs])).toEqual([
      [503, 150],
      [503, 300],
      [503, 600],
    ]);
    expect(h.provider.targetReplicas(h.model)).toBe(1);
    expect(h.fake.store.workload('Deployment', 'default', 'vllm')?.spec.replicas).toBe(1);
  });

  it('re-lists after a watch expires (410 Gone) without losing or duplicating replicas', async () => {
    servers = await startPodServers(3, 43);
    h = await startHarness({ workload: { name: 'vllm', replicas: 2, port: servers[0]!.port } });
    const [a, b] = await pods(h, 2);
    h.fake.controller.walkToReady(a!, servers[0]!.ip);
    h.fake.controller.walkToReady(b!, servers[1]!.ip);
    await eventually(() => h!.replicas().filter((r) => r.state === 'ready').length === 2, 'two ready');
    const eventsBefore = h.events.length;
    const lists = h.fake.requestsTo('GET', /\/pods$/).filter((r) => r.query.watch !== 'true').length;
    // The watch must be open for the expiry to hit it (on a loaded machine it may still be connecting).
    await eventually(() => h!.fake.openWatches >= 1, 'the watch is open');

    h.fake.expireWatches();
    // While the provider is not watching: b is deleted, c appears.
    h.fake.controller.finishDeletion(b!);
    const w = h.fake.store.workload('Deployment', 'default', 'vllm')!;
    h.fake.controller.reconcile(w);
    const c = h.fake.store.pods().find((p) => p.metadata.name !== a)!.metadata.name;
    h.fake.controller.walkToReady(c, servers[2]!.ip);

    await eventually(() => h!.replica(c)?.state === 'ready' && h!.replica(b!) === undefined, 're-listed state');
    expect(h.fake.requestsTo('GET', /\/pods$/).filter((r) => r.query.watch !== 'true').length).toBe(lists + 1);
    expect(h.replicas().map((r) => `${r.id}:${r.state}`).sort()).toEqual([`${a}:ready`, `${c}:ready`].sort());
    const after = h.events.slice(eventsBefore).map((e) => `${e.replica.id}:${e.replica.state}`);
    expect(after.filter((x) => x.startsWith(`${a}:`))).toEqual([]); // unchanged: no duplicate event
    expect(after.filter((x) => x.startsWith(`${b}:`))).toEqual([`${b}:stopped`]);
    expect(after.filter((x) => x.startsWith(`${c}:`))).toEqual([`${c}:starting`, `${c}:ready`]);
    expect(h.logs.some((l) => l.msg === 'pod watch expired (410); re-listing')).toBe(true);
  });

  it('reconnects a dropped watch from its last resourceVersion, replaying what changed meanwhile', async () => {
    servers = await startPodServers(1, 46);
    h = await startHarness({ workload: { name: 'vllm', replicas: 1, port: servers[0]!.port } });
    const [name] = await pods(h, 1);
    await eventually(() => h!.replica(name!)?.state === 'pending', 'pending');
    const watches = h.fake.requestsTo('GET', /\/pods$/).filter((r) => r.query.watch === 'true');
    const lastRv = h.fake.store.resourceVersion;
    await eventually(() => h!.fake.openWatches >= 1, 'the watch is open');
    h.fake.dropWatches();
    h.fake.controller.walkToReady(name!, servers[0]!.ip); // while disconnected
    await eventually(() => h!.replica(name!)?.state === 'ready', 'ready after reconnect');
    const after = h.fake.requestsTo('GET', /\/pods$/);
    expect(after.filter((r) => r.query.watch !== 'true').length).toBe(1); // no re-list
    const rewatch = after.filter((r) => r.query.watch === 'true').slice(watches.length);
    expect(rewatch.length).toBe(1);
    expect(Number(rewatch[0]!.query.resourceVersion)).toBe(lastRv);
    expect(rewatch[0]!.query.labelSelector).toBe('app=vllm');
  });

  it('restarts a watch that went silent (a connection dead without a FIN), from its resourceVersion', async () => {
    h = await startHarness({ workload: { name: 'vllm', replicas: 0 }, watchIdleTimeoutMs: 300 });
    const watches = (): number => h!.fake.requestsTo('GET', /\/pods$/).filter((r) => r.query.watch === 'true').length;
    await eventually(() => watches() >= 2, 'second watch');
    expect(h.fake.requestsTo('GET', /\/pods$/).filter((r) => r.query.watch !== 'true').length).toBe(1);
    const ended = h.logs.find((l) => l.msg === 'pod watch ended; reconnecting');
    expect(ended?.fields.error).toBe('WATCH_IDLE: no watch event for 300 ms');
  });
});
