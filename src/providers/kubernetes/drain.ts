/**
 * Drain before a scale-down removes a pod. Kubernetes alone would pick a pod
 * and SIGTERM it, cutting the streams in flight on it (vLLM has no
 * connection draining of its own). Instead, before the scale PATCH:
 *
 *   1. choose the victims (victims.ts): the pods the controller will remove
 *   2. mark them draining: the gateway sends them nothing new
 *   3. wait until their in-flight requests finish (ReplicaLoad.waitIdle),
 *      at most drainTimeout counted from when each drain began
 *   4. Deployment: annotate them with the lowest pod-deletion-cost, so the
 *      ReplicaSet controller deletes exactly those
 *   5. (the actuator) PATCH the scale
 *
 * Called again with a new count (the autoscaler changed its mind during the
 * drain), it re-chooses: victims still wanted keep their drain clock, the
 * others go back into service.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ReplicaLoad } from '../provider.js';
import { describeKubeError } from './kube-errors.js';
import type { KubeApi, WorkloadRef } from './kube-api.js';
import { DELETION_COST_ANNOTATION, pickVictims, victimDeletionCost } from './victims.js';
import type { WorkloadReplicas } from './workload-replicas.js';

export interface DrainDeps {
  model: string;
  ref: WorkloadRef;
  api: KubeApi;
  replicas: WorkloadReplicas;
  load: ReplicaLoad;
  drainTimeoutMs: number;
  clock: Clock;
  logger: Logger;
}

/** Chooses, drains and (Deployment) annotates the pods a scale from `current` to `n` removes. */
export async function prepareScale(d: DrainDeps, n: number, current: number, changed: AbortSignal): Promise<void> {
  const live = d.replicas.candidates((id) => d.load.inflight(d.model, id));
  // Pods not created yet go first (the controller just creates fewer), so only
  // min(live, current) - n existing pods are removed.
  const k = Math.max(0, Math.min(live.length, current) - n);
  const victims = pickVictims(d.ref.kind, live, k);
  release(d, d.replicas.setVictims(victims));
  if (victims.length === 0) return;
  d.logger.info({ model: d.model, victims, inflight: victims.map((id) => d.load.inflight(d.model, id)) }, 'draining pods before scale-down');
  const idle = Promise.all(
    victims.map((id) => {
      const since = d.replicas.victimSince(id) ?? d.clock.now();
      return d.load.waitIdle(d.model, id, Math.max(0, since + d.drainTimeoutMs - d.clock.now()));
    }),
  );
  await Promise.race([idle, abortion(changed)]);
  if (changed.aborted || d.ref.kind !== 'Deployment') return; // a StatefulSet removes its highest ordinals, which we chose
  const chosen = new Set(victims);
  const cost = String(victimDeletionCost(live.filter((c) => !chosen.has(c.id)).map((c) => c.deletionCost)));
  await Promise.all(victims.map((id) => d.api.annotatePod(d.ref.namespace, id, { [DELETION_COST_ANNOTATION]: cost })));
}

/**
 * Puts victims no scale-down removed back into service: when the count went
 * back up, or when the controller removed another pod than the one we chose
 * (its earlier ranks overrule the deletion cost). Call when no scale is in
 * progress: pods kept (not terminating, not victims) fewer than `spec` means
 * a victim is not going away.
 */
export function releaseStrandedVictims(d: DrainDeps, spec: number): void {
  const live = d.replicas.candidates(() => 0);
  const victims = live.filter((c) => d.replicas.victimSince(c.id) !== undefined);
  const kept = live.length - victims.length;
  if (victims.length === 0 || kept >= spec) return;
  const keepVictims = victims.slice(spec - kept).map((c) => c.id);
  release(d, d.replicas.setVictims(keepVictims));
}

/** Clears our deletion-cost annotation from pods back in service (best effort). */
function release(d: DrainDeps, ids: readonly string[]): void {
  if (ids.length === 0) return;
  d.logger.info({ model: d.model, pods: ids }, 'scale-down called off for these pods; back in service');
  if (d.ref.kind !== 'Deployment') return;
  const annotated = new Set(d.replicas.candidates(() => 0).filter((c) => c.deletionCost !== undefined).map((c) => c.id));
  for (const id of ids) {
    if (!annotated.has(id)) continue;
    d.api.annotatePod(d.ref.namespace, id, { [DELETION_COST_ANNOTATION]: null }).catch((err: unknown) => {
      d.logger.warn({ model: d.model, pod: id, error: describeKubeError(err) }, 'could not clear pod-deletion-cost');
    });
  }
}

function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
