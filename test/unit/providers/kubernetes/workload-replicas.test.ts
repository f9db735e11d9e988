import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { WorkloadReplicas } from '../../../../src/providers/kubernetes/workload-replicas.js';
import type { ReplicaEvent } from '../../../../src/providers/provider.js';
import { cond, podView, readyPod, T0 } from './pods.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(healthy = true) {
  const clock = new ManualClock(T0 + 45_000);
  const events: ReplicaEvent[] = [];
  const probes: string[] = [];
  const health = { ok: healthy };
  const r = new WorkloadReplicas({
    model: 'm',
    port: 8000,
    healthPath: '/health',
    clock,
    logger: silentLogger,
    emit: (e) => events.push(e),
    probe: async (url, path) => {
      probes.push(`${url}${path}`);
      return { ok: health.ok, detail: health.ok ? 'HTTP 200' : 'HTTP 503' };
    },
    healthRetryMs: 1000,
    healthTimeoutMs: 500,
  });
  const states = (): string[] => events.map((e) => `${e.replica.id}:${e.previous ?? '-'}>${e.replica.state}`);
  return { clock, events, probes, health, r, states };
}

const starting = podView({ name: 'a', nodeName: 'n', phase: 'Running', podIP: '10.1.2.3', conditions: [cond('PodScheduled', 'True', 10), cond('Ready', 'False', 10)] });

describe('WorkloadReplicas', () => {
  it('a pod seen starting becomes ready only after one passing health GET; readyAt is the later of Ready and the GET', async () => {
    const { events, probes, r, states } = setup();
    r.apply('ADDED', starting);
    r.apply('MODIFIED', readyPod(10, 20, 30, { name: 'a' }));
    expect(r.list()[0]?.state).toBe('starting');
    await flush();
    expect(probes).toEqual(['http://10.1.2.3:8000/health']);
    expect(states()).toEqual(['a:->starting', 'a:starting>ready']);
    const ready = events[1]!.replica;
    expect(ready).toMatchObject({ url: 'http://10.1.2.3:8000', startedAt: T0, readyAt: T0 + 45_000, managed: true, phases: { scheduling: 10, image_and_start: 10, loading: 10 } });
    r.apply('MODIFIED', readyPod(10, 20, 30, { name: 'a', resourceVersion: '9' }));
    await flush();
    expect(probes.length).toBe(1); // once per Ready spell
    expect(events.length).toBe(2);
  });

  it('keeps retrying the health GET while it fails', async () => {
    const { clock, probes, health, r } = setup(false);
    r.apply('ADDED', readyPod(10, 20, 30, { name: 'a' }));
    await flush();
    expect(probes.length).toBe(1);
    await clock.advanceAsync(1000);
    expect(probes.length).toBe(2);
    health.ok = true;
    await clock.advanceAsync(1000);
    expect(r.list()[0]?.state).toBe('ready');
    await clock.advanceAsync(5000);
    expect(probes.length).toBe(3);
  });

  it('a pod already Ready when first seen is routable after its health GET but its old start is no cold start', async () => {
    const { events, r } = setup();
    r.replace([readyPod(10, 20, 30, { name: 'a' })]);
    await flush();
    expect(events.at(-1)?.replica).toMatchObject({ state: 'ready', managed: false, readyAt: T0 + 30_000, phases: undefined });
  });

  it('a re-list emits only what changed: deletions as stopped, new pods, nothing for unchanged ones', async () => {
    const { r, states } = setup();
    r.replace([podView({ name: 'a' }), podView({ name: 'b', uid: 'uid-b' })]);
    r.replace([podView({ name: 'a' }), podView({ name: 'c', uid: 'uid-c' })]);
    expect(states()).toEqual(['a:->pending', 'b:->pending', 'b:pending>stopped', 'c:->pending']);
  });

  it('a pod re-created under the same name (StatefulSet) is a new replica', () => {
    const { r, states } = setup();
    r.apply('ADDED', podView({ name: 's-0', uid: 'one' }));
    r.apply('MODIFIED', podView({ name: 's-0', uid: 'two' }));
    r.apply('DELETED', podView({ name: 's-0', uid: 'one' })); // a late event for the old pod changes nothing
    expect(states()).toEqual(['s-0:->pending', 's-0:pending>stopped', 's-0:->pending']);
    expect(r.list().length).toBe(1);
  });

  it('re-emits a pending pod when the scheduler says something new', () => {
    const { r, events } = setup();
    r.apply('ADDED', podView({ name: 'a' }));
    r.apply('MODIFIED', podView({ name: 'a', conditions: [cond('PodScheduled', 'False', 1, 'Unschedulable', '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.')] }));
    expect(events.map((e) => e.replica.reason)).toEqual(['waiting for the scheduler', '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.']);
  });

  it('scale-down victims drain (pending ones stay pending, saying why) and come back when released', async () => {
    const { r, states } = setup();
    r.replace([readyPod(10, 20, 30, { name: 'a' }), podView({ name: 'p', uid: 'uid-p' })]);
    await flush();
    r.setVictims(['a', 'p']);
    expect(r.list().map((i) => `${i.id}:${i.state}:${i.reason ?? ''}`)).toEqual(['a:draining:', 'p:pending:removed by a scale-down']);
    expect(r.setVictims([])).toEqual(['a', 'p']);
    expect(states().slice(-4)).toEqual(['a:ready>draining', 'p:pending>pending', 'a:draining>ready', 'p:pending>pending']);
    expect(r.list().map((i) => `${i.id}:${i.state}:${i.reason ?? ''}`)).toEqual(['a:ready:', 'p:pending:waiting for the scheduler']);
  });
});

describe('WorkloadReplicas: pods being deleted', () => {
  it.each([
    ['a ready pod drains', readyPod(10, 20, 30, { name: 'a' }), 'draining'],
    ['a pod that never got a node stays pending', podView({ name: 'a' }), 'pending'],
    ['a failed pod stays failed', podView({ name: 'a', phase: 'Failed', reason: 'Evicted' }), 'failed'],
  ])('%s', async (_what, pod, state) => {
    const { r } = setup();
    r.apply('ADDED', pod);
    await flush();
    r.apply('MODIFIED', { ...pod, deletingAt: T0 + 60_000 });
    expect(r.list()[0]?.state).toBe(state);
  });
});
