/**
 * The cluster behind the fake API server, driven by the test: a
 * ReplicaSet/StatefulSet controller that creates and deletes pods when a
 * workload's spec.replicas changes (deleting in the real controllers'
 * order), and scheduler/kubelet steps that walk a pod through
 *
 *   Pending (PodScheduled=False Unschedulable) -> scheduled -> containers
 *   running -> Ready   (or crash-looping, OOMKilled, not Ready again)
 *
 * with the conditions, container states and timestamps a real cluster
 * writes. Each step takes an optional time (ms) so tests can set exact
 * timestamps; the default is now.
 */
import { rfc3339, type Condition, type ContainerStatus, type Pod, type Workload } from './objects.js';
import type { Store } from './store.js';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const TEMPLATE_HASH = '6d4cf56db6';

export interface ControllerOptions {
  /** Time source for timestamps (ms). */
  now?: () => number;
}

export class FakeController {
  /** Set: new pods are created unschedulable with this scheduler message. */
  unschedulableMessage: string | undefined;
  /** Called for every pod the controller creates (after it is stored). */
  onPodCreated: ((pod: Pod) => void) | undefined;
  /** When true, deleted pods stay terminating (deletionTimestamp set) until finishDeletion(). */
  holdDeletions = false;
  private seq = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    opts: ControllerOptions = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
  }

  /** The ReplicaSet / StatefulSet controller: make the pods match spec.replicas. */
  reconcile(w: Workload): void {
    const ns = w.metadata.namespace;
    const sel = Object.entries(w.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    const active = this.store.pods(ns, sel).filter((p) => !p.metadata.deletionTimestamp && p.status.phase !== 'Failed' && p.status.phase !== 'Succeeded');
    for (let i = active.length; i < w.spec.replicas; i++) this.createPod(w);
    const surplus = active.length - w.spec.replicas;
    if (surplus > 0) {
      const order = w.kind === 'StatefulSet' ? [...active].sort((a, b) => ordinal(b) - ordinal(a)) : [...active].sort(rsDeletionOrder);
      for (const p of order.slice(0, surplus)) this.deletePod(p.metadata.name, ns);
    }
    this.updateStatus(w);
  }

  private updateStatus(w: Workload): void {
    const sel = Object.entries(w.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = this.store.pods(w.metadata.namespace, sel).filter((p) => !p.metadata.deletionTimestamp);
    const ready = pods.filter((p) => cond(p, 'Ready')?.status === 'True').length;
    w.status = { observedGeneration: w.metadata.generation ?? 1, replicas: pods.length, readyReplicas: ready, availableReplicas: ready };
  }

  private createPod(w: Workload): Pod {
    const ns = w.metadata.namespace;
    const name = w.kind === 'StatefulSet' ? this.nextOrdinalName(w) : `${w.metadata.name}-${TEMPLATE_HASH}-${this.suffix()}`;
    const labels = { ...w.spec.template.metadata.labels, ...(w.kind === 'Deployment' ? { 'pod-template-hash': TEMPLATE_HASH } : { 'statefulset.kubernetes.io/pod-name': name }) };
    const now = rfc3339(this.now());
    const owner = w.kind === 'Deployment' ? { kind: 'ReplicaSet', name: `${w.metadata.name}-${TEMPLATE_HASH}` } : { kind: 'StatefulSet', name: w.metadata.name };
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        uid: this.store.uid(),
        resourceVersion: '',
        creationTimestamp: now,
        ...(w.kind === 'Deployment' ? { generateName: `${w.metadata.name}-${TEMPLATE_HASH}-` } : {}),
        labels,
        ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: w.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers: w.spec.template.spec.containers.map((c) => ({ name: c.name, image: c.image, ports: c.ports.map((p) => ({ containerPort: p.containerPort, protocol: 'TCP' as const })) })),
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
      },
      status: { phase: 'Pending', qosClass: 'Guaranteed' },
    };
    if (this.unschedulableMessage) pod.status.conditions = [condition('PodScheduled', 'False', now, 'Unschedulable', this.unschedulableMessage)];
    this.store.savePod(pod);
    this.onPodCreated?.(pod);
    return pod;
  }

  private nextOrdinalName(w: Workload): string {
    for (let i = 0; ; i++) {
      const name = `${w.metadata.name}-${i}`;
      if (!this.store.pod(w.metadata.namespace, name)) return name;
    }
  }

  private suffix(): string {
    let n = ++this.seq;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += SAFE_ALPHABET[n % SAFE_ALPHABET.length];
      n = Math.floor(n / SAFE_ALPHABET.length);
    }
    return s;
  }

  /** Graceful deletion: deletionTimestamp first (MODIFIED), then gone (DELETED) unless holdDeletions. */
  deletePod(name: string, namespace = 'default'): void {
    const pod = this.store.pod(namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    pod.metadata.deletionTimestamp = rfc3339(this.now() + 30_000);
    pod.metadata.deletionGracePeriodSeconds = 30;
    this.store.savePod(pod);
    if (!this.holdDeletions) setImmediate(() => this.store.removePod(namespace, name));
  }

  finishDeletion(name: string, namespace = 'default'): void {
    this.store.removePod(namespace, name);
  }

  // --- scheduler and kubelet steps ---------------------------------------------------------

  /** The scheduler found no node: PodScheduled=False, reason Unschedulable. */
  markUnschedulable(name: string, message: string, at = this.now(), namespace = 'default'): Pod {
    return this.update(namespace, name, (p) => setCondition(p, condition('PodScheduled', 'False', rfc3339(at), 'Unschedulable', message)));
  }

  /** Bound to a node: PodScheduled=True, Initialized (no init containers), containers creating. */
  schedule(name: string, at = this.now(), namespace = 'default', node = 'gpu-node-1'): Pod {
    return this.update(namespace, name, (p) => {
      const t = rfc3339(at);
      p.spec.nodeName = node;
      p.status.hostIP = '10.0.3.17';
      p.status.startTime = t;
      setCondition(p, condition('PodScheduled', 'True', t));
      setCondition(p, condition('Initialized', 'True', t));
      setCondition(p, condition('PodReadyToStartContainers', 'True', t));
      setCondition(p, condition('ContainersReady', 'False', t, 'ContainersNotReady', 'containers with unready status: [vllm]'));
      setCondition(p, condition('Ready', 'False', t, 'ContainersNotReady', 'containers with unready status: [vllm]'));
      p.status.containerStatuses = p.spec.containers.map((c) => containerStatus(c.name, c.image, { waiting: { reason: 'ContainerCreating' } }, false));
    });
  }

  /** Image pulled, container running (not Ready yet: the model is loading). */
  startContainers(name: string, podIP: string, at = this.now(), namespace = 'default'): Pod {
    return this.update(namespace, name, (p) => {
      const t = rfc3339(at);
      p.status.phase = 'Running';
      p.status.podIP = podIP;
      p.status.podIPs = [{ ip: podIP }];
      p.status.containerStatuses = p.spec.containers.map((c) => {
        const prev = p.status.containerStatuses?.find((s) => s.name === c.name);
        return { ...containerStatus(c.name, c.image, { running: { startedAt: t } }, true), restartCount: prev?.restartCount ?? 0, lastState: prev?.lastState ?? {} };
      });
    });
  }

  /** The readiness probe passed. */
  makeReady(name: string, at = this.now(), namespace = 'default'): Pod {
    return this.update(namespace, name, (p) => {
      const t = rfc3339(at);
      setCondition(p, condition('ContainersReady', 'True', t));
      setCondition(p, condition('Ready', 'True', t));
      for (const s of p.status.containerStatuses ?? []) s.ready = true;
    });
  }

  /** The readiness probe fails again (engine hung or dead). */
  makeNotReady(name: string, message = 'containers with unready status: [vllm]', at = this.now(), namespace = 'default'): Pod {
    return this.update(namespace, name, (p) => {
      const t = rfc3339(at);
      setCondition(p, condition('ContainersReady', 'False', t, 'ContainersNotReady', message));
      setCondition(p, condition('Ready', 'False', t, 'ContainersNotReady', message));
      for (const s of p.status.containerStatuses ?? []) s.ready = false;
    });
  }

  /** The container keeps exiting: CrashLoopBackOff with the last termination (Error exit 1, OOMKilled 137, ...). */
  crashLoop(name: string, last: { reason: string; exitCode: number }, restarts = 3, at = this.now(), namespace = 'default'): Pod {
    return this.update(namespace, name, (p) => {
      const t = rfc3339(at);
      p.status.phase = 'Running';
      setCondition(p, condition('ContainersReady', 'False', t, 'ContainersNotReady', 'containers with unready status: [vllm]'));
      setCondition(p, condition('Ready', 'False', t, 'ContainersNotReady', 'containers with unready status: [vllm]'));
      p.status.containerStatuses = p.spec.containers.map((c) => ({
        ...containerStatus(c.name, c.image, { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${c.name} pod=${name}_${namespace}(${p.metadata.uid})` } }, false),
        started: false,
        restartCount: restarts,
        lastState: { terminated: { exitCode: last.exitCode, reason: last.reason, startedAt: t, finishedAt: t, containerID: 'containerd://0b1c' } },
      }));
    });
  }

  /** All of it, with given times: schedule, start, Ready. */
  walkToReady(name: string, podIP: string, times: { scheduled?: number; started?: number; ready?: number } = {}, namespace = 'default'): Pod {
    this.schedule(name, times.scheduled, namespace);
    this.startContainers(name, podIP, times.started, namespace);
    return this.makeReady(name, times.ready, namespace);
  }

  private update(namespace: string, name: string, fn: (p: Pod) => void): Pod {
    const pod = this.store.pod(namespace, name);
    if (!pod) throw new Error(`fake-kube: no pod ${namespace}/${name}`);
    fn(pod);
    const saved = this.store.savePod(pod);
    for (const w of this.store.workloads()) if (w.metadata.namespace === namespace) this.updateStatus(w);
    return saved;
  }
}

function condition(type: string, status: Condition['status'], at: string, reason?: string, message?: string): Condition {
  return { type, status, lastProbeTime: null, lastTransitionTime: at, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** Replaces a condition; keeps lastTransitionTime when the status did not change (as the kubelet does). */
function setCondition(p: Pod, c: Condition): void {
  const list = p.status.conditions ?? [];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = list[i];
  if (prev && prev.status === c.status) c.lastTransitionTime = prev.lastTransitionTime;
  if (i >= 0) list[i] = c;
  else list.push(c);
  p.status.conditions = list;
}

function containerStatus(name: string, image: string, state: ContainerStatus['state'], started: boolean): ContainerStatus {
  return { name, image, imageID: '', ready: false, started, restartCount: 0, state, lastState: {} };
}

function cond(p: Pod, type: string): Condition | undefined {
  return p.status.conditions?.find((c) => c.type === type);
}

function ordinal(p: Pod): number {
  return Number(/-(\d+)$/.exec(p.metadata.name)?.[1] ?? -1);
}

/**
 * The ReplicaSet controller's order (ActivePodsWithRanks): unassigned first,
 * then Pending < Unknown < Running, not-ready before ready, lower
 * pod-deletion-cost first, then newer first.
 */
export function rsDeletionOrder(a: Pod, b: Pod): number {
  const assigned = (p: Pod): number => (p.spec.nodeName ? 1 : 0);
  const phase = (p: Pod): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status.phase as 'Pending'] ?? 2;
  const ready = (p: Pod): number => (cond(p, 'Ready')?.status === 'True' ? 1 : 0);
  const cost = (p: Pod): number => Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return (
    assigned(a) - assigned(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    cost(a) - cost(b) ||
    Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp) ||
    b.metadata.name.localeCompare(a.metadata.name)
  );
}
