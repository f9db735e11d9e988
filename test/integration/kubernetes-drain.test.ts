/**
 * Scale-down with the Kubernetes provider: the gateway drains the pod a
 * scale-down removes before the scale PATCH, and steers the ReplicaSet
 * controller to exactly that pod with the pod-deletion-cost annotation.
 * Also: cold-start phases from the pod's timestamps into the metric.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { rsDeletionOrder } from '../helpers/fake-kube/controller.js';
import { startHarness, type Harness } from '../helpers/fake-kube/harness.js';
import { startPodServers, type PodServer } from '../helpers/fake-kube/pod-server.js';
import { modelFromYaml, PoolHarness } from '../helpers/pool-harness.js';

let h: Harness | undefined;
let servers: PodServer[] = [];
let pool: PoolHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  pool?.close();
  pool = undefined;
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const COST = 'controller.kubernetes.io/pod-deletion-cost';

/** A workload with `n` Ready pods, all seen ready by the provider. */
async function readyWorkload(n: number, base: number, kind: 'Deployment' | 'StatefulSet' = 'Deployment'): Promise<string[]> {
  servers = await startPodServers(n, base);
  h = await startHarness({ workload: { kind, name: 'vllm', replicas: n, port: servers[0]!.port }, providerYaml: 'drainTimeout: 5s' });
  const names = h.fake.store.pods().map((p) => p.metadata.name);
  names.forEach((name, i) => h!.fake.controller.walkToReady(name, servers[i]!.ip));
  await eventually(() => h!.replicas().filter((r) => r.state === 'ready').length === n, `${n} ready`);
  return names;
}

