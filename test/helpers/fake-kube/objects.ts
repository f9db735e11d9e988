/**
 * The Kubernetes objects the fake API server stores, in their real JSON
 * shape (what `kubectl get -o json` prints): v1 Pod, apps/v1 Deployment and
 * StatefulSet, autoscaling/v1 Scale, v1 Status. Timestamps are RFC 3339
 * strings with one-second resolution, as the API server writes them.
 */

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generateName?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: string | null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: {
    containers: { name: string; image: string; ports: { containerPort: number; protocol: 'TCP' }[] }[];
    restartPolicy: 'Always';
    terminationGracePeriodSeconds: number;
    nodeName?: string;
    schedulerName: string;
  };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    conditions?: Condition[];
    hostIP?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    startTime?: string;
    qosClass: 'Guaranteed';
    containerStatuses?: ContainerStatus[];
    reason?: string;
    message?: string;
  };
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface Workload {
  apiVersion: 'apps/v1';
  kind: WorkloadKind;
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    serviceName?: string;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string; ports: { containerPort: number }[] }[] } };
  };
  status: { observedGeneration: number; replicas: number; readyReplicas: number; availableReplicas: number };
}

/** RFC 3339 with one-second resolution, as the API server writes timestamps. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** apiVersion + kind + metadata of a v1 Status, the body of every API error and of watch ERROR events. */
export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** The autoscaling/v1 Scale of a workload. spec.replicas 0 is omitted, as the real API does (omitempty). */
export function scaleOf(w: Workload): Record<string, unknown> {
  const m = w.metadata;
  const selector = Object.entries(w.spec.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: w.spec.replicas ? { replicas: w.spec.replicas } : {},
    status: { replicas: w.status.replicas, selector },
  };
}

export function labelsMatch(selector: string, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  // Equality-based terms (k=v, k==v, k!=v) and set-based "k in (a,b)": what the provider sends.
  for (const term of selector.split(/,(?![^(]*\))/)) {
    const t = term.trim();
    const inSet = /^([\w./-]+)\s+in\s+\(([^)]*)\)$/.exec(t);
    if (inSet) {
      const values = (inSet[2] ?? '').split(',').map((x) => x.trim());
      if (!values.includes(l[inSet[1] ?? ''] ?? '\u0000')) return false;
      continue;
    }
    const m = /^([\w./-]+)\s*(!=|==|=)\s*(.*)$/.exec(t);
    if (!m) return false;
    const [, key = '', op, value] = m;
    if (op === '!=' ? l[key] === value : l[key] !== value) return false;
  }
  return true;
}

/** Deep copy of a JSON object. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
