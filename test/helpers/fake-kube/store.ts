/**
 * The fake API server's etcd: objects, one global resourceVersion counter,
 * and the history of pod changes that watches replay from a
 * resourceVersion. History older than `compactedBefore` is gone (as after
 * an etcd compaction): a watch from there gets 410 Gone.
 */
import { clone, labelsMatch, type Pod, type Workload, type WorkloadKind } from './objects.js';

export type PodEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface PodEvent {
  rv: number;
  type: PodEventType;
  pod: Pod;
}

export interface Watcher {
  namespace: string;
  selector: string;
  send(type: PodEventType, pod: Pod): void;
}

export class Store {
  private rv = 1000;
  private uidSeq = 0;
  private readonly podMap = new Map<string, Pod>();
  private readonly workloadMap = new Map<string, Workload>();
  readonly history: PodEvent[] = [];
  compactedBefore = 0;
  private readonly watchers = new Set<Watcher>();

  get resourceVersion(): number {
    return this.rv;
  }

  uid(): string {
    const n = (++this.uidSeq).toString(16).padStart(12, '0');
    return `6f1c2a9e-0000-4000-8000-${n}`;
  }

  workload(kind: WorkloadKind, namespace: string, name: string): Workload | undefined {
    return this.workloadMap.get(`${kind}/${namespace}/${name}`);
  }

  workloads(): Workload[] {
    return [...this.workloadMap.values()];
  }

  saveWorkload(w: Workload): Workload {
    w.metadata.resourceVersion = String(++this.rv);
    this.workloadMap.set(`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, w);
    return w;
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.podMap.get(`${namespace}/${name}`);
  }

  pods(namespace?: string, selector = ''): Pod[] {
    return [...this.podMap.values()].filter((p) => (namespace === undefined || p.metadata.namespace === namespace) && labelsMatch(selector, p.metadata.labels));
  }

  /** Stores a new or changed pod under a new resourceVersion and tells the watches. */
  savePod(pod: Pod): Pod {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const type: PodEventType = this.podMap.has(key) ? 'MODIFIED' : 'ADDED';
    pod.metadata.resourceVersion = String(++this.rv);
    this.podMap.set(key, pod);
    this.record(type, pod);
    return pod;
  }

  removePod(namespace: string, name: string): void {
    const pod = this.podMap.get(`${namespace}/${name}`);
    if (!pod) return;
    this.podMap.delete(`${namespace}/${name}`);
    pod.metadata.resourceVersion = String(++this.rv);
    this.record('DELETED', pod);
  }

  private record(type: PodEventType, pod: Pod): void {
    const snapshot = clone(pod);
    this.history.push({ rv: this.rv, type, pod: snapshot });
    for (const w of this.watchers) if (w.namespace === pod.metadata.namespace && labelsMatch(w.selector, pod.metadata.labels)) w.send(type, snapshot);
  }

  /** Events after `rv` for a watch, or undefined when that history was compacted away (410). */
  since(rv: number, namespace: string, selector: string): PodEvent[] | undefined {
    if (rv < this.compactedBefore) return undefined;
    return this.history.filter((e) => e.rv > rv && e.pod.metadata.namespace === namespace && labelsMatch(selector, e.pod.metadata.labels));
  }

  /** Forgets history up to now: watches from any older resourceVersion get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.rv;
  }

  subscribe(w: Watcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}