describe('kubernetes provider: drain before scale-down', () => {
  it('drains the pod with the fewest requests in flight, gives it the lowest deletion cost, then PATCHes the scale; the busy pod survives', async () => {
    const names = await readyWorkload(2, 60);
    // Left alone, the ReplicaSet controller would remove this one:
    const [dflt, other] = h!.fake.store.pods().sort(rsDeletionOrder).map((p) => p.metadata.name) as [string, string];
    expect(names.sort()).toEqual([dflt, other].sort());
    h!.load.busy.set(dflt, 2);
    h!.load.busy.set(other, 1);

    h!.provider.setReplicas(h!.model, 1);
    await eventually(() => h!.replica(other)?.state === 'draining', 'the less busy pod drains');
    expect(h!.replica(dflt)?.state).toBe('ready');
    expect(h!.load.waits.map((w) => w.id)).toEqual([other]);
    expect(h!.load.waits[0]!.timeoutMs).toBeGreaterThan(4900);
    expect(h!.load.waits[0]!.timeoutMs).toBeLessThanOrEqual(5000);
    // Its requests are still running: nothing is annotated or scaled yet.
    expect(h!.fake.requestsTo('PATCH', /\/pods\//)).toEqual([]);
    expect(h!.fake.requestsTo('PATCH', /\/scale$/)).toEqual([]);

    h!.load.finish(other);
    await eventually(() => h!.fake.store.pods().length === 1, 'one pod left');
    expect(h!.fake.store.pods()[0]!.metadata.name).toBe(dflt);
    const annotate = h!.fake.requestsTo('PATCH', /\/pods\//);
    expect(annotate.map((r) => [r.path, r.contentType, r.body])).toEqual([
      [`/api/v1/namespaces/default/pods/${other}`, 'application/merge-patch+json', { metadata: { annotations: { [COST]: '-1' } } }],
    ]);
    const scale = h!.fake.requestsTo('PATCH', /\/scale$/);
    expect(scale.map((r) => r.body)).toEqual([{ spec: { replicas: 1 } }]);
    expect(annotate[0]!.seq).toBeLessThan(scale[0]!.seq);
    await eventually(() => h!.replica(other) === undefined, 'victim gone');
    expect(h!.replica(dflt)?.state).toBe('ready');
  });

  it('calls a scale-down off when the desired count goes back up during the drain: the victim serves again, nothing is PATCHed', async () => {
    const names = await readyWorkload(2, 62);
    h!.load.busy.set(names[0]!, 1);
    h!.load.busy.set(names[1]!, 3);
    h!.provider.setReplicas(h!.model, 1);
    await eventually(() => h!.replica(names[0]!)?.state === 'draining', 'draining');
    h!.provider.setReplicas(h!.model, 2);
    await eventually(() => h!.replica(names[0]!)?.state === 'ready', 'back in service');
    expect(h!.events.filter((e) => e.replica.id === names[0]).map((e) => e.replica.state).slice(-2)).toEqual(['draining', 'ready']);
    expect(h!.fake.requestsTo('PATCH', /\/scale$/)).toEqual([]);
    expect(h!.fake.store.pods().length).toBe(2);
  });

  it('StatefulSet: drains the highest ordinal (the one the controller removes), busy or not, without annotations', async () => {
    await readyWorkload(3, 64, 'StatefulSet');
    expect(h!.fake.store.pods().map((p) => p.metadata.name).sort()).toEqual(['vllm-0', 'vllm-1', 'vllm-2']);
    h!.load.busy.set('vllm-2', 4);
    h!.provider.setReplicas(h!.model, 2);
    await eventually(() => h!.replica('vllm-2')?.state === 'draining', 'vllm-2 drains');
    expect(h!.fake.requestsTo('PATCH', /\/scale$/)).toEqual([]);
    h!.load.finish('vllm-2');
    await eventually(() => h!.fake.store.pods().length === 2, 'two left');
    expect(h!.fake.requestsTo('PATCH', /\/statefulsets\/vllm\/scale$/).map((r) => r.body)).toEqual([{ spec: { replicas: 2 } }]);
    expect(h!.fake.requestsTo('PATCH', /\/pods\//)).toEqual([]);
    expect(h!.fake.store.pods().map((p) => p.metadata.name).sort()).toEqual(['vllm-0', 'vllm-1']);
  });
});

describe('kubernetes provider: cold-start phases', () => {
  it('splits the cold start into scheduling, image_and_start and loading from the pod\'s timestamps, into the metric', async () => {
    servers = await startPodServers(1, 66);
    h = await startHarness({ workload: { name: 'vllm', replicas: 0, port: servers[0]!.port } });
    pool = new PoolHarness(modelFromYaml(`
models:
  - name: llama
    provider: { type: kubernetes, name: vllm }
`));
    h.provider.subscribe((e) => pool!.pool.onReplicaEvent(e));
    h.fake.controller.unschedulableMessage = '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.';
    h.provider.setReplicas(h.model, 1);
    await eventually(() => h!.replicas()[0]?.state === 'pending', 'pending');
    const pod = h.fake.store.pods()[0]!;
    const created = Date.parse(pod.metadata.creationTimestamp);
    // A GPU node took 190 s to come up, the image 50 s, weight loading 150 s.
    h.fake.controller.walkToReady(pod.metadata.name, servers[0]!.ip, { scheduled: created + 190_000, started: created + 240_000, ready: created + 390_000 });
    const ready = await eventually(() => h!.events.find((e) => e.replica.state === 'ready')?.replica, 'ready');
    expect(ready.phases).toEqual({ scheduling: 190, image_and_start: 50, loading: 150 });
    expect(ready.readyAt! - ready.startedAt!).toBe(390_000);

    const text = await pool.registry.metrics();
    const sample = (phase: string, suffix: string): string | undefined =>
      text.split('\n').find((l) => l.startsWith(`pilotlight_replica_cold_start_phase_seconds_${suffix}{model="llama",phase="${phase}"}`));
    expect(sample('scheduling', 'sum')).toMatch(/ 190$/);
    expect(sample('image_and_start', 'sum')).toMatch(/ 50$/);
    expect(sample('loading', 'sum')).toMatch(/ 150$/);
    expect(sample('loading', 'count')).toMatch(/ 1$/);
    expect(text).toMatch(/^pilotlight_replica_cold_start_seconds_sum\{model="llama"\} 390$/m);
  });
});
