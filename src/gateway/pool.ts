/**
 * A model's replicas as the data plane sees them, and its admission queue
 * (the activator). Requests take a lease on the least-loaded ready replica
 * under its cap; when none is free they wait in a bounded FIFO, released
 * only as fast as capacity appears (a request finishing, a replica becoming
 * ready) -- never all dumped on the first replica that comes up.
 *
 * Nothing here awaits anything remote. The pool also keeps the load numbers
 * the autoscaler reads (in memory, O(1) per change): in-flight, queued, a
 * monotonic time integral of both, and a monotonic arrival count, so a
 * missed poll loses nothing.
 */
import type { ResolvedModel } from '../config/resolve.js';
import type { Clock } from '../core/clock.js';
import { PilotlightError } from '../core/errors.js';
import type { LoadSnapshot } from '../core/load.js';
import type { Logger } from '../core/logger.js';
import type { ReplicaEvent, ReplicaInfo } from '../providers/provider.js';
import { countReplicas } from '../providers/provider.js';
import type { GpuAccounting } from '../telemetry/gpu-accounting.js';
import type { Metrics } from '../telemetry/metrics.js';
import { pickLeastOutstanding } from './balancer.js';
import { Endpoint } from './endpoint.js';
import { Fifo, type FifoEntry } from './fifo.js';
import { ColdStartEstimate } from './cold-start-estimate.js';
import { ModelPoolMetrics } from './pool-metrics.js';

export interface Lease {
  readonly endpoint: Endpoint;
  /** The request found no ready replica and waited for one to start. */
  readonly coldStart: boolean;
  readonly waitedMs: number;
  release(): void;
}

interface Waiter extends FifoEntry {
  enqueuedAt: number;
  coldStart: boolean;
  exclude: ReadonlySet<Endpoint> | undefined;
  resolve(l: Lease): void;
  reject(e: unknown): void;
  cancelTimer(): void;
  detach(): void;
}

export interface PoolDeps {
  clock: Clock;
  metrics: Metrics;
  accounting: GpuAccounting;
  logger: Logger;
  /** Called when a request waits and nothing is starting: scale up now, not at the next tick. */
  onDemand(model: string): void;
}

/** A slot on one replica; release() gives it back (once, however often it is called). */
class PoolLease implements Lease {
  private released = false;

  constructor(
    private readonly pool: ModelPool,
    readonly endpoint: Endpoint,
    readonly coldStart: boolean,
    readonly waitedMs: number,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.releaseSlot(this.endpoint);
  }
}

export class ModelPool {
  readonly name: string;
  readonly m: ModelPoolMetrics;
  private readonly endpoints: Endpoint[] = [];
  private readonly byId = new Map<string, Endpoint>();
  private readonly replicas = new Map<string, ReplicaInfo>();
  private readonly queue = new Fifo<Waiter>();
  private readonly idleWaiters = new Map<string, (() => void)[]>();
  private readonly coldStart: ColdStartEstimate;
  private rotation = 0;
  private inflightCount = 0;
  private integralMs = 0;
  private lastChange: number;
  private arrivalCount = 0;
  private busySince: number | null = null;
  private idleSince: number | null = null;
  private lastArrivalAt: number | null = null;
  private closed = false;
  /** Last start-up failure, kept for error messages. */
  private lastStartFailure: string | undefined;

  constructor(
    readonly model: ResolvedModel,
    private readonly deps: PoolDeps,
  ) {
    this.name = model.name;
    this.lastChange = deps.clock.now();
    this.m = new ModelPoolMetrics(deps.metrics, model.name);
    const initial = model.provider.type === 'static' ? undefined : model.provider.expectedColdStart;
    this.coldStart = new ColdStartEstimate(initial ?? 60_000);
  }

