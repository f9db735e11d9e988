/**
 * The few Kubernetes API calls the provider makes, behind one narrow
 * interface, on top of @kubernetes/client-node (kubeconfig, in-cluster
 * service-account credentials, TLS, exec/OIDC auth plugins and the watch
 * stream are the library's; nothing here hand-writes auth).
 *
 * Scale goes through the `scale` subresource with a JSON merge patch
 * `{"spec":{"replicas":n}}`: idempotent, needs no resourceVersion, and
 * unlike a JSON Patch `replace` it does not fail on a Scale at 0 replicas,
 * whose `spec.replicas` is omitted from the JSON (omitempty).
 */
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { toPodView, type PodView, type RawPod } from './pod-view.js';
import { selectorString, type LabelSelector } from './selector.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export interface PodList {
  pods: PodView[];
  resourceVersion: string;
}

export interface WatchHandlers {
  /** One decoded watch event: ADDED/MODIFIED/DELETED (a pod), BOOKMARK, or ERROR (a Status). */
  onEvent(type: string, object: unknown): void;
  /** The stream ended: `err` is null for a clean close by the server. */
  onDone(err: unknown): void;
}

export interface KubeApi {
  /** The namespace of the current context (in-cluster: the pod's own), else "default". */
  readonly defaultNamespace: string;
  /** The workload's pod selector as a labelSelector query. */
  readSelector(ref: WorkloadRef): Promise<string>;
  /** spec.replicas of the scale subresource. */
  readScale(ref: WorkloadRef): Promise<number>;
  /** Sets spec.replicas through the scale subresource; returns the stored value. */
  patchScale(ref: WorkloadRef, replicas: number): Promise<number>;
  listPods(namespace: string, labelSelector: string): Promise<PodList>;
  /** Starts a watch; returns a function that stops it. */
  watchPods(namespace: string, labelSelector: string, resourceVersion: string, handlers: WatchHandlers): () => void;
  /** Merge-patches pod annotations (null removes one). */
  annotatePod(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void>;
}

export interface KubeApiOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/** How long the server may keep one watch open before we re-watch (the server may end it sooner). */
export const WATCH_TIMEOUT_S = 300;

/** Credentials: an explicit kubeconfig; else in-cluster; else $KUBECONFIG or ~/.kube/config. */
export function loadKubeConfig(opts: KubeApiOptions): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`kubeconfig has no context "${opts.context}"`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no Kubernetes cluster configured (no kubeconfig, not in a cluster)');
  return kc;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function createKubeApi(opts: KubeApiOptions): KubeApi {
  return new ClientKubeApi(loadKubeConfig(opts));
}

class ClientKubeApi implements KubeApi {
  readonly defaultNamespace: string;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly watch: Watch;

  constructor(kc: KubeConfig) {
    this.defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.watch = new Watch(kc);
  }

  async readSelector(ref: WorkloadRef): Promise<string> {
    const req = { name: ref.name, namespace: ref.namespace };
    const w = ref.kind === 'Deployment' ? await this.apps.readNamespacedDeployment(req) : await this.apps.readNamespacedStatefulSet(req);
    return selectorString(w.spec?.selector as LabelSelector | undefined);
  }

  async readScale(ref: WorkloadRef): Promise<number> {
    const req = { name: ref.name, namespace: ref.namespace };
    const s = ref.kind === 'Deployment' ? await this.apps.readNamespacedDeploymentScale(req) : await this.apps.readNamespacedStatefulSetScale(req);
    return s.spec?.replicas ?? 0;
  }

  async patchScale(ref: WorkloadRef, replicas: number): Promise<number> {
    const req = { name: ref.name, namespace: ref.namespace, body: { spec: { replicas } } };
    const s =
      ref.kind === 'Deployment'
        ? await this.apps.patchNamespacedDeploymentScale(req, mergePatch)
        : await this.apps.patchNamespacedStatefulSetScale(req, mergePatch);
    return s.spec?.replicas ?? 0;
  }

  async listPods(namespace: string, labelSelector: string): Promise<PodList> {
    const list = await this.core.listNamespacedPod({ namespace, labelSelector });
    const pods = list.items.map((p) => toPodView(p as RawPod)).filter((p): p is PodView => p !== undefined);
    return { pods, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  watchPods(namespace: string, labelSelector: string, resourceVersion: string, handlers: WatchHandlers): () => void {
    let stopped = false;
    let controller: AbortController | undefined;
    const query = { labelSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_S };
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    // watch() resolves once response headers arrive; a stop before that aborts as soon as it does.
    this.watch
      .watch(path, query, (type, obj) => stopped || handlers.onEvent(type, obj), (err) => stopped || handlers.onDone(err))
      .then(
        (c) => {
          controller = c;
          if (stopped) c.abort();
        },
        (err: unknown) => stopped || handlers.onDone(err),
      );
    return () => {
      stopped = true;
      controller?.abort();
    };
  }

  async annotatePod(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
    await this.core.patchNamespacedPod({ name, namespace, body: { metadata: { annotations } } }, mergePatch);
  }
}
