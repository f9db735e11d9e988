/**
 * The embedded default provider: replicas are local child processes.
 * Level-triggered: setReplicas records a target per model and reconcile()
 * makes the world match it, again after every replica event, so a crashed
 * replica is replaced and a pending one starts as soon as GPUs free up.
 *
 * Scale-down order: pending first (they hold nothing), then starting (newest
 * first: the least sunk cost), then ready replicas with the fewest requests in
 * flight, which drain before they stop.
 *
 * A model whose replicas keep failing backs off before the next start
 * (1 s, 2 s, 4 s ... up to 60 s, reset by a replica becoming ready), like a
 * Kubernetes CrashLoopBackOff, so a broken command does not spin.
 */
import type { LocalProviderConfig } from '../../config/schema.js';
import type { ResolvedModel } from '../../config/resolve.js';
import type { CancelTimer, Clock } from '../../core/clock.js';
import { formatDuration } from '../../core/duration.js';
import type { Logger } from '../../core/logger.js';
import type { Provider, ReplicaInfo, ReplicaListener, ReplicaLoad, ReplicaState } from '../provider.js';
import { buildArgv } from './command.js';
import { GpuInventory } from './gpu-inventory.js';
import { freePort } from './ports.js';
import { ReplicaProcess } from './replica-process.js';

interface Slot {
  info: ReplicaInfo;
  proc: ReplicaProcess | undefined;
  /** Set while a pending replica waits for its backoff to pass. */
  backoffTimer: CancelTimer | undefined;
  removing: boolean;
}

interface ModelState {
  model: ResolvedModel;
  cfg: LocalProviderConfig;
  target: number;
  slots: Slot[];
  failures: number;
  notBefore: number;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

export class LocalProvider implements Provider {
  readonly kind = 'local';
  readonly scalable = true;
  private readonly models = new Map<string, ModelState>();
  private readonly listeners = new Set<ReplicaListener>();
  private readonly gpus: GpuInventory;
  private seq = 0;
  private closed = false;

  constructor(
    models: readonly ResolvedModel[],
    gpuDevices: readonly (string | number)[] | undefined,
    private readonly load: ReplicaLoad,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.gpus = new GpuInventory(gpuDevices?.map(String));
    for (const m of models) {
      if (m.provider.type !== 'local') continue;
      this.models.set(m.name, { model: m, cfg: m.provider, target: 0, slots: [], failures: 0, notBefore: 0 });
    }
  }

  setReplicas(model: string, n: number): void {
    const st = this.models.get(model);
    if (!st || this.closed) return;
    st.target = n;
    this.reconcile(st);
  }

  targetReplicas(model: string): number {
    return this.models.get(model)?.target ?? 0;
  }

  listReplicas(model: string): ReplicaInfo[] {
    return (this.models.get(model)?.slots ?? []).map((s) => s.info);
  }

