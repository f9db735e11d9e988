/**
 * The fake API server itself, through the real client library: the other
 * Kubernetes tests are only as good as its fidelity on the points they use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { rsDeletionOrder } from '../helpers/fake-kube/controller.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

let fake: FakeKube;
let dir: string;
let kc: KubeConfig;
beforeEach(async () => {
  fake = await FakeKube.start();
  dir = mkdtempSync(join(tmpdir(), 'pilotlight-fake-kube-'));
  kc = new KubeConfig();
  kc.loadFromFile(fake.writeKubeconfig(dir));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const status = (err: unknown): unknown => (err as { code?: unknown }).code;

describe('fake Kubernetes API server', () => {
  it('serves the Scale subresource: GET, PUT, and the three PATCH types; JSON Patch replace fails on a Scale at 0 as on a real server', async () => {
    fake.addWorkload({ name: 'w', replicas: 0 });
    const apps = kc.makeApiClient(AppsV1Api);
    const scale = await apps.readNamespacedDeploymentScale({ name: 'w', namespace: 'default' });
    expect(scale.spec?.replicas).toBeUndefined(); // omitted at 0
    const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    const err = await apps.patchNamespacedDeploymentScale({ name: 'w', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] }, jsonPatch).catch((e: unknown) => e);
    expect(status(err)).toBe(422);
    const added = await apps.patchNamespacedDeploymentScale({ name: 'w', namespace: 'default', body: [{ op: 'add', path: '/spec/replicas', value: 2 }] }, jsonPatch);
    expect(added.spec?.replicas).toBe(2);
    const smp = await apps.patchNamespacedDeploymentScale({ name: 'w', namespace: 'default', body: { spec: { replicas: 3 } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(smp.spec?.replicas).toBe(3);
    const put = await apps.replaceNamespacedDeploymentScale({ name: 'w', namespace: 'default', body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w', namespace: 'default' }, spec: { replicas: 1 } } });
    expect(put.spec?.replicas).toBe(1);
    await eventually(() => fake.store.pods().filter((p) => !p.metadata.deletionTimestamp).length === 1, 'controller follows the scale');
    const missing = await apps.readNamespacedDeploymentScale({ name: 'nope', namespace: 'default' }).catch((e: unknown) => e);
    expect(status(missing)).toBe(404);
  });

  it('refuses requests without the bearer token', async () => {
    fake.addWorkload({ name: 'w' });
    const anon = new KubeConfig();
    anon.loadFromOptions({ ...kc, users: [{ name: 'tester' }] });
    const err = await anon.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'w', namespace: 'default' }).catch((e: unknown) => e);
    expect(status(err)).toBe(401);
  });

  it('watches from a resourceVersion, replays history, sends bookmarks, and answers a compacted one with ERROR 410', async () => {
    fake.addWorkload({ name: 'w', replicas: 1 });
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default', labelSelector: 'app=w' });
    const rv = list.metadata!.resourceVersion!;
    const name = list.items[0]!.metadata!.name!;
    fake.controller.schedule(name);
    const seen: string[] = [];
    const ctl = await new Watch(kc).watch('/api/v1/namespaces/default/pods', { labelSelector: 'app=w', resourceVersion: rv }, (type, obj: { metadata?: { resourceVersion?: string } }) => seen.push(`${type}:${obj.metadata?.resourceVersion}`), () => undefined);
    await eventually(() => seen.length === 1, 'replayed event');
    fake.bookmark();
    await eventually(() => seen.length === 2, 'bookmark');
    expect(seen).toEqual([`MODIFIED:${Number(rv) + 1}`, `BOOKMARK:${Number(rv) + 1}`]);
    ctl.abort();

    fake.store.compact();
    fake.controller.startContainers(name, '127.0.0.9');
    const errors: unknown[] = [];
    await new Watch(kc).watch('/api/v1/namespaces/default/pods', { resourceVersion: rv }, (type, obj) => errors.push([type, (obj as { code?: number }).code]), () => undefined);
    await eventually(() => errors.length === 1, 'ERROR event');
    expect(errors).toEqual([['ERROR', 410]]);
  });

  it('deletes like the ReplicaSet controller: newest first, lowest pod-deletion-cost before that', async () => {
    fake.addWorkload({ name: 'w', replicas: 3 });
    const [, second, third] = [...fake.store.pods()].sort(rsDeletionOrder).map((p) => p.metadata.name);
    await kc.makeApiClient(CoreV1Api).patchNamespacedPod({ name: third!, namespace: 'default', body: { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-5' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await kc.makeApiClient(AppsV1Api).patchNamespacedDeploymentScale({ name: 'w', namespace: 'default', body: { spec: { replicas: 1 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await eventually(() => fake.store.pods().length === 1, 'scaled to 1');
    expect(fake.store.pods().map((p) => p.metadata.name)).toEqual([second]);
  });
});
