/**
 * One model's data plane and replica lifecycle in virtual time: the same
 * admission rules as gateway/pool.ts (least-outstanding pick under a
 * per-replica cap, FIFO queue released only as capacity appears, a request
 * that finds no ready replica is a cold-start wait) and the same scale-down
 * order as providers/local (starting newest first, then ready with the
 * fewest in flight; a busy replica drains). The gateway's code needs sockets,
 * so this is a re-statement of its rules, not a reuse; the autoscaler side
 * (signals, policy, reconciler) is the real code, driven through SimProvider.
 *
 * Cost note: O(1) per request plus O(replicas) per pick; requests are
 * indices into the trace columns, never objects.
 */
import type { LoadSnapshot } from '../core/load.js';
import type { ReplicaInfo, ReplicaState } from '../providers/provider.js';
import type { GpuAccounting } from '../telemetry/gpu-accounting.js';
import type { ModelRecorder } from './recorder.js';
import { US_PER_MS } from './world.js';

/** What the pool asks of the event loop. */
export interface PoolScheduler {
  completeAt(tUs: number, slot: number): void;
  readyAt(tUs: number, slot: number): void;
}

interface SimReplica {
  slot: number;
  state: ReplicaState;
  inflight: number;
  info: ReplicaInfo;
}

export interface PoolInput {
  name: string;
  /** Per-replica cap; 0 = unlimited. */
  cap: number;
  arrivalUs: Float64Array;
  serviceUs: Float64Array;
  /** Cold start of the k-th replica started, µs. */
  coldStartUs(k: number): number;
}

export class SimPool {
  readonly name: string;
  private readonly all: SimReplica[] = [];
  private live: SimReplica[] = [];
  private infos: ReplicaInfo[] | null = null;
  private queue = new Int32Array(1024);
  private cold = new Uint8Array(1024);
  private qHead = 0;
  private qLen = 0;
  private rotation = 0;
  private integralMs = 0;
  private lastChangeUs: number;
  private heldSinceUs: number;
  private busySince: number | null = null;
  private idleSince: number | null = null;
  private lastArrivalAt: number | null = null;
  inflight = 0;
  arrivals = 0;
  target = 0;
  starts = 0;
  /** While true, replicas start ready (the state before the replay began). */
  warm = false;

  constructor(
    private readonly input: PoolInput,
    private readonly sched: PoolScheduler,
    private readonly rec: ModelRecorder,
    private readonly acct: GpuAccounting,
    startUs: number,
  ) {
    this.name = input.name;
    this.lastChangeUs = startUs;
    this.heldSinceUs = startUs;
  }

  get queued(): number {
    return this.qLen;
  }

  /** Replicas holding GPUs: starting, ready or draining. */
  get held(): number {
    return this.live.length;
  }

  /** A request arrives: served at once, or queued (returns false). */
  arrive(k: number, nowUs: number): boolean {
    this.arrivals++;
    // Busy/idle periods as gateway/pool.ts admit() and noteIdle() track them.
    const ms = nowUs / US_PER_MS;
    this.lastArrivalAt = ms;
    if (this.idleSince !== null || this.busySince === null) {
      this.busySince = ms;
      this.idleSince = null;
    }
    if (this.qLen === 0) {
      const r = this.pick();
      if (r) {
        this.grant(r, k, nowUs, false);
        return true;
      }
    }
    this.touch(nowUs);
    this.enqueue(k, !this.hasReady());
    return false;
  }

  complete(slot: number, nowUs: number): void {
    const r = this.all[slot];
    if (!r) return;
    this.touch(nowUs);
    r.inflight--;
    this.inflight--;
    if (r.inflight === 0) {
      if (r.state === 'draining') this.stop(r, nowUs);
      else this.acct.set(this.name, r.info.id, 'idle');
    }
    this.dispatch(nowUs);
    if (this.inflight + this.qLen === 0 && this.idleSince === null) this.idleSince = nowUs / US_PER_MS;
  }

  ready(slot: number, nowUs: number): void {
    const r = this.all[slot];
    if (!r || r.state !== 'starting') return; // removed while starting
    this.setState(r, 'ready', { readyAt: nowUs / US_PER_MS });
    this.acct.set(this.name, r.info.id, 'idle');
    this.dispatch(nowUs);
  }

  /** Level-triggered, like Provider.setReplicas. */
  setReplicas(n: number, nowUs: number): void {
    this.target = n;
    const active = this.live.filter((r) => r.state !== 'draining');
    for (let i = active.length; i < n; i++) this.create(nowUs);
    if (active.length > n) for (const r of this.victims(active, active.length - n)) this.remove(r, nowUs);
  }

  hasReady(): boolean {
    return this.live.some((r) => r.state === 'ready');
  }

  hasCapacityComing(): boolean {
    return this.live.some((r) => r.state === 'ready' || r.state === 'starting');
  }

  replicaInfos(): ReplicaInfo[] {
    this.infos ??= this.live.map((r) => r.info);
    return this.infos;
  }

