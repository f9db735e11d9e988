/** Command-line value parsers, the policy catalogue, percentiles and the world defaults. */
import { afterEach, describe, expect, it } from 'vitest';
import { POLICIES } from '../../../src/autoscaler/policies.js';
import { kpaPolicy } from '../../../src/autoscaler/kpa-policy.js';
import { parseConfig } from '../../../src/config/load.js';
import { defaultPolicyNames, simPolicy } from '../../../src/sim/catalogue.js';
import * as v from '../../../src/sim/option-values.js';
import { SIM_DEFAULTS, worldFor } from '../../../src/sim/setup.js';
import { Floats, percentiles } from '../../../src/sim/stats.js';

describe('option values', () => {
  it('parses service times', () => {
    expect(v.serviceSpec('1s')).toEqual({ fixedMs: 1000, perOutputTokenMs: 0 });
    expect(v.serviceSpec('0.2s+0.03s/token')).toEqual({ fixedMs: 200, perOutputTokenMs: 30 });
    expect(v.serviceSpec('30ms/token')).toEqual({ fixedMs: 0, perOutputTokenMs: 30 });
    expect(() => v.serviceSpec('1 second')).toThrow('--service: expected a time, a per-token time, or both');
    expect(() => v.serviceSpec('1s+')).toThrow('--service');
  });

  it('parses windows, model maps, numbers and prices', () => {
    expect(v.traceWindow('10m-2h')).toEqual({ startS: 600, endS: 7200 });
    expect(v.traceWindow('-1h')).toEqual({ endS: 3600 });
    expect(v.traceWindow('0-1h')).toEqual({ startS: 0, endS: 3600 });
    expect(v.traceWindow('30m-')).toEqual({ startS: 1800 });
    expect(() => v.traceWindow('10m')).toThrow('--window: expected START-END');
    expect(v.modelMap('hash:8')).toEqual({ kind: 'hash', models: 8 });
    expect(v.modelMap('top:20')).toEqual({ kind: 'top', n: 20 });
    expect(v.modelMap('top:5:drop')).toEqual({ kind: 'top', n: 5, rest: 'drop' });
    expect(() => v.modelMap('top:0')).toThrow('--model-map');
    expect(v.price('--gpu-price', '$2.50/h')).toBe(2.5);
    expect(() => v.price('--gpu-price', 'cheap')).toThrow('--gpu-price: expected a number >= 0, got "cheap"');
    expect(() => v.nonNegativeInt('--concurrency', '1.5')).toThrow('--concurrency: expected a whole number >= 0');
    expect(v.policyList('a, b,a')).toEqual(['a', 'b']);
    expect(() => v.policyList('a,,b')).toThrow('--policies');
    expect(v.durationMs('--cold-start', '2m')).toBe(120_000);
  });
});

describe('policy catalogue', () => {
  afterEach(() => {
    delete POLICIES['test-extra'];
  });

  it('runs every baseline, the oracle and every registered policy by default', () => {
    POLICIES['test-extra'] = kpaPolicy as never;
    const baselines = ['keepalive-60s', 'keepalive-300s', 'keepalive-600s', 'knative', 'keda-http', 'dedicated', 'oracle'];
    expect(defaultPolicyNames()).toEqual([...baselines, ...Object.keys(POLICIES)]);
    expect(defaultPolicyNames()).toContain('reactive');
    expect(defaultPolicyNames().at(-1)).toBe('test-extra');
    expect(simPolicy('test-extra')).toMatchObject({ name: 'test-extra', kind: 'registered' });
  });

  it('knows keepalive-<duration> and names the known ones otherwise', () => {
    expect(simPolicy('keepalive-90s')).toMatchObject({ name: 'keepalive-90s', kind: 'baseline' });
    expect(() => simPolicy('keepalive-soon')).toThrow('unknown policy "keepalive-soon" (known: keepalive-60s');
    expect(() => simPolicy('magic')).toThrow(/unknown policy "magic".*reactive/);
  });
});

describe('percentiles', () => {
  it('are nearest-rank over all requests, zeros implied', () => {
    const w = new Floats();
    w.push(5);
    w.push(7);
    expect(percentiles(w, 10)).toEqual({ p50: 0, p95: 7, p99: 7 });
    expect(percentiles(w, 2)).toEqual({ p50: 5, p95: 7, p99: 7 });
    expect(percentiles(new Floats(), 0)).toEqual({ p50: 0, p95: 0, p99: 0 });
  });
});

describe('world settings', () => {
  it('flag > config > defaults, and a config model by name or alias, else the first', () => {
    const config = parseConfig(
      'gpus: { pricePerHour: 4 }\nmodels:\n  - name: big\n    gpusPerReplica: 4\n    provider: { type: local, expectedColdStart: 5m }\n    scaling: { maxReplicas: 3, targetConcurrency: 4 }\n  - name: small\n    aliases: [tiny]\n',
    );
    const w = worldFor({ config, defaultColdStartMs: 1, traceHasTokens: true, maxReplicas: 7 });
    expect(w('anything')).toMatchObject({ gpusPerReplica: 4, gpuPricePerHour: 4, maxConcurrencyPerReplica: 8, coldStart: { medianMs: 300_000, sigma: 0 } });
    expect(w('anything').scaling.maxReplicas).toBe(7);
    expect(w('tiny')).toMatchObject({ gpusPerReplica: 1, maxConcurrencyPerReplica: 16, coldStart: { medianMs: 1 } });
    const bare = worldFor({ defaultColdStartMs: 300_000, traceHasTokens: false })('m');
    expect(bare).toMatchObject({ service: SIM_DEFAULTS.serviceNoTokens, maxConcurrencyPerReplica: 16, gpuPricePerHour: SIM_DEFAULTS.gpuPricePerHour });
    expect(bare.scaling.maxReplicas).toBe(SIM_DEFAULTS.maxReplicas);
  });
});
