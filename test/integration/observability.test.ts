/**
 * The dashboard and the alert rules against a real Prometheus scraping a
 * real gateway. Traffic covers what the panels show: a burst at zero
 * replicas (cold start, scale-up, queue_full), an unknown model, a model
 * whose replicas fail to start, and the scale back to zero. Then every
 * panel's and every rule's PromQL goes through Prometheus's query API: each
 * must parse and return data.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { adminModel, eventually, modelsimCommand, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { finiteValues, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';

interface Panel {
  title: string;
  type: string;
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}
interface Rule {
  alert: string;
  expr: string;
}

// llama runs the predictive policy, so the forecast panel has data too.
const FORECAST = 'pilotlight_forecast_concurrency';

const dashboard = JSON.parse(readFileSync('dashboards/pilotlight.json', 'utf8')) as { panels: Panel[] };
const rules = (parseYaml(readFileSync('dashboards/alerts.yaml', 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const targets = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

let gw: TestGateway;
let prom: TestPrometheus;
let promStartedS = 0;
const sent = { llamaOk: 0, queueFull: 0 };

/** Grafana's variables, as Grafana would fill them for a time range covering the whole test. */
function substitute(expr: string, model: string): string {
  const windowS = Math.ceil(Date.now() / 1000 - promStartedS) + 10;
  const vars: Record<string, string> = { __rate_interval: `${windowS}s`, __interval: `${windowS}s`, __range_s: String(windowS), __range_ms: String(windowS * 1000), __range: `${windowS}s`, model };
  return expr.replace(/\$\{?(__rate_interval|__interval|__range_s|__range_ms|__range|model)\}?/g, (_, name: string) => vars[name] ?? '');
}

