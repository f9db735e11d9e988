/**
 * What a pod's status says about it as a replica, before the gateway's own
 * health check: pure functions of a PodView.
 *
 *   deletionTimestamp set                         -> terminating (drain it)
 *   phase Failed, or a container crash-looping /
 *     failing to pull / terminated with an error  -> failed (reason from the container)
 *   phase Succeeded                                -> failed too (a model server should not exit)
 *   PodScheduled=False reason Unschedulable        -> unschedulable (reason: the scheduler's message)
 *   not scheduled yet                              -> unschedulable (reason: waiting for the scheduler)
 *   Ready=True with a pod IP                       -> ready (the gateway still verifies health once)
 *   anything else (pulling, starting, loading)     -> starting
 */
import { condition, type ContainerTermination, type ContainerView, type PodView } from './pod-view.js';

export type PodStatusKind = 'unschedulable' | 'starting' | 'ready' | 'terminating' | 'failed';

export interface PodStatus {
  kind: PodStatusKind;
  reason: string | undefined;
}

/**
 * Waiting reasons that mean the container will not come up by itself soon.
 * ErrImagePull is included with ImagePullBackOff: both need a fix (a tag, a
 * pull secret), and a request waiting minutes for them helps nobody.
 */
const FAILING_WAIT_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function describeTermination(t: ContainerTermination): string {
  const reason = t.reason ?? 'Error';
  return t.exitCode !== undefined ? `${reason} (exit code ${t.exitCode})` : reason;
}

/** "CrashLoopBackOff: back-off 40s restarting failed container ...; last exit: OOMKilled (exit code 137)" */
function containerFailure(c: ContainerView): string | undefined {
  const w = c.waiting;
  if (w?.reason && FAILING_WAIT_REASONS.has(w.reason)) {
    const last = c.lastTerminated ? `; last exit: ${describeTermination(c.lastTerminated)}` : '';
    return `${c.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}${last}`;
  }
  const t = c.terminated;
  if (t && (t.exitCode ?? 1) !== 0) return `${c.name}: ${describeTermination(t)}${t.message ? `: ${t.message.slice(0, 200)}` : ''}`;
  return undefined;
}

export function podStatus(p: PodView): PodStatus {
  if (p.deletingAt !== undefined) return { kind: 'terminating', reason: 'pod is being deleted' };
  if (p.phase === 'Failed') {
    const fromContainer = p.containers.map(containerFailure).find((x) => x !== undefined);
    return { kind: 'failed', reason: [p.reason, p.message, fromContainer].filter(Boolean).join(': ') || 'pod failed' };
  }
  if (p.phase === 'Succeeded') return { kind: 'failed', reason: 'the model server exited with code 0 (pod Succeeded)' };
  const failure = p.containers.map(containerFailure).find((x) => x !== undefined);
  if (failure) return { kind: 'failed', reason: failure };
  const scheduled = condition(p, 'PodScheduled');
  if (scheduled?.status !== 'True' && !p.nodeName) {
    const why = scheduled?.reason === 'Unschedulable' ? (scheduled.message ?? 'Unschedulable') : 'waiting for the scheduler';
    return { kind: 'unschedulable', reason: why };
  }
  if (condition(p, 'Ready')?.status === 'True' && p.podIP) return { kind: 'ready', reason: undefined };
  const waiting = p.containers.find((c) => c.waiting?.reason)?.waiting?.reason;
  return { kind: 'starting', reason: waiting };
}

/** Cold-start phase names, as used in the metric's `phase` label. */
export const COLD_START_PHASES = ['scheduling', 'image_and_start', 'loading'] as const;
export type ColdStartPhase = (typeof COLD_START_PHASES)[number];

/**
 * Cold-start phases (seconds) from the pod's own timestamps, so the
 * gateway's clock and its skew against the API server play no part:
 *
 *   scheduling      = PodScheduled=True transition - creationTimestamp
 *                     (includes node provisioning by cluster-autoscaler/Karpenter)
 *   image_and_start = latest container state.running.startedAt - PodScheduled
 *                     (image pull, volume mounts, init containers)
 *   loading         = Ready=True transition - latest container start
 *                     (vLLM: weight loading, CUDA graph capture, until the readiness probe passes)
 *
 * Example: created 10:00:00, scheduled 10:03:10 (a GPU node was added),
 * container started 10:04:00, Ready 10:06:30 -> scheduling 190 s,
 * image_and_start 50 s, loading 150 s. Undefined while any timestamp is
 * missing; a negative span (clock skew between nodes) counts as 0.
 */
export function coldStartPhases(p: PodView): Record<ColdStartPhase, number> | undefined {
  const scheduled = condition(p, 'PodScheduled');
  const ready = condition(p, 'Ready');
  if (scheduled?.status !== 'True' || ready?.status !== 'True') return undefined;
  const starts = p.containers.map((c) => c.runningSince).filter((t): t is number => t !== undefined);
  if (!p.createdAt || scheduled.at === undefined || ready.at === undefined || starts.length === 0) return undefined;
  const started = Math.max(...starts);
  const s = (from: number, to: number): number => Math.max(0, to - from) / 1000;
  return { scheduling: s(p.createdAt, scheduled.at), image_and_start: s(scheduled.at, started), loading: s(started, ready.at) };
}

/** A StatefulSet pod's ordinal (the number after the last dash), or undefined. */
export function podOrdinal(name: string): number | undefined {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
