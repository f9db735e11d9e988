import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { GpuAccounting } from '../../../src/telemetry/gpu-accounting.js';
import { Metrics } from '../../../src/telemetry/metrics.js';

describe('metrics', () => {
  it('docs/metrics.md lists exactly the metrics the code defines, with their labels', async () => {
    const registry = new Registry();
    const view = { models: () => [{ name: 'm', gpusPerReplica: 2, gpuPricePerHour: 1, inflight: 0, queued: 0, desired: 0, replicas: { pending: 0, starting: 0, ready: 0, draining: 0 } }] };
    new Metrics(registry, view, new GpuAccounting(() => 0));
    const defined = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    const doc = readFileSync('docs/metrics.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `(pilotlight_[a-z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(defined);
  });

  it('accounts GPU time exactly by state and stops when a replica is gone', () => {
    const clock = new ManualClock(0);
    const acc = new GpuAccounting(() => clock.now());
    acc.set('m', 'r1', 'starting');
    clock.advance(10_000);
    acc.set('m', 'r1', 'idle');
    clock.advance(5_000);
    acc.set('m', 'r1', 'busy');
    clock.advance(2_500);
    expect(acc.replicaSeconds('m')).toEqual({ starting: 10, idle: 5, busy: 2.5, draining: 0 });
    acc.set('m', 'r1', undefined);
    clock.advance(60_000);
    expect(acc.replicaSeconds('m')).toEqual({ starting: 10, idle: 5, busy: 2.5, draining: 0 });
  });

  it('exports GPU-seconds as replica-seconds x GPUs per replica', async () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const acc = new GpuAccounting(() => clock.now());
    const view = { models: () => [{ name: 'm', gpusPerReplica: 4, gpuPricePerHour: 2.5, inflight: 1, queued: 3, desired: 2, replicas: { pending: 0, starting: 1, ready: 1, draining: 0 } }] };
    new Metrics(registry, view, acc);
    acc.set('m', 'r1', 'idle');
    clock.advance(30_000);
    const text = await registry.metrics();
    expect(text).toContain('pilotlight_gpu_seconds_total{model="m",state="idle"} 120');
    expect(text).toContain('pilotlight_replica_idle_seconds_total{model="m"} 30');
    expect(text).toContain('pilotlight_queue_depth{model="m"} 3');
    expect(text).toContain('pilotlight_replicas{model="m",state="starting"} 1');
    expect(text).toContain('pilotlight_gpu_price_dollars_per_hour{model="m"} 2.5');
  });
});
