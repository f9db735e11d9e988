import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { prepareScale, releaseStrandedVictims, type DrainDeps } from '../../../../src/providers/kubernetes/drain.js';
import type { KubeApi } from '../../../../src/providers/kubernetes/kube-api.js';
import { WorkloadReplicas } from '../../../../src/providers/kubernetes/workload-replicas.js';
import { TestLoad } from '../../../helpers/fake-kube/harness.js';
import { readyPod, T0 } from './pods.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(names: string[], deletionCosts: Record<string, string> = {}) {
  const clock = new ManualClock(T0 + 60_000);
  const annotations: [string, Record<string, string | null>][] = [];
  const api = {
    annotatePod: async (_ns: string, name: string, a: Record<string, string | null>) => {
      annotations.push([name, a]);
    },
  } as unknown as KubeApi;
  const replicas = new WorkloadReplicas({
    model: 'm',
    port: 8000,
    healthPath: '/health',
    clock,
    logger: silentLogger,
    emit: () => undefined,
    probe: async () => ({ ok: true, detail: 'HTTP 200' }),
    healthRetryMs: 1000,
    healthTimeoutMs: 500,
  });
  replicas.replace(names.map((name, i) => readyPod(10, 20, 30, { name, uid: name, createdAt: T0 + i * 1000, annotations: deletionCosts[name] ? { 'controller.kubernetes.io/pod-deletion-cost': deletionCosts[name] } : {} })));
  const load = new TestLoad();
  const d: DrainDeps = { model: 'm', ref: { kind: 'Deployment', namespace: 'ns', name: 'w' }, api, replicas, load, drainTimeoutMs: 30_000, clock, logger: silentLogger };
  return { clock, annotations, replicas, load, d };
}

describe('drain', () => {
  it('annotates victims below every other pod\'s deletion cost', async () => {
    const { annotations, replicas, d } = setup(['a', 'b', 'c'], { a: '-3' });
    await flush();
    await prepareScale(d, 2, 3, new AbortController().signal);
    expect(annotations).toEqual([['c', { 'controller.kubernetes.io/pod-deletion-cost': '-4' }]]);
    expect(replicas.list().map((r) => r.state)).toEqual(['ready', 'ready', 'draining']);
  });

  it('removes only min(pods, spec) - n pods: pods not created yet go first', async () => {
    const { annotations, d } = setup(['a', 'b']);
    await flush();
    await prepareScale(d, 2, 4, new AbortController().signal); // spec 4, 2 pods exist, want 2: none of the existing go
    expect(annotations).toEqual([]);
  });

  it('stops waiting when the desired count changes, and annotates nothing', async () => {
    const { annotations, load, d } = setup(['a', 'b']);
    await flush();
    load.busy.set('b', 1);
    load.busy.set('a', 2);
    const changed = new AbortController();
    const done = prepareScale(d, 1, 2, changed.signal);
    await flush();
    expect(load.waits.map((w) => [w.id, w.timeoutMs])).toEqual([['b', 30_000]]);
    changed.abort();
    await done;
    expect(annotations).toEqual([]);
  });

  it('counts the drain timeout from when the drain began, across re-tries', async () => {
    const { clock, load, d } = setup(['a', 'b']);
    await flush();
    load.busy.set('b', 1);
    load.busy.set('a', 5);
    const first = new AbortController();
    const p1 = prepareScale(d, 1, 2, first.signal);
    clock.advance(10_000);
    first.abort();
    await p1;
    void prepareScale(d, 1, 2, new AbortController().signal);
    await flush();
    expect(load.waits.map((w) => w.timeoutMs)).toEqual([30_000, 20_000]);
  });

  it('puts a victim back into service when the controller removed another pod instead', async () => {
    const { annotations, replicas, d } = setup(['a', 'b', 'c'], {});
    await flush();
    await prepareScale(d, 2, 3, new AbortController().signal);
    expect(replicas.list().find((r) => r.id === 'c')?.state).toBe('draining');
    // The watch delivers the annotated pod.
    replicas.apply('MODIFIED', readyPod(10, 20, 30, { name: 'c', uid: 'c', createdAt: T0 + 2000, annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-1' } }));
    // After the PATCH to 2: the controller deleted b (its earlier ranks won), c is still there.
    replicas.apply('MODIFIED', readyPod(10, 20, 30, { name: 'b', uid: 'b', createdAt: T0 + 1000, deletingAt: T0 + 90_000 }));
    releaseStrandedVictims(d, 2);
    expect(replicas.list().map((r) => `${r.id}:${r.state}`)).toEqual(['a:ready', 'b:draining', 'c:ready']);
    expect(annotations.at(-1)).toEqual(['c', { 'controller.kubernetes.io/pod-deletion-cost': null }]);
  });

  it('leaves victims alone while the controller has not acted yet', async () => {
    const { replicas, d } = setup(['a', 'b']);
    await flush();
    await prepareScale(d, 1, 2, new AbortController().signal);
    releaseStrandedVictims(d, 1);
    expect(replicas.list().map((r) => r.state)).toEqual(['ready', 'draining']);
  });
});
