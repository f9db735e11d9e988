/**
 * provider.type: kubernetes -- replicas are the pods of a Deployment or
 * StatefulSet that pilotlight scales through its `scale` subresource.
 *
 * Per model:
 *   start:  read the workload's selector and current scale (so a restarted
 *           gateway continues from the cluster's state), LIST + WATCH its
 *           pods (pod-watch.ts), map them to replicas (workload-replicas.ts)
 *   setReplicas(n): level-triggered; the actuator (scale-actuator.ts) re-reads
 *           the scale (another writer's count is adopted, not overwritten),
 *           drains scale-down victims (drain.ts), then PATCHes
 *           spec.replicas = n, retrying with backoff; the latest n wins
 *   close:  stops watches and timers; the workload is NOT scaled down (other
 *           gateway replicas keep serving it; a restart picks up from it)
 */
import type { ResolvedModel } from '../../config/resolve.js';
import type { KubernetesProviderConfig } from '../../config/schema.js';
import { every, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { probeHealth } from '../probe.js';
import type { Provider, ReplicaInfo, ReplicaListener, ReplicaLoad } from '../provider.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { prepareScale, releaseStrandedVictims, type DrainDeps } from './drain.js';
import { describeKubeError, isTransient } from './kube-errors.js';
import { createKubeApi, WATCH_TIMEOUT_S, type KubeApi, type WorkloadRef } from './kube-api.js';
import { PodWatch } from './pod-watch.js';
import { ScaleActuator } from './scale-actuator.js';
import { WorkloadReplicas } from './workload-replicas.js';

/** The scale is re-read this often: another writer's count is adopted within it (the lease holder then re-decides). */
const RESYNC_MS = 30_000;

export interface KubernetesProviderOptions {
  /** Backoff of every API retry (scale, list, watch, start-up reads). */
  backoff?: BackoffOptions;
  /** Pause between health GETs of a Ready pod that does not answer 200 yet. Default 1 s. */
  healthRetryMs?: number;
  healthTimeoutMs?: number;
  /** A watch silent this long is restarted. Default: the server-side watch timeout + 60 s. */
  watchIdleTimeoutMs?: number;
  /** How often the scale is re-read to notice drift (default 30 s). */
  resyncMs?: number;
  /** Builds the API client of a model (default: @kubernetes/client-node from the model's kubeconfig/context). */
  api?: (cfg: KubernetesProviderConfig) => KubeApi;
}

interface Workload {
  model: string;
  ref: WorkloadRef;
  api: KubeApi;
  replicas: WorkloadReplicas;
  actuator: ScaleActuator;
  drain: DrainDeps;
  watch: PodWatch | undefined;
  listed: () => void;
  logger: Logger;
}

export class KubernetesProvider implements Provider {
  readonly kind = 'kubernetes';
  readonly scalable = true;
  private readonly workloads = new Map<string, Workload>();
  private readonly listeners = new Set<ReplicaListener>();
  private readonly abort = new AbortController();
  private started = false;

  constructor(
    models: readonly ResolvedModel[],
    private readonly load: ReplicaLoad,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: KubernetesProviderOptions = {},
  ) {
    for (const m of models) if (m.provider.type === 'kubernetes') this.workloads.set(m.name, this.create(m.name, m.provider));
  }

  private create(model: string, cfg: KubernetesProviderConfig): Workload {
    const api = (this.opts.api ?? createKubeApi)(cfg);
    const ref: WorkloadRef = { kind: cfg.kind, namespace: cfg.namespace ?? api.defaultNamespace, name: cfg.name };
    const logger = this.logger.child({ model, workload: `${ref.kind.toLowerCase()}/${ref.name}`, namespace: ref.namespace });
    const replicas = new WorkloadReplicas({
      model,
      port: cfg.port,
      healthPath: cfg.healthPath,
      clock: this.clock,
      logger,
      emit: (ev) => {
        for (const l of this.listeners) l(ev);
      },
      probe: probeHealth,
      healthRetryMs: this.opts.healthRetryMs ?? 1000,
      healthTimeoutMs: this.opts.healthTimeoutMs ?? 5000,
    });
    const drain: DrainDeps = { model, ref, api, replicas, load: this.load, drainTimeoutMs: cfg.drainTimeout, clock: this.clock, logger };
    let listed: () => void = () => undefined;
    const initialised = new Promise<void>((resolve) => (listed = resolve));
    const actuator = new ScaleActuator(
      {
        read: () => api.readScale(ref),
        prepare: (n, current, changed) => prepareScale(drain, n, current, changed),
        patch: (n) => api.patchScale(ref, n),
        settled: (spec) => releaseStrandedVictims(drain, spec),
      },
      this.clock,
      this.backoff(),
      logger,
      initialised,
    );
    return { model, ref, api, replicas, actuator, drain, watch: undefined, listed, logger };
  }

  private backoff(): Backoff {
    return new Backoff(this.opts.backoff ?? DEFAULT_BACKOFF);
  }

  /** Reads each workload and starts watching its pods (call once listeners are attached). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const w of this.workloads.values()) void this.init(w);
  }

  /** Selector and current scale, retried until they can be read (RBAC fixed, workload created). */
  private async init(w: Workload): Promise<void> {
    const backoff = this.backoff();
    let selector: string | undefined;
    while (!this.abort.signal.aborted && selector === undefined) {
      try {
        const sel = await w.api.readSelector(w.ref);
        w.actuator.observed(await w.api.readScale(w.ref));
        selector = sel;
      } catch (err) {
        const delay = backoff.next(!isTransient(err));
        w.logger.error({ error: describeKubeError(err), retryInMs: delay }, `cannot read ${w.ref.kind} ${w.ref.namespace}/${w.ref.name}; retrying`);
        await this.clock.sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
    if (selector === undefined) return;
    w.logger.info({ selector, replicas: w.actuator.spec }, 'watching pods');
    const sink = {
      replace: (pods: Parameters<WorkloadReplicas['replace']>[0]) => {
        w.replicas.replace(pods);
        this.afterPodChange(w);
      },
      apply: (type: string, pod: Parameters<WorkloadReplicas['apply']>[1]) => {
        w.replicas.apply(type, pod);
        this.afterPodChange(w);
      },
    };
    const idleMs = this.opts.watchIdleTimeoutMs ?? (WATCH_TIMEOUT_S + 60) * 1000;
    w.watch = new PodWatch(w.api, w.ref.namespace, selector, sink, this.clock, this.backoff(), w.logger, idleMs);
    void w.watch.run(w.listed);
    const stop = every(this.clock, this.opts.resyncMs ?? RESYNC_MS, () => void this.resync(w));
    this.abort.signal.addEventListener('abort', stop, { once: true });
  }

  /** Re-reads the scale so another writer's count (a new lease holder, `kubectl scale`) is seen and adopted. */
  private async resync(w: Workload): Promise<void> {
    if (!w.actuator.idle || this.abort.signal.aborted) return;
    try {
      w.actuator.resynced(await w.api.readScale(w.ref));
    } catch (err) {
      w.logger.warn({ error: describeKubeError(err) }, 'cannot re-read the scale; keeping the last known value');
    }
  }

  private afterPodChange(w: Workload): void {
    const spec = w.actuator.spec;
    if (w.actuator.idle && spec !== undefined) releaseStrandedVictims(w.drain, spec);
  }

  setReplicas(model: string, n: number): void {
    if (this.abort.signal.aborted) return;
    this.workloads.get(model)?.actuator.set(Math.max(0, Math.floor(n)));
  }

  targetReplicas(model: string): number {
    return this.workloads.get(model)?.actuator.wanted ?? 0;
  }

  listReplicas(model: string): ReplicaInfo[] {
    return this.workloads.get(model)?.replicas.list() ?? [];
  }

  subscribe(listener: ReplicaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching; leaves the workload's scale as it is (see the file comment). */
  async close(): Promise<void> {
    this.abort.abort();
    for (const w of this.workloads.values()) {
      w.actuator.close();
      w.watch?.close();
      w.replicas.close();
    }
  }
}
