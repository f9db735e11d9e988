/**
 * The pods of one workload as replicas: pod snapshots in (from LIST and
 * WATCH), ReplicaInfo events out, only when something the data plane cares
 * about changed (so a re-list that finds nothing new emits nothing).
 *
 *   pod status (pod-state.ts)      replica state
 *   unschedulable / not scheduled  pending   (reason: the scheduler's message)
 *   starting                       starting
 *   Ready, health GET not yet 200  starting  ("trust but verify", once per Ready)
 *   Ready, health GET 200          ready     (url http://podIP:port)
 *   not Ready after being ready    failed    (out of rotation until Ready again)
 *   crash-looping / Failed         failed    (reason from the container)
 *   chosen for a scale-down        draining  (pending ones stay pending)
 *   deletionTimestamp set          draining  (unscheduled: pending; failed: failed)
 *   gone from the API              stopped
 *
 * startedAt is the pod's creationTimestamp: GPU capacity is bought from the
 * moment the pod exists (a node may be provisioned for it), not from when a
 * container starts. readyAt is the later of the Ready condition's transition
 * and the passing health GET.
 */
import type { CancelTimer, Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ReplicaEvent, ReplicaInfo, ReplicaState } from '../provider.js';
import { coldStartPhases, podOrdinal, podStatus } from './pod-state.js';
import { condition, type PodView } from './pod-view.js';
import type { Candidate } from './victims.js';

export interface WorkloadReplicasDeps {
  model: string;
  port: number;
  healthPath: string;
  clock: Clock;
  logger: Logger;
  emit(ev: ReplicaEvent): void;
  probe(baseUrl: string, path: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }>;
  healthRetryMs: number;
  healthTimeoutMs: number;
}

interface Tracked {
  view: PodView;
  /** What was last emitted for this pod. */
  info: ReplicaInfo | undefined;
  /** When the health GET passed for the current Ready spell. */
  verifiedAt: number | undefined;
  probing: boolean;
  retry: CancelTimer | undefined;
  /** Seen not Ready first: its start-up is a cold start this gateway watched. */
  sawStart: boolean;
  everReady: boolean;
  /** Chosen for a scale-down at this time (ms). */
  victimSince: number | undefined;
}

export class WorkloadReplicas {
  private readonly pods = new Map<string, Tracked>();
  private closed = false;

  constructor(private readonly d: WorkloadReplicasDeps) {}

  /** A full LIST: pods missing from it were deleted while we were not watching. */
  replace(views: readonly PodView[]): void {
    const seen = new Set(views.map((v) => v.name));
    for (const [name, t] of this.pods) if (!seen.has(name)) this.remove(t);
    for (const v of views) this.upsert(v);
  }

  apply(type: string, view: PodView): void {
    if (type === 'DELETED') {
      const t = this.pods.get(view.name);
      if (t && t.view.uid === view.uid) this.remove(t);
      return;
    }
    this.upsert(view);
  }

  list(): ReplicaInfo[] {
    return [...this.pods.values()].map((t) => t.info).filter((i): i is ReplicaInfo => i !== undefined);
  }

  /** Pods that still count toward the workload's replicas (not being deleted, not finished). */
  candidates(inflight: (id: string) => number): (Candidate & { deletionCost: string | undefined })[] {
    const out: (Candidate & { deletionCost: string | undefined })[] = [];
    for (const t of this.pods.values()) {
      if (t.view.deletingAt !== undefined || t.view.phase === 'Succeeded' || t.view.phase === 'Failed' || !t.info) continue;
      const id = t.view.name;
      out.push({ id, state: t.info.state, inflight: inflight(id), createdAt: t.view.createdAt, ordinal: podOrdinal(id), deletionCost: t.view.annotations['controller.kubernetes.io/pod-deletion-cost'] });
    }
    return out;
  }

  /** Makes exactly `ids` the scale-down victims; returns the ones put back into service. */
  setVictims(ids: readonly string[]): string[] {
    const want = new Set(ids);
    const released: string[] = [];
    for (const t of this.pods.values()) {
      const is = t.victimSince !== undefined;
      if (want.has(t.view.name) === is) continue;
      if (is) released.push(t.view.name);
      t.victimSince = is ? undefined : this.d.clock.now();
      this.refresh(t);
    }
    return released;
  }

  victimSince(id: string): number | undefined {
    return this.pods.get(id)?.victimSince;
  }

  close(): void {
    this.closed = true;
    for (const t of this.pods.values()) t.retry?.();
  }

  private upsert(view: PodView): void {
    let t = this.pods.get(view.name);
    if (t && t.view.uid !== view.uid) {
      // Same name, new pod (a StatefulSet re-creates pods under their old names).
      this.remove(t);
      t = undefined;
    }
    if (!t) {
      t = { view, info: undefined, verifiedAt: undefined, probing: false, retry: undefined, sawStart: podStatus(view).kind !== 'ready', everReady: false, victimSince: undefined };
      this.pods.set(view.name, t);
    }
    t.view = view;
    this.refresh(t);
  }