async function chat(model: string, stream: boolean): Promise<{ status: number; code: string | undefined }> {
  const res = await request(`${gw.v1}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] }),
  });
  const text = await res.body.text();
  const code = res.statusCode >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
  return { status: res.statusCode, code };
}

async function scalar(expr: string): Promise<number | undefined> {
  return finiteValues(await prom.query(expr))[0];
}

/** 30 requests at zero replicas: 20 wait for the cold start (queue.maxPending 20) and drive a scale-up past one replica; 10 get queue_full. */
async function burstAtZero(): Promise<void> {
  const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => chat('llama', i % 2 === 0)));
  sent.llamaOk += burst.filter((r) => r.status === 200).length;
  sent.queueFull += burst.filter((r) => r.code === 'queue_full').length;
  expect(sent.queueFull).toBeGreaterThan(0);
  await eventually(async () => {
    const m = await adminModel(gw, 'llama');
    return m.replicaList.length === 0 && m.desired === 0;
  }, 'llama back at zero replicas', 30_000);
}

async function traffic(): Promise<void> {
  await burstAtZero();
  expect((await chat('no-such-model', false)).code).toBe('model_not_found');
  expect((await chat('broken', false)).code).toBe('replica_start_failed');
  // A second round from zero: a second cold start, and a scale-up and back
  // down again inside the window the panels' rate() and increase() look at.
  await burstAtZero();
}

beforeAll(async () => {
  gw = await startTestGateway(`
gpus: { pricePerHour: 2.5 }
models:
  - name: llama
    gpusPerReplica: 2
    provider:
      type: local
      command: ${modelsimCommand('--startup-delay 1s')}
      probeInterval: 100ms
    scaling: { policy: predictive, maxReplicas: 3, targetConcurrency: 2, maxConcurrencyPerReplica: 4, scaledownWindow: 2s, stableWindow: 4s, panicWindow: 1s }
    queue: { maxPending: 20, timeout: 30s }
  - name: broken
    provider:
      type: local
      command: ${modelsimCommand('--fail-startup --startup-delay 200ms')}
      probeInterval: 100ms
    scaling: { maxReplicas: 1, scaledownWindow: 1s }
    queue: { timeout: 20s }
`);
  prom = await startPrometheus({ targets: [new URL(gw.adminUrl).host], ruleFiles: [resolve('dashboards/alerts.yaml')] });
  promStartedS = Date.now() / 1000;
  // Counters must be scraped at zero first, or increase() has no baseline.
  await eventually(async () => (await scalar('sum(pilotlight_requests_total{model="llama"}) or sum(pilotlight_replica_starts_total{model="llama"})')) === 0, 'a first scrape at zero', 30_000, 200);
  await traffic();
  // Wait until Prometheus has scraped the end state, then until every rule has evaluated it.
  const scrapedAt = await eventually(
    async () => {
      const ok = (await scalar('sum(pilotlight_requests_total{model="llama",code="200"})')) === sent.llamaOk;
      const full = (await scalar('sum(pilotlight_errors_total{model="llama",code="queue_full"})')) === sent.queueFull;
      const failed = ((await scalar('sum(pilotlight_replica_starts_total{model="broken",outcome="failed"})')) ?? 0) >= 1;
      const down = ((await scalar('sum(pilotlight_scale_events_total{model="llama",direction="down"})')) ?? 0) >= 1;
      const zero = (await scalar('sum(pilotlight_replicas{model="llama"})')) === 0;
      return ok && full && failed && down && zero ? Date.now() : undefined;
    },
    'prometheus to scrape the final state',
    30_000,
    200,
  );
  await eventually(
    async () => {
      const r = await prom.get<{ data: { groups: { rules: { lastEvaluation: string }[] }[] } }>('/api/v1/rules');
      return r.data.groups.flatMap((g) => g.rules).every((x) => Date.parse(x.lastEvaluation) > scrapedAt);
    },
    'every rule evaluated after the traffic',
    30_000,
    200,
  );
});

afterAll(async () => {
  await prom?.close();
  await gw?.close();
});

describe('the Grafana dashboard against Prometheus', () => {
  it('offers the model variable: label_values(pilotlight_requests_total, model)', async () => {
    const r = await prom.get<{ data: string[] }>(`/api/v1/label/model/values?match[]=pilotlight_requests_total`);
    expect(r.data).toEqual(expect.arrayContaining(['llama', 'broken']));
  });

  it.each(targets.map((t) => [`${t.panel} / ${t.refId}`, t] as const))('%s parses and returns data', async (_name, t) => {
    for (const model of ['llama', '.*']) {
      const expr = substitute(t.expr, model);
      const r = await prom.query(expr);
      expect(r.error ?? '', expr).toBe('');
      expect(r.status).toBe('success');
      expect(finiteValues(r).length, `no data for ${expr}`).toBeGreaterThan(0);
    }
  });

  it('includes the forecast panel next to actual demand', () => {
    const forecast = targets.find((t) => t.expr.includes(FORECAST));
    expect(forecast?.panel).toBe('Forecast vs actual demand');
    expect(targets.filter((t) => t.panel === forecast?.panel).map((t) => t.expr)).toContainEqual(expect.stringContaining('pilotlight_inflight_requests{model=~"$model"} + pilotlight_queue_depth{model=~"$model"}'));
  });
});

describe('the alert rules against Prometheus', () => {
  // Rules that must stay quiet under this traffic: evaluate the expression
  // they compare, which must be a verbatim part of the rule (so this list
  // cannot drift from alerts.yaml), and require data from it.
  const UNDERLYING: Record<string, string[]> = {
    PilotlightGatewayDown: ['up{job="pilotlight"}'],
    PilotlightColdStartSlow: [
      'histogram_quantile(0.95, sum by (model, le) (rate(pilotlight_replica_cold_start_seconds_bucket[1h])))',
      'histogram_quantile(0.95, sum by (model, le) (rate(pilotlight_replica_cold_start_seconds_bucket[1d])))',
      'sum by (model) (increase(pilotlight_replica_cold_start_seconds_count[1h]))',
    ],
    PilotlightGpusIdle: ['sum by (model) (increase(pilotlight_gpu_seconds_total{state="idle"}[1d])) / sum by (model) (increase(pilotlight_gpu_seconds_total[1d]))'],
    PilotlightReplicasPending: ['sum by (model) (pilotlight_replicas{state="pending"})'],
  };
  // Rules this traffic trips (queue_full, a failed replica start): their full expression returns data.
  const TRIPPED = ['PilotlightQueueRejections', 'PilotlightReplicaStartFailures'];

  it('covers every rule in alerts.yaml', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([...Object.keys(UNDERLYING), ...TRIPPED].sort());
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s parses and its expression returns data', async (name, rule) => {
    const full = await prom.query(rule.expr);
    expect(full.error ?? '').toBe('');
    expect(full.status).toBe('success');
    const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
    const parts = TRIPPED.includes(name) ? [rule.expr] : (UNDERLYING[name] ?? []);
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) {
      expect(norm(rule.expr)).toContain(norm(part));
      expect(finiteValues(await prom.query(part)).length, `no data for ${part}`).toBeGreaterThan(0);
    }
  });

  it('Prometheus evaluates every rule without error; the tripped ones are pending or firing', async () => {
    const r = await prom.get<{ data: { groups: { rules: { name: string; health: string; lastError?: string; state: string }[] }[] } }>('/api/v1/rules');
    const loaded = r.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((x) => x.name).sort()).toEqual(rules.map((x) => x.alert).sort());
    for (const x of loaded) {
      expect({ name: x.name, health: x.health, lastError: x.lastError ?? '' }).toEqual({ name: x.name, health: 'ok', lastError: '' });
      // A short test can be mostly idle GPU time, so PilotlightGpusIdle may be
      // pending; its `for: 1h` keeps it from firing.
      const allowed = TRIPPED.includes(x.name) ? ['pending', 'firing'] : x.name === 'PilotlightGpusIdle' ? ['inactive', 'pending'] : ['inactive'];
      expect(allowed, x.name).toContain(x.state);
    }
  });
});
