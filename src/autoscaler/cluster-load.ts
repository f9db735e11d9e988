/**
 * Collect, across gateway replicas: this gateway's load (read fresh from its
 * pools) plus every other live gateway's last published snapshot.
 *
 * The autoscaler derives averages from monotonic counters, so the sum must be
 * monotonic too, even as gateways come and go. Each remote gateway therefore
 * contributes the *increments* of its own counters since we last saw it: a
 * gateway that dies stops contributing (its in-flight count drops out at
 * once), one that restarts (counters went backwards) starts from a new
 * baseline, and none ever makes the sum go down.
 *
 * Worked example: gateway B published concurrencyMs 5000 then 7000 (2 s of
 * 1 request); our own integral moved 1000 -> 4000; the sum moved
 * 1000 -> 6000, i.e. 5000 request-ms over the interval.
 */
import type { Clock } from '../core/clock.js';
import type { LoadSnapshot } from '../core/load.js';
import type { GatewayLoad } from '../state/state-store.js';
import type { LoadSource } from './signals.js';

function maxOf(xs: readonly (number | null | undefined)[]): number | null {
  let m: number | null = null;
  for (const x of xs) if (x != null && (m === null || x > m)) m = x;
  return m;
}

interface Totals {
  concurrencyMs: number;
  arrivals: number;
}

export class ClusterLoad implements LoadSource {
  private latest = new Map<string, GatewayLoad>();
  private readonly seen = new Map<string, Map<string, LoadSnapshot>>();
  private readonly totals = new Map<string, Totals>();

  constructor(
    private readonly selfId: string,
    private readonly local: (model: string) => LoadSnapshot | undefined,
    private readonly clock: Clock,
  ) {}

  /** Replaces the view of the other gateways with what the store returned. */
  updateRemote(loads: readonly GatewayLoad[]): void {
    const next = new Map<string, GatewayLoad>();
    for (const g of loads) {
      if (g.gatewayId === this.selfId) continue;
      next.set(g.gatewayId, g);
      const before = this.seen.get(g.gatewayId) ?? new Map<string, LoadSnapshot>();
      for (const [model, cur] of Object.entries(g.models)) {
        const prev = before.get(model);
        if (prev && cur.concurrencyMs >= prev.concurrencyMs && cur.arrivals >= prev.arrivals) {
          const t = this.total(model);
          t.concurrencyMs += cur.concurrencyMs - prev.concurrencyMs;
          t.arrivals += cur.arrivals - prev.arrivals;
        }
        before.set(model, cur);
      }
      this.seen.set(g.gatewayId, before);
    }
    for (const id of this.seen.keys()) if (!next.has(id)) this.seen.delete(id);
    this.latest = next;
  }

  /** Forgets every other gateway (the store is unreachable: act on local load alone). */
  clearRemote(): void {
    this.updateRemote([]);
  }

  /** How many gateways (including this one) the last update saw. */
  gatewayCount(): number {
    return this.latest.size + 1;
  }

  load(model: string): LoadSnapshot | undefined {
    const own = this.local(model);
    if (!own) return undefined;
    let inflight = own.inflight;
    let queued = own.queued;
    // Busy while any gateway is busy (since the earliest of them); idle since the last one went idle.
    const parts = [own, ...[...this.latest.values()].map((g) => g.models[model])].filter((x): x is LoadSnapshot => x !== undefined);
    const busy = parts.filter((x) => x.idleSince === null && x.busySince != null);
    const busySince = busy.length > 0 ? Math.min(...busy.map((x) => x.busySince ?? Infinity)) : maxOf(parts.map((x) => x.busySince));
    const idleSince = busy.length > 0 ? null : maxOf(parts.map((x) => x.idleSince));
    for (const g of this.latest.values()) {
      const s = g.models[model];
      if (!s) continue;
      inflight += s.inflight;
      queued += s.queued;
    }
    const t = this.totals.get(model);
    return {
      at: this.clock.now(),
      inflight,
      queued,
      concurrencyMs: own.concurrencyMs + (t?.concurrencyMs ?? 0),
      arrivals: own.arrivals + (t?.arrivals ?? 0),
      busySince,
      idleSince,
      lastArrivalAt: maxOf(parts.map((x) => x.lastArrivalAt)),
    };
  }

  private total(model: string): Totals {
    let t = this.totals.get(model);
    if (!t) {
      t = { concurrencyMs: 0, arrivals: 0 };
      this.totals.set(model, t);
    }
    return t;
  }
}