  get inflight(): number {
    return this.inflightCount;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** A new request: counted, and given a lease at once if a replica has room (else call wait()). */
  admit(): Lease | undefined {
    this.arrivalCount++;
    const now = this.deps.clock.now();
    this.lastArrivalAt = now;
    if (this.idleSince !== null || this.busySince === null) {
      this.busySince = now;
      this.idleSince = null;
    }
    return this.tryAcquire();
  }

  /** Called after in-flight or queued went down: marks the start of an idle period. */
  private noteIdle(): void {
    if (this.inflightCount + this.queue.size > 0 || this.idleSince !== null) return;
    this.idleSince = this.deps.clock.now();
  }

  /** A lease now, or undefined when no ready replica has room. */
  tryAcquire(exclude?: ReadonlySet<Endpoint>): Lease | undefined {
    if (this.queue.size > 0 && !exclude) return undefined; // FIFO: do not overtake waiters
    const e = pickLeastOutstanding(this.endpoints, this.rotation++, exclude);
    return e ? this.grant(e, this.deps.clock.now(), false) : undefined;
  }

  /** Waits in the admission queue for a free replica. */
  wait(signal?: AbortSignal, exclude?: ReadonlySet<Endpoint>): Promise<Lease> {
    if (this.closed) return this.refuse(new PilotlightError('shutting_down', 'the gateway is shutting down', { retryAfterS: 1 }));
    const { maxReplicas } = this.model.scaling;
    if (maxReplicas === 0 && this.model.provider.type !== 'static') {
      return this.refuse(new PilotlightError('no_capacity', `model ${this.name} has maxReplicas 0`));
    }
    if (this.model.provider.type === 'static' && !this.hasCapacityComing()) {
      return this.refuse(
        new PilotlightError('upstream_unavailable', `model ${this.name}: no healthy replica (all fixed endpoints fail their health checks)`, {
          retryAfterS: Math.max(1, Math.ceil(this.model.provider.probeInterval / 1000)),
        }),
      );
    }
    const { maxPending, timeout } = this.model.queue;
    if (this.queue.size >= maxPending) {
      return this.refuse(
        new PilotlightError('queue_full', `model ${this.name}: ${this.queue.size} requests already waiting (queue.maxPending ${maxPending})`, {
          retryAfterS: this.retryAfterS(),
        }),
      );
    }
    const now = this.deps.clock.now();
    return new Promise<Lease>((resolve, reject) => {
      const w: Waiter = {
        removed: false,
        enqueuedAt: now,
        coldStart: !this.hasReady(),
        exclude,
        resolve,
        reject,
        cancelTimer: () => undefined,
        detach: () => undefined,
      };
      this.touch(now);
      this.queue.push(w);
      if (this.idleSince !== null) {
        this.idleSince = null; // a retry re-queued after its attempt ended: still the same busy period
      }
      w.cancelTimer = this.deps.clock.setTimer(timeout, () => {
        this.drop(w);
        const waited = this.deps.clock.now() - w.enqueuedAt;
        reject(
          new PilotlightError('queue_timeout', `model ${this.name}: no replica became free within ${Math.round(waited / 1000)}s (queue.timeout)`, {
            retryAfterS: this.retryAfterS(),
          }),
        );
      });
      if (signal) {
        const onAbort = (): void => {
          this.drop(w);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        w.detach = () => signal.removeEventListener('abort', onAbort);
      }
      if (!this.hasCapacityComing()) this.deps.onDemand(this.name);
      else this.dispatch();
    });
  }

  /** A request answered without waiting: it may have been the only one (the model is idle again). */
  private refuse(err: PilotlightError): Promise<Lease> {
    this.noteIdle();
    return Promise.reject(err);
  }

  private drop(w: Waiter): void {
    if (w.removed) return;
    this.touch(this.deps.clock.now());
    this.queue.take(w);
    w.cancelTimer();
    w.detach();
    this.noteIdle();
  }

  private grant(e: Endpoint, now: number, coldStart: boolean, enqueuedAt = now): Lease {
    this.touch(now);
    e.inflight++;
    this.inflightCount++;
    if (e.inflight === 1 && e.routable) this.deps.accounting.set(this.name, e.id, 'busy');
    return new PoolLease(this, e, coldStart, now - enqueuedAt);
  }

  /** @internal Called once per lease, by PoolLease.release(). */
  releaseSlot(e: Endpoint): void {
    this.touch(this.deps.clock.now());
    e.inflight--;
    this.inflightCount--;
    if (e.inflight === 0) {
      if (e.routable) this.deps.accounting.set(this.name, e.id, 'idle');
      const waiters = this.idleWaiters.get(e.id);
      if (waiters) {
        this.idleWaiters.delete(e.id);
        for (const fn of waiters) fn();
      }
    }
    this.dispatch();
    this.noteIdle();
  }

  /** Hands free slots to waiters in FIFO order (a waiter excluding every free replica is skipped). */
  private dispatch(): void {
    while (this.queue.size > 0) {
      let granted = false;
      for (const w of this.queue.entries()) {
        const e = pickLeastOutstanding(this.endpoints, this.rotation++, w.exclude);
        if (!e) {
          if (!w.exclude) return;
          continue;
        }
        this.drop(w);
        const now = this.deps.clock.now();
        const lease = this.grant(e, now, w.coldStart, w.enqueuedAt);
        this.m.observeQueued(lease.waitedMs, w.coldStart);
        w.resolve(lease);
        granted = true;
        break;
      }
      if (!granted) return;
    }
  }

  /** Keeps the integral of (inflight + queued) up to date; call before either changes. */
  private touch(now: number): void {
    this.integralMs += (this.inflightCount + this.queue.size) * (now - this.lastChange);
    this.lastChange = now;
  }

  load(): LoadSnapshot {
    const now = this.deps.clock.now();
    this.touch(now);
    return {
      at: now,
      inflight: this.inflightCount,
      queued: this.queue.size,
      concurrencyMs: this.integralMs,
      arrivals: this.arrivalCount,
      busySince: this.busySince,
      idleSince: this.idleSince,
      lastArrivalAt: this.lastArrivalAt,
    };
  }

  /** Does any replica take requests right now (busy or not)? */
  hasReady(): boolean {
    return this.endpoints.some((e) => e.routable);
  }

  /** Is a replica ready, starting or pending (so waiting makes sense without a nudge)? */
  private hasCapacityComing(): boolean {
    for (const r of this.replicas.values()) if (r.state === 'pending' || r.state === 'starting' || r.state === 'ready') return true;
    return false;
  }

  /** Seconds until capacity is likely: the nearest expected end of a cold start. */
  retryAfterS(): number {
    const now = this.deps.clock.now();
    let best: number | undefined;
    for (const r of this.replicas.values()) {
      if (r.state === 'ready') return 1;
      if (r.state === 'starting' || r.state === 'pending') {
        const left = this.coldStart.remainingMs(now - (r.startedAt ?? now));
        best = best === undefined ? left : Math.min(best, left);
      }
    }
    return Math.max(1, Math.ceil((best ?? this.coldStart.ms) / 1000));
  }

  /** Provider events: keep the routable set and the accounting in step. */
  onReplicaEvent(ev: ReplicaEvent): void {
    const r = ev.replica;
    const { accounting } = this.deps;
    switch (r.state) {
      case 'pending':
        this.replicas.set(r.id, r);
        break;
      case 'starting':
        this.replicas.set(r.id, r);
        accounting.set(this.name, r.id, 'starting');
        break;
      case 'ready':
        this.replicas.set(r.id, r);
        if (this.byId.has(r.id)) this.reopen(r.id);
        else this.addEndpoint(r);
        break;
      case 'draining': {
        this.replicas.set(r.id, r);
        const e = this.byId.get(r.id);
        if (e) e.routable = false;
        accounting.set(this.name, r.id, 'draining');
        break;
      }
      case 'stopped':
      case 'failed':
        this.removeReplica(r, ev.previous);
        break;
    }
  }

  private addEndpoint(r: ReplicaInfo): void {
    if (this.byId.has(r.id) || !r.url) return;
    const e = new Endpoint(r.id, r.url, this.model.scaling.maxConcurrencyPerReplica, this.model.routing.upstreamTimeout, this.deps.clock.now());
    this.endpoints.push(e);
    this.byId.set(r.id, e);
    this.deps.accounting.set(this.name, r.id, 'idle');
    if (r.managed && r.startedAt !== undefined && r.readyAt !== undefined) {
      const ms = r.readyAt - r.startedAt;
      this.coldStart.observe(ms);
      this.m.replicaReady(ms);
      if (r.phases) this.deps.metrics.observeColdStartPhases(this.name, r.phases);
    }
    this.lastStartFailure = undefined;
    this.deps.logger.info({ model: this.name, replica: r.id, url: r.url }, 'replica ready');
    this.dispatch();
  }

  /** A draining replica reported ready again (its scale-down was called off): route to it again. */
  private reopen(id: string): void {
    const e = this.byId.get(id);
    if (!e || e.routable) return;
    e.routable = true;
    this.deps.accounting.set(this.name, id, e.inflight > 0 ? 'busy' : 'idle');
    this.dispatch();
  }

  private removeReplica(r: ReplicaInfo, previous: string | undefined): void {
    this.replicas.delete(r.id);
    this.deps.accounting.set(this.name, r.id, undefined);
    const e = this.byId.get(r.id);
    if (e) {
      this.byId.delete(r.id);
      this.endpoints.splice(this.endpoints.indexOf(e), 1);
      if (r.state === 'failed') e.destroy();
      else e.close();
      const waiters = this.idleWaiters.get(r.id);
      this.idleWaiters.delete(r.id);
      for (const fn of waiters ?? []) fn();
    }
    if (r.state !== 'failed') return;
    this.deps.logger.warn({ model: this.name, replica: r.id, reason: r.reason }, 'replica failed');
    if (previous === 'starting' || previous === 'pending') {
      this.m.replicaFailed();
      this.lastStartFailure = r.reason ?? 'unknown reason';
      if (!this.hasCapacityComing()) {
        this.failWaiters(
          new PilotlightError('replica_start_failed', `model ${this.name}: replica failed to start: ${this.lastStartFailure}`, {
            retryAfterS: Math.max(1, Math.ceil(this.coldStart.ms / 1000)),
          }),
        );
      }
    } else if (this.model.provider.type === 'static' && !this.hasCapacityComing()) {
      // Fixed endpoints are not replaced: waiting would only end at queue.timeout.
      this.failWaiters(
        new PilotlightError('upstream_unavailable', `model ${this.name}: no healthy replica (${r.id}: ${r.reason ?? 'failed'})`, {
          retryAfterS: Math.max(1, Math.ceil(this.model.provider.probeInterval / 1000)),
        }),
      );
    }
  }

  /** Answers every waiter with `err` (nothing can serve them soon). */
  private failWaiters(err: PilotlightError): void {
    for (const w of [...this.queue.entries()]) {
      this.drop(w);
      w.reject(err);
    }
  }

  /** Resolves when the replica has nothing in flight, or at the deadline. */
  waitIdle(replicaId: string, timeoutMs: number): Promise<void> {
    const e = this.byId.get(replicaId);
    if (!e || e.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.deps.clock.setTimer(timeoutMs, resolve);
      const list = this.idleWaiters.get(replicaId) ?? [];
      list.push(() => {
        cancel();
        resolve();
      });
      this.idleWaiters.set(replicaId, list);
    });
  }

  status(): PoolStatus {
    const list = [...this.replicas.values()];
    return {
      name: this.name,
      inflight: this.inflightCount,
      queued: this.queue.size,
      replicas: countReplicas(list),
      expectedColdStartMs: Math.round(this.coldStart.ms),
      replicaList: list.map((r) => ({
        id: r.id,
        state: r.state,
        url: r.url,
        inflight: this.byId.get(r.id)?.inflight ?? 0,
        startedAt: r.startedAt,
        readyAt: r.readyAt,
        reason: r.reason,
        gpus: r.gpus,
      })),
    };
  }

  /** Shutdown: answer every waiter and stop routing. */
  close(): void {
    this.closed = true;
    for (const w of [...this.queue.entries()]) {
      this.drop(w);
      w.reject(new PilotlightError('shutting_down', 'the gateway is shutting down', { retryAfterS: 1 }));
    }
  }

  destroy(): void {
    this.close();
    for (const e of this.endpoints) e.destroy();
  }
}

export interface PoolStatus {
  name: string;
  inflight: number;
  queued: number;
  replicas: { pending: number; starting: number; ready: number; draining: number };
  expectedColdStartMs: number;
  replicaList: {
    id: string;
    state: string;
    url: string | undefined;
    inflight: number;
    startedAt: number | undefined;
    readyAt: number | undefined;
    reason: string | undefined;
    gpus: readonly string[] | undefined;
  }[];
}
