/**
 * Collect: turns the data plane's monotonic load counters and the provider's
 * replica list into one ModelSignals snapshot per model per tick. Rates and
 * averages come from counter deltas, so a late or missed tick loses nothing:
 * the next one covers the whole interval.
 */
import type { LoadSnapshot } from '../core/load.js';
import { countReplicas, type Provider, type ReplicaInfo } from '../providers/provider.js';
import type { ModelSignals } from './policy.js';

/** Where load comes from: the local pools, or (later) the sum over gateway replicas. */
export interface LoadSource {
  load(model: string): LoadSnapshot | undefined;
}

export type { LoadSnapshot };

export class SignalCollector {
  private readonly last = new Map<string, LoadSnapshot>();
  /** Replicas already seen ready, per model, so each cold start is reported once. */
  private readonly seenReady = new Map<string, Set<string>>();

  constructor(
    private readonly source: LoadSource,
    private readonly providerFor: (model: string) => Provider | undefined,
  ) {}

  collect(model: string): ModelSignals | undefined {
    const snap = this.source.load(model);
    const provider = this.providerFor(model);
    if (!snap || !provider) return undefined;
    const prev = this.last.get(model);
    this.last.set(model, snap);
    const intervalMs = prev ? snap.at - prev.at : 0;
    const reset = prev !== undefined && (snap.concurrencyMs < prev.concurrencyMs || snap.arrivals < prev.arrivals);
    const concurrency =
      prev && intervalMs > 0 && !reset ? (snap.concurrencyMs - prev.concurrencyMs) / intervalMs : snap.inflight + snap.queued;
    const arrivals = prev && !reset ? snap.arrivals - prev.arrivals : 0;
    const replicas = provider.listReplicas(model);
    return {
      now: snap.at,
      intervalMs,
      concurrency,
      inflight: snap.inflight,
      queued: snap.queued,
      arrivals,
      replicas: countReplicas(replicas),
      ...(snap.busySince !== undefined && { busySince: snap.busySince }),
      ...(snap.idleSince !== undefined && { idleSince: snap.idleSince }),
      ...(snap.lastArrivalAt !== undefined && { lastArrivalAt: snap.lastArrivalAt }),
      coldStarts: this.newColdStarts(model, replicas),
    };
  }

  private newColdStarts(model: string, replicas: readonly ReplicaInfo[]): number[] {
    let seen = this.seenReady.get(model);
    if (!seen) {
      seen = new Set();
      this.seenReady.set(model, seen);
    }
    const out: number[] = [];
    const live = new Set<string>();
    for (const r of replicas) {
      live.add(r.id);
      if (r.state !== 'ready' || seen.has(r.id)) continue;
      seen.add(r.id);
      if (r.managed && r.startedAt !== undefined && r.readyAt !== undefined) out.push(r.readyAt - r.startedAt);
    }
    for (const id of seen) if (!live.has(id)) seen.delete(id);
    return out;
  }
}
