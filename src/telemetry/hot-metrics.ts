/**
 * Counters and histograms for the request path, registered on the same
 * prom-client Registry and exported in its exact text format, but updated
 * with plain field writes.
 *
 * Why not prom-client's own: even a bound child (`histogram.labels(m)`)
 * rebuilds a label hash string, validates the labels and allocates an
 * object on every observe/inc. With four updates per request that was about
 * 2 % of the gateway's CPU under load (a CPU profile of the proxy benchmark,
 * docs/benchmarks.md). Here a child is resolved once (at pool creation) and
 * an observation is a bucket search over a small array and three additions.
 *
 * Cost note: observe = O(buckets) comparisons (17 latency buckets), no
 * allocation; the export builds prom-client's `values` array at scrape time.
 */
import type { Metric, Registry } from 'prom-client';

/** One exported sample, in the shape prom-client's Registry formats. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What the Registry reads from a metric at scrape time. */
interface Exported {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Sample[];
  aggregator: 'sum';
}

type Labels = Record<string, string>;

function labelKey(names: readonly string[], values: readonly string[]): string {
  if (values.length !== names.length) throw new Error(`expected ${names.length} label value(s) (${names.join(', ')}), got ${values.length}`);
  return values.join('\u0000');
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const out: Labels = {};
  names.forEach((n, i) => (out[n] = values[i] ?? ''));
  return out;
}

function valuesOf(names: readonly string[], labels: Labels): string[] {
  for (const k of Object.keys(labels)) if (!names.includes(k)) throw new Error(`unknown label "${k}" (labels: ${names.join(', ')})`);
  return names.map((n) => labels[n] ?? '');
}

abstract class HotMetric<Child> {
  protected readonly children = new Map<string, { labels: Labels; child: Child }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected abstract create(): Child;

  /** The series for these label values (created at zero the first time). Resolve once, keep it. */
  labels(...values: string[]): Child {
    const key = labelKey(this.labelNames, values);
    let c = this.children.get(key);
    if (!c) {
      c = { labels: labelsOf(this.labelNames, values), child: this.create() };
      this.children.set(key, c);
    }
    return c.child;
  }

  /** Creates the series at zero, so rate() sees its first increase. */
  zero(labels: Labels): void {
    this.labels(...valuesOf(this.labelNames, labels));
  }

  reset(): void {
    this.children.clear();
  }
}

export class HotCounterChild {
  value = 0;
  inc(by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new Error(`counter increment must be a finite number >= 0, got ${by}`);
    this.value += by;
  }
}

/** A counter, exported as prom-client's Counter would be (type counter, name as given). */
export class HotCounter extends HotMetric<HotCounterChild> {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;

  protected create(): HotCounterChild {
    return new HotCounterChild();
  }

  /** Object-style increment, for the rare paths that do not keep a child. */
  inc(labels: Labels, by = 1): void {
    this.labels(...valuesOf(this.labelNames, labels)).inc(by);
  }

  get(): Promise<Exported> {
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) values.push({ labels, value: child.value });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

export class HotHistogramChild {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one is (last bound, +Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    if (!Number.isFinite(v)) throw new Error(`histogram value must be finite, got ${v}`);
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

/** A histogram, exported as prom-client's Histogram would be (_bucket with le, _sum, _count). */
export class HotHistogram extends HotMetric<HotHistogramChild> {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[], registry: Registry) {
    super(name, help, labelNames, registry);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1]))) throw new Error(`${name}: buckets must be distinct finite numbers`);
    this.bounds = sorted;
  }

  protected create(): HotHistogramChild {
    return new HotHistogramChild(this.bounds);
  }

  get(): Promise<Exported> {
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += child.counts[i] as number;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: child.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: child.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
