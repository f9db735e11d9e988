import { describe, expect, it } from 'vitest';
import { coldStartPhases, podOrdinal, podStatus } from '../../../../src/providers/kubernetes/pod-state.js';
import { toPodView } from '../../../../src/providers/kubernetes/pod-view.js';
import { cond, container, podView, readyPod, T0 } from './pods.js';

describe('podStatus', () => {
  const unschedulable = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.';
  it.each([
    ['a new pod the scheduler has not looked at', podView(), 'unschedulable', 'waiting for the scheduler'],
    ['an unschedulable pod, with the scheduler message', podView({ conditions: [cond('PodScheduled', 'False', 0, 'Unschedulable', unschedulable)] }), 'unschedulable', unschedulable],
    ['a scheduled pod pulling its image', podView({ nodeName: 'n', conditions: [cond('PodScheduled', 'True', 5)], containers: [container({ waiting: { reason: 'ContainerCreating', message: undefined } })] }), 'starting', 'ContainerCreating'],
    ['a running pod not Ready yet (loading weights)', readyPod(10, 20, 30, { conditions: [cond('PodScheduled', 'True', 10), cond('Ready', 'False', 10, 'ContainersNotReady')] }), 'starting', undefined],
    ['a Ready pod with an IP', readyPod(), 'ready', undefined],
    ['a Ready pod without an IP yet', readyPod(10, 20, 30, { podIP: undefined }), 'starting', undefined],
    ['a pod being deleted', readyPod(10, 20, 30, { deletingAt: T0 + 99_000 }), 'terminating', 'pod is being deleted'],
    ['an evicted pod', podView({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }), 'failed', 'Evicted: The node was low on resource: memory.'],
    ['a pod whose server exited 0', podView({ phase: 'Succeeded' }), 'failed', 'the model server exited with code 0 (pod Succeeded)'],
    [
      'a crash-looping container, with its last exit',
      readyPod(10, 20, 30, { containers: [container({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=vllm' }, lastTerminated: { reason: 'OOMKilled', exitCode: 137, message: undefined } })] }),
      'failed',
      'vllm: CrashLoopBackOff: back-off 20s restarting failed container=vllm; last exit: OOMKilled (exit code 137)',
    ],
    ['an image that cannot be pulled', podView({ nodeName: 'n', containers: [container({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "vllm/vllm-openai:nope"' } })] }), 'failed', 'vllm: ImagePullBackOff: Back-off pulling image "vllm/vllm-openai:nope"'],
    ['a container that just exited with an error', readyPod(10, 20, 30, { containers: [container({ terminated: { reason: 'Error', exitCode: 1, message: undefined } })] }), 'failed', 'vllm: Error (exit code 1)'],
  ])('%s', (_what, pod, kind, reason) => {
    expect(podStatus(pod)).toEqual({ kind, reason });
  });
});

describe('coldStartPhases', () => {
  it('computes scheduling, image_and_start and loading from the pod timestamps', () => {
    expect(coldStartPhases(readyPod(190, 240, 390))).toEqual({ scheduling: 190, image_and_start: 50, loading: 150 });
  });

  it('uses the latest container start (all must run before Ready)', () => {
    const p = readyPod(10, 20, 60, { containers: [container({ runningSince: T0 + 20_000 }), container({ name: 'sidecar', runningSince: T0 + 25_000 })] });
    expect(coldStartPhases(p)).toEqual({ scheduling: 10, image_and_start: 15, loading: 35 });
  });

  it('is undefined until the pod is Ready, and clamps clock skew to 0', () => {
    expect(coldStartPhases(podView({ conditions: [cond('PodScheduled', 'True', 5)] }))).toBeUndefined();
    expect(coldStartPhases(readyPod(10, 8, 30))).toEqual({ scheduling: 10, image_and_start: 0, loading: 22 });
  });
});

describe('toPodView', () => {
  it('reads the watch JSON (string timestamps) and the library objects (Date timestamps) alike', () => {
    const json = {
      metadata: { name: 'p', uid: 'u', resourceVersion: '7', creationTimestamp: '2026-03-01T10:00:00Z', annotations: { a: 'b' } },
      spec: { nodeName: 'n' },
      status: {
        phase: 'Running',
        podIP: '10.0.0.9',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-03-01T10:01:00Z' }],
        containerStatuses: [{ name: 'vllm', ready: true, restartCount: 2, state: { running: { startedAt: '2026-03-01T10:00:30Z' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
      },
    };
    const lib = structuredClone(json) as unknown as typeof json;
    (lib.metadata as { creationTimestamp: unknown }).creationTimestamp = new Date('2026-03-01T10:00:00Z');
    (lib.status.conditions[0] as { lastTransitionTime: unknown }).lastTransitionTime = new Date('2026-03-01T10:01:00Z');
    (lib.status.containerStatuses[0]!.state.running as { startedAt: unknown }).startedAt = new Date('2026-03-01T10:00:30Z');
    const a = toPodView(json);
    expect(a).toEqual(toPodView(lib));
    expect(a).toMatchObject({ name: 'p', uid: 'u', createdAt: T0, podIP: '10.0.0.9', nodeName: 'n', annotations: { a: 'b' } });
    expect(a?.conditions[0]?.at).toBe(T0 + 60_000);
    expect(a?.containers[0]).toMatchObject({ runningSince: T0 + 30_000, restartCount: 2, lastTerminated: { reason: 'OOMKilled', exitCode: 137 } });
  });

  it('is undefined for something without a name (not a pod)', () => {
    expect(toPodView({ metadata: { resourceVersion: '5' } })).toBeUndefined();
  });
});

describe('podOrdinal', () => {
  it.each([
    ['vllm-0', 0],
    ['vllm-12', 12],
    ['vllm-6d4cf56db6-abcde', undefined],
  ])('%s -> %s', (name, n) => expect(podOrdinal(name)).toBe(n));
});
