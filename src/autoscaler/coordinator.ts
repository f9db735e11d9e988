/**
 * Gateway replicas sharing one scaling brain through a StateStore. Every
 * `publishInterval`, off the request path:
 *
 *   1. publish this gateway's load (TTL 3 intervals: a dead gateway drops out)
 *   2. read every live gateway's load into ClusterLoad (the autoscaler's input)
 *   3. take or renew the scaling lease: the holder is the leader and acts;
 *      the others are followers and only show the leader's decisions
 *   4. on becoming leader, continue from the last saved decision and policy
 *      state of each model instead of starting cold
 *
 * When the store fails, the gateway turns `degraded`: it keeps serving,
 * scales on its own load but never down, and says so (log + metric). When the
 * store answers again, the next round restores the shared view.
 */
import { every, type CancelTimer, type Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { LoadSnapshot } from '../core/load.js';
import type { Logger } from '../core/logger.js';
import type { StateStore } from '../state/state-store.js';
import type { Autoscaler, AutoscalerMode } from './autoscaler.js';
import type { ClusterLoad } from './cluster-load.js';

export const LEASE_NAME = 'autoscaler';

export interface CoordinatorOptions {
  store: StateStore;
  selfId: string;
  models: readonly string[];
  localLoad(model: string): LoadSnapshot | undefined;
  cluster: ClusterLoad;
  autoscaler: Autoscaler;
  publishIntervalMs: number;
  leaseDurationMs: number;
  clock: Clock;
  logger: Logger;
}

export class Coordinator {
  private stop: CancelTimer | undefined;
  private running = false;
  private epoch = 0;
  private up: boolean | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: CoordinatorOptions) {
    o.autoscaler.onDecision((model, d) => {
      if (this.o.autoscaler.getMode() !== 'leader') return;
      this.o.store.saveDecision(model, { ...d, epoch: this.epoch }).catch((err: unknown) => this.degrade(err));
    });
  }

  get storeUp(): boolean | undefined {
    return this.up;
  }

  /** First round now, then one every publishInterval. */
  async start(): Promise<void> {
    await this.init();
    await this.round();
    this.stop = every(this.o.clock, this.o.publishIntervalMs, () => void this.round());
  }

  /** Subscribes to nudges; acts only once a round has said who leads. Tests drive round() themselves. */
  async init(): Promise<void> {
    this.o.autoscaler.setMode('follower');
    try {
      this.unsubscribe = await this.o.store.onNudge((model) => void this.onRemoteNudge(model));
    } catch (err) {
      this.degrade(err);
    }
  }

  /** A request waits at zero replicas on this gateway: scale now, here if we may, and tell the leader. */
  nudge(model: string): void {
    this.o.autoscaler.nudge(model);
    if (this.o.autoscaler.getMode() === 'follower') this.o.store.nudge(model).catch((err: unknown) => this.degrade(err));
  }

  private async onRemoteNudge(model: string): Promise<void> {
    if (this.o.autoscaler.getMode() !== 'leader') return;
    try {
      this.o.cluster.updateRemote(await this.o.store.readLoads());
    } catch (err) {
      this.degrade(err);
    }
    this.o.autoscaler.nudge(model);
  }

  /** One publish / read / lease round; never overlaps with the previous one. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { store, selfId } = this.o;
      const models: Record<string, LoadSnapshot> = {};
      for (const m of this.o.models) {
        const l = this.o.localLoad(m);
        if (l) models[m] = l;
      }
      await store.publishLoad({ gatewayId: selfId, models }, 3 * this.o.publishIntervalMs);
      this.o.cluster.updateRemote(await store.readLoads());
      const lease = await store.acquireLease(LEASE_NAME, selfId, this.o.leaseDurationMs);
      if (this.up === false) this.o.logger.info({ store: store.kind }, 'state store reachable again: shared scaling resumes');
      this.up = true;
      if (lease) await this.lead(lease.epoch);
      else await this.follow();
    } catch (err) {
      this.degrade(err);
    } finally {
      this.running = false;
    }
  }

  private async lead(epoch: number): Promise<void> {
    const was = this.o.autoscaler.getMode();
    if (was === 'leader' && epoch === this.epoch) return;
    // Same epoch: we held the lease throughout (e.g. a store outage we rode out
    // degraded); our in-memory state is the newest. A new epoch: continue from
    // whoever led last.
    let restored = 0;
    if (epoch !== this.epoch) {
      for (const m of this.o.models) {
        const saved = await this.o.store.loadDecision(m);
        if (saved && this.o.autoscaler.restore(m, saved)) restored++;
      }
    }
    this.epoch = epoch;
    this.setMode('leader');
    this.o.logger.info({ gateway: this.o.selfId, epoch, restored, previously: was }, 'this gateway now leads scaling');
  }

  private async follow(): Promise<void> {
    this.setMode('follower');
    for (const m of this.o.models) {
      const saved = await this.o.store.loadDecision(m);
      // Mirror the leader's policy state, not only its decision: if the store
      // loses it (a Redis restart without persistence) or goes away, this
      // gateway still holds what was learned, leads or scales degraded from
      // it, and saves it again when it takes the lease.
      if (saved && !this.o.autoscaler.restore(m, saved)) this.o.autoscaler.observe(m, { desired: saved.desired, reason: saved.reason, at: saved.at });
    }
  }

  private degrade(err: unknown): void {
    if (this.o.autoscaler.getMode() !== 'degraded') {
      this.o.logger.warn(
        { store: this.o.store.kind, err: describeError(err) },
        'state store unreachable: serving on, scaling on this gateway\'s own load (up only) until it is back',
      );
    }
    this.up = false;
    this.o.cluster.clearRemote();
    this.setMode('degraded');
  }

  private setMode(mode: AutoscalerMode): void {
    const prev = this.o.autoscaler.getMode();
    this.o.autoscaler.setMode(mode);
    if (prev !== mode && mode === 'follower') this.o.logger.info({ gateway: this.o.selfId }, 'another gateway leads scaling; following');
  }

  async close(): Promise<void> {
    this.stop?.();
    this.unsubscribe?.();
    if (this.o.autoscaler.getMode() === 'leader') await this.o.store.releaseLease(LEASE_NAME, this.o.selfId).catch(() => undefined);
    await this.o.store.close();
  }
}