  subscribe(listener: ReplicaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes the number of live (not removing) replicas equal the target. */
  private reconcile(st: ModelState): void {
    if (this.closed) return;
    const live = st.slots.filter((s) => !s.removing);
    for (let i = live.length; i < st.target; i++) this.create(st);
    if (live.length > st.target) for (const s of this.victims(live, live.length - st.target)) this.remove(st, s);
    for (const s of st.slots) if (s.info.state === 'pending' && !s.backoffTimer && !s.removing) void this.tryStart(st, s);
  }

  private victims(live: Slot[], n: number): Slot[] {
    const rank = (s: Slot): number => ({ pending: 0, starting: 1, ready: 2 })[s.info.state as 'pending'] ?? 3;
    return [...live]
      .sort(
        (a, b) =>
          rank(a) - rank(b) ||
          this.load.inflight(a.info.model, a.info.id) - this.load.inflight(b.info.model, b.info.id) ||
          b.info.createdAt - a.info.createdAt,
      )
      .slice(0, n);
  }

  private create(st: ModelState): void {
    const index = ++this.seq;
    const id = `${st.model.name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${index}`;
    const slot: Slot = {
      info: { id, model: st.model.name, state: 'pending', createdAt: this.clock.now(), managed: true, reason: 'scheduling' },
      proc: undefined,
      backoffTimer: undefined,
      removing: false,
    };
    st.slots.push(slot);
    this.emit(slot, undefined);
  }

  private async tryStart(st: ModelState, slot: Slot): Promise<void> {
    const wait = st.notBefore - this.clock.now();
    if (wait > 0) {
      this.update(slot, { reason: `restarting after ${st.failures} failed start(s); next attempt in ${formatDuration(Math.ceil(wait / 1000) * 1000)}` });
      slot.backoffTimer = this.clock.setTimer(wait, () => {
        slot.backoffTimer = undefined;
        this.reconcile(st);
      });
      return;
    }
    const gpus = this.gpus.take(slot.info.id, st.model.gpusPerReplica);
    if (!gpus) {
      this.update(slot, { reason: `waiting for GPUs: ${this.gpus.shortage(st.model.gpusPerReplica)}` });
      return;
    }
    slot.backoffTimer = () => undefined; // a start is under way
    let port: number;
    try {
      port = await freePort(st.cfg.host);
    } catch (err) {
      this.gpus.release(slot.info.id);
      slot.backoffTimer = undefined;
      this.update(slot, { state: 'failed', reason: (err as Error).message });
      return;
    }
    slot.backoffTimer = undefined;
    if (slot.removing || this.closed) {
      this.gpus.release(slot.info.id);
      return;
    }
    this.spawn(st, slot, port, gpus);
  }

  private spawn(st: ModelState, slot: Slot, port: number, gpus: string[]): void {
    const index = Number(slot.info.id.slice(slot.info.id.lastIndexOf('-') + 1));
    const vars = { port, host: st.cfg.host, model: st.model.servedModelName, replica: index, gpus };
    const env: Record<string, string> = { PILOTLIGHT_PARENT_PID: String(process.pid), PILOTLIGHT_REPLICA_ID: slot.info.id };
    if (this.gpus.managed) env.CUDA_VISIBLE_DEVICES = gpus.join(',');
    for (const [k, v] of Object.entries(st.cfg.env)) env[k] = v.replace(/\{(port|host|model|replica|gpus)\}/g, (_m, key: keyof typeof vars) => String(vars[key]));
    const url = `http://${st.cfg.host.includes(':') ? `[${st.cfg.host}]` : st.cfg.host}:${port}`;
    let argv: string[];
    try {
      argv = buildArgv(st.cfg.command, vars);
    } catch (err) {
      this.gpus.release(slot.info.id);
      this.update(slot, { state: 'failed', reason: (err as Error).message });
      this.afterGone(st, slot, true);
      return;
    }
    const proc = new ReplicaProcess({
      id: slot.info.id,
      argv,
      env,
      url,
      cfg: st.cfg,
      clock: this.clock,
      logger: this.logger,
      onState: (state, reason) => this.onProcState(st, slot, state, reason),
    });
    slot.proc = proc;
    this.update(slot, { state: 'starting', url, startedAt: proc.startedAt, gpus, reason: undefined });
    proc.start();
    void proc.whenExited().then(() => {
      this.gpus.release(slot.info.id);
      this.afterGone(st, slot, slot.info.state === 'failed');
    });
  }

  private onProcState(st: ModelState, slot: Slot, state: ReplicaState, reason: string | undefined): void {
    if (state === 'ready') {
      st.failures = 0;
      st.notBefore = 0;
      this.update(slot, { state, readyAt: slot.proc?.readyAt, reason: undefined });
      if (slot.removing) this.reconcile(st);
      return;
    }
    if (state === 'failed') {
      st.failures++;
      st.notBefore = this.clock.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (st.failures - 1));
    }
    this.update(slot, { state, reason });
  }

  /** The process is gone: forget the slot and start a replacement if still wanted. */
  private afterGone(st: ModelState, slot: Slot, failed: boolean): void {
    st.slots = st.slots.filter((s) => s !== slot);
    if (!failed && slot.info.state !== 'stopped') this.update(slot, { state: 'stopped' });
    for (const other of this.models.values()) this.reconcile(other); // freed GPUs may unblock pending replicas
  }

  private remove(st: ModelState, slot: Slot): void {
    slot.removing = true;
    const state = slot.info.state;
    if (state === 'pending') {
      slot.backoffTimer?.();
      st.slots = st.slots.filter((s) => s !== slot);
      this.update(slot, { state: 'stopped', reason: 'scaled down before it started' });
      return;
    }
    if (state === 'ready') {
      slot.proc?.drain();
      this.update(slot, { state: 'draining' });
      void this.load.waitIdle(st.model.name, slot.info.id, st.cfg.drainTimeout).then(() => slot.proc?.stop());
      return;
    }
    void slot.proc?.stop();
  }

  private update(slot: Slot, patch: Partial<ReplicaInfo>): void {
    const previous = slot.info.state;
    slot.info = { ...slot.info, ...patch };
    this.emit(slot, previous);
  }

  private emit(slot: Slot, previous: ReplicaState | undefined): void {
    if (previous === slot.info.state && previous !== 'pending') return;
    for (const l of this.listeners) l({ replica: slot.info, previous });
  }

  async close(): Promise<void> {
    this.closed = true;
    const stops: Promise<void>[] = [];
    for (const st of this.models.values()) {
      st.target = 0;
      for (const s of st.slots) {
        s.backoffTimer?.();
        if (s.proc) {
          if (s.info.state === 'ready') {
            s.proc.drain();
            this.update(s, { state: 'draining' });
            stops.push(this.load.waitIdle(st.model.name, s.info.id, st.cfg.drainTimeout).then(() => s.proc?.stop()));
          } else stops.push(s.proc.stop());
        } else this.update(s, { state: 'stopped' });
      }
    }
    await Promise.all(stops);
  }
}
