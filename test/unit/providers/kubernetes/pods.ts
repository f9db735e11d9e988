/** PodView fixtures for the provider's pure parts. */
import type { ContainerView, PodCondition, PodView } from '../../../../src/providers/kubernetes/pod-view.js';

export const T0 = Date.parse('2026-03-01T10:00:00Z');

export function cond(type: string, status: string, atS?: number, reason?: string, message?: string): PodCondition {
  return { type, status, reason, message, at: atS === undefined ? undefined : T0 + atS * 1000 };
}

export function container(patch: Partial<ContainerView> = {}): ContainerView {
  return { name: 'vllm', ready: false, restartCount: 0, waiting: undefined, runningSince: undefined, terminated: undefined, lastTerminated: undefined, ...patch };
}

export function podView(patch: Partial<PodView> = {}): PodView {
  return {
    name: 'vllm-6d4cf56db6-abcde',
    uid: 'uid-1',
    resourceVersion: '1',
    createdAt: T0,
    deletingAt: undefined,
    phase: 'Pending',
    reason: undefined,
    message: undefined,
    podIP: undefined,
    nodeName: undefined,
    conditions: [],
    containers: [],
    annotations: {},
    ...patch,
  };
}

/** Scheduled at +s, container running since +c, Ready at +r (seconds after T0). */
export function readyPod(s = 10, c = 20, r = 30, patch: Partial<PodView> = {}): PodView {
  return podView({
    phase: 'Running',
    podIP: '10.1.2.3',
    nodeName: 'gpu-1',
    conditions: [cond('PodScheduled', 'True', s), cond('Initialized', 'True', s), cond('ContainersReady', 'True', r), cond('Ready', 'True', r)],
    containers: [container({ ready: true, runningSince: T0 + c * 1000 })],
    ...patch,
  });
}