  private remove(t: Tracked): void {
    this.pods.delete(t.view.name);
    t.retry?.();
    const prev = t.info;
    if (!prev || prev.state === 'failed') return; // failed is already final for the data plane
    this.emit(t, { ...prev, state: 'stopped', reason: 'pod deleted', phases: undefined });
  }

  /** Recomputes the pod's replica info, emits it if it changed, and starts a health GET when due. */
  private refresh(t: Tracked): void {
    const st = podStatus(t.view);
    if (st.kind !== 'ready') {
      t.verifiedAt = undefined;
      t.retry?.();
      t.retry = undefined;
    } else if (t.verifiedAt === undefined) this.verify(t);
    const next = this.compute(t, st.kind, st.reason);
    const prev = t.info;
    // A pod's IP does not change during its life; reasons of pending pods are news ("0/3 nodes ...").
    const changed = !prev || prev.state !== next.state || (next.state === 'pending' && prev.reason !== next.reason);
    if (!changed) {
      t.info = { ...next, phases: prev.phases, readyAt: prev.readyAt };
      return;
    }
    if (next.state === 'ready') t.everReady = true;
    this.emit(t, next);
  }

  private compute(t: Tracked, kind: ReturnType<typeof podStatus>['kind'], reason: string | undefined): ReplicaInfo {
    const v = t.view;
    let state: ReplicaState;
    switch (kind) {
      case 'terminating': {
        // Being deleted: out of rotation. A pod that never got a node holds nothing to drain,
        // and a failed one stays failed (the data plane has already let it go).
        const before = podStatus({ ...v, deletingAt: undefined }).kind;
        state = before === 'unschedulable' ? 'pending' : before === 'failed' || t.info?.state === 'failed' ? 'failed' : 'draining';
        break;
      }
      case 'failed':
        state = 'failed';
        break;
      case 'unschedulable':
        state = 'pending';
        break;
      case 'starting':
        state = t.everReady ? 'failed' : 'starting';
        if (t.everReady) reason = `not ready: ${condition(v, 'Ready')?.message ?? 'readiness probe failing'}`;
        break;
      case 'ready':
        state = t.verifiedAt !== undefined ? 'ready' : 'starting';
        break;
    }
    if (t.victimSince !== undefined && (state === 'starting' || state === 'ready')) state = 'draining';
    if (t.victimSince !== undefined && state === 'pending') reason = 'removed by a scale-down';
    // The pool records a cold start (and its phases) for a managed replica's first ready only.
    const managed = t.sawStart && !t.everReady;
    const readyLtt = condition(v, 'Ready')?.at;
    const readyAt = state === 'ready' ? Math.max(readyLtt ?? 0, managed ? (t.verifiedAt ?? 0) : 0) || t.verifiedAt : undefined;
    return {
      id: v.name,
      model: this.d.model,
      state,
      url: v.podIP ? podUrl(v.podIP, this.d.port) : undefined,
      createdAt: v.createdAt,
      startedAt: v.createdAt,
      readyAt,
      reason: state === 'ready' || state === 'draining' ? undefined : reason,
      managed,
      phases: state === 'ready' && managed ? coldStartPhases(v) : undefined,
    };
  }

  /** One health GET against the pod itself; retried while the pod stays Ready and unverified. */
  private verify(t: Tracked): void {
    if (t.probing || t.retry || this.closed || !t.view.podIP) return;
    const uid = t.view.uid;
    const url = podUrl(t.view.podIP, this.d.port);
    t.probing = true;
    void this.d.probe(url, this.d.healthPath, this.d.healthTimeoutMs).then((res) => {
      t.probing = false;
      if (this.closed || this.pods.get(t.view.name) !== t || t.view.uid !== uid || podStatus(t.view).kind !== 'ready') return;
      if (res.ok) {
        t.verifiedAt = this.d.clock.now();
        this.refresh(t);
        return;
      }
      this.d.logger.debug({ model: this.d.model, pod: t.view.name, detail: res.detail }, 'pod is Ready but its health check failed; retrying');
      t.retry = this.d.clock.setTimer(this.d.healthRetryMs, () => {
        t.retry = undefined;
        if (!this.closed && this.pods.get(t.view.name) === t) this.refresh(t);
      });
    });
  }

  private emit(t: Tracked, next: ReplicaInfo): void {
    const previous = t.info?.state;
    t.info = next;
    if (this.closed) return;
    this.d.emit({ replica: next, previous });
  }
}

/** http://10.1.2.3:8000, or http://[fd00::5]:8000 for an IPv6 pod. */
function podUrl(ip: string, port: number): string {
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}