  load(nowUs: number): LoadSnapshot {
    this.touch(nowUs);
    return {
      at: nowUs / US_PER_MS,
      inflight: this.inflight,
      queued: this.qLen,
      concurrencyMs: this.integralMs,
      arrivals: this.arrivals,
      busySince: this.busySince,
      idleSince: this.idleSince,
      lastArrivalAt: this.lastArrivalAt,
    };
  }

  /** Closes the replica-count time series at `nowUs`. */
  flush(nowUs: number): void {
    this.rec.held(this.heldSinceUs, nowUs, this.live.length);
    this.heldSinceUs = nowUs;
  }

  private grant(r: SimReplica, k: number, nowUs: number, cold: boolean): void {
    this.touch(nowUs);
    r.inflight++;
    this.inflight++;
    if (r.inflight === 1) this.acct.set(this.name, r.info.id, 'busy');
    const arrival = this.input.arrivalUs[k] as number;
    this.rec.granted(nowUs - arrival, cold, arrival);
    this.sched.completeAt(nowUs + (this.input.serviceUs[k] as number), r.slot);
  }

  private dispatch(nowUs: number): void {
    while (this.qLen > 0) {
      const r = this.pick();
      if (!r) return;
      const at = this.qHead;
      this.qHead = (this.qHead + 1) % this.queue.length;
      this.qLen--;
      this.grant(r, this.queue[at] as number, nowUs, this.cold[at] === 1);
    }
  }

  /** gateway/balancer.ts: least outstanding under the cap; ties rotate. */
  private pick(): SimReplica | undefined {
    const n = this.live.length;
    const cap = this.input.cap;
    let best: SimReplica | undefined;
    const start = this.rotation++;
    for (let i = 0; i < n; i++) {
      const r = this.live[(start + i) % n] as SimReplica;
      if (r.state !== 'ready' || (cap > 0 && r.inflight >= cap)) continue;
      if (!best || r.inflight < best.inflight) best = r;
    }
    return best;
  }

  private enqueue(k: number, cold: boolean): void {
    if (this.qLen === this.queue.length) this.growQueue();
    const at = (this.qHead + this.qLen) % this.queue.length;
    this.queue[at] = k;
    this.cold[at] = cold ? 1 : 0;
    this.qLen++;
  }

  private growQueue(): void {
    const size = this.queue.length * 2;
    const q = new Int32Array(size);
    const c = new Uint8Array(size);
    for (let i = 0; i < this.qLen; i++) {
      const from = (this.qHead + i) % this.queue.length;
      q[i] = this.queue[from] as number;
      c[i] = this.cold[from] as number;
    }
    this.queue = q;
    this.cold = c;
    this.qHead = 0;
  }

  private create(nowUs: number): void {
    const slot = this.all.length;
    const k = this.starts++;
    const ms = nowUs / US_PER_MS;
    // A warm replica was running before the replay: no startedAt, so no cold start is reported for it.
    const info: ReplicaInfo = { id: `${this.name}#${slot}`, model: this.name, state: 'starting', createdAt: ms, startedAt: this.warm ? undefined : ms, managed: true };
    const r: SimReplica = { slot, state: 'starting', inflight: 0, info };
    this.all.push(r);
    this.flush(nowUs);
    this.live.push(r);
    this.infos = null;
    this.rec.replicaStarted(this.warm);
    if (this.warm) {
      this.setState(r, 'ready', { readyAt: ms });
      this.acct.set(this.name, info.id, 'idle');
      return;
    }
    this.acct.set(this.name, info.id, 'starting');
    this.sched.readyAt(nowUs + this.input.coldStartUs(k), slot);
  }

  /** providers/local victims(): starting first (newest first), then ready with the fewest in flight. */
  private victims(active: SimReplica[], n: number): SimReplica[] {
    const rank = (r: SimReplica): number => (r.state === 'starting' ? 0 : 1);
    return [...active].sort((a, b) => rank(a) - rank(b) || a.inflight - b.inflight || b.slot - a.slot).slice(0, n);
  }

  private remove(r: SimReplica, nowUs: number): void {
    if (r.inflight > 0) {
      this.setState(r, 'draining', {});
      this.acct.set(this.name, r.info.id, 'draining');
      return;
    }
    this.stop(r, nowUs);
  }

  private stop(r: SimReplica, nowUs: number): void {
    this.flush(nowUs);
    this.setState(r, 'stopped', {});
    this.live = this.live.filter((x) => x !== r);
    this.acct.set(this.name, r.info.id, undefined);
  }

  private setState(r: SimReplica, state: ReplicaState, extra: Partial<ReplicaInfo>): void {
    r.state = state;
    r.info = { ...r.info, ...extra, state };
    this.infos = null;
  }

  /** Keeps the integral of (in flight + queued) up to date; call before either changes. */
  private touch(nowUs: number): void {
    this.integralMs += ((this.inflight + this.qLen) * (nowUs - this.lastChangeUs)) / US_PER_MS;
    this.lastChangeUs = nowUs;
  }
}
