/**
 * Samples the gateway's `GET /admin/models` once a second while a run goes
 * on, so the report can draw replicas (desired, starting, ready) on the same
 * timeline as the load and the latency. A failed poll is counted and
 * skipped: the run itself never depends on the admin port.
 */
import { request, type Dispatcher } from 'undici';
import { every, type CancelTimer, type Clock } from '../core/clock.js';

export interface ReplicaSample {
  /** ms after the run started. */
  tMs: number;
  desired: number | null;
  pending: number;
  starting: number;
  ready: number;
  draining: number;
  queued: number;
  inflight: number;
}

/** The part of the admin API's model entry (gateway PoolStatus + decision) that the report uses. */
interface AdminModel {
  name: string;
  desired?: number | null;
  queued?: number;
  inflight?: number;
  replicas?: { pending?: number; starting?: number; ready?: number; draining?: number };
}

export class AdminPoller {
  readonly samples: ReplicaSample[] = [];
  errors = 0;
  lastError: string | undefined;
  private cancel: CancelTimer | undefined;
  private inFlight: Promise<void> | undefined;
  private t0 = 0;

  constructor(
    private readonly adminUrl: string,
    private readonly model: string,
    private readonly clock: Clock,
    private readonly dispatcher?: Dispatcher,
    private readonly intervalMs = 1000,
  ) {}

  start(t0: number): void {
    this.t0 = t0;
    this.tick();
    this.cancel = every(this.clock, this.intervalMs, () => this.tick());
  }

  /** Stops polling after one last sample (the state the run ended in). */
  async stop(): Promise<void> {
    this.cancel?.();
    await this.inFlight;
    await this.poll();
  }

  private tick(): void {
    // A slow admin port must not pile up requests: skip while one is pending.
    if (this.inFlight) return;
    this.inFlight = this.poll().finally(() => {
      this.inFlight = undefined;
    });
  }

  private async poll(): Promise<void> {
    const tMs = this.clock.now() - this.t0;
    try {
      const res = await request(`${this.adminUrl.replace(/\/+$/, '')}/admin/models`, this.dispatcher ? { dispatcher: this.dispatcher } : {});
      const body = (await res.body.json()) as { models?: AdminModel[] };
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      const m = body.models?.find((x) => x.name === this.model);
      if (!m) throw new Error(`no model "${this.model}" in /admin/models`);
      const r = m.replicas ?? {};
      this.samples.push({
        tMs,
        desired: typeof m.desired === 'number' ? m.desired : null,
        pending: r.pending ?? 0,
        starting: r.starting ?? 0,
        ready: r.ready ?? 0,
        draining: r.draining ?? 0,
        queued: m.queued ?? 0,
        inflight: m.inflight ?? 0,
      });
    } catch (err) {
      this.errors++;
      this.lastError = (err as Error).message;
    }
  }
}
