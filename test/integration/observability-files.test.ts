/**
 * The observability files on their own: promtool checks the rules (and runs
 * their unit tests) and the example scrape config; the dashboard's structure
 * is what Grafana needs (data source and model variables, a grid without
 * overlaps); every metric they use is one docs/metrics.md promises.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { prometheusBinary } from '../helpers/prometheus.js';

const exec = promisify(execFile);

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string; includeAll?: boolean; multi?: boolean; allValue?: string }[] };
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const dashboard = JSON.parse(readFileSync('dashboards/pilotlight.json', 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const rules = (parseYaml(readFileSync('dashboards/alerts.yaml', 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

async function promtool(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(prometheusBinary('promtool'), args);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** pilotlight_* metric names in a text, histogram suffixes removed. */
function metricNames(text: string): string[] {
  return [...new Set([...text.matchAll(/pilotlight_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))];
}

describe('alert rules', () => {
  it('pass promtool check rules', async () => {
    const r = await promtool('check', 'rules', 'dashboards/alerts.yaml');
    expect(r.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('pass their promtool unit tests (each alert fires on the series that should trip it)', async () => {
    const r = await promtool('test', 'rules', 'dashboards/alerts.test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    const tests = readFileSync('dashboards/alerts.test.yaml', 'utf8');
    for (const rule of rules) expect(tests).toContain(`alertname: ${rule.alert}`);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s has for:, a severity and a summary and description with the value', (_n, rule) => {
    expect(rule.for).toMatch(/^\d+[smhd]$/);
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toContain('$value');
  });
});

describe('example Prometheus config', () => {
  it('passes promtool check config, loads the rules and names the job the rules expect', async () => {
    const r = await promtool('check', 'config', 'dashboards/prometheus.yml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    const cfg = parseYaml(readFileSync('dashboards/prometheus.yml', 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    expect(cfg.rule_files).toEqual(['alerts.yaml']);
    expect(cfg.scrape_configs.map((s) => s.job_name)).toEqual(['pilotlight']);
    expect(rules.find((x) => x.alert === 'PilotlightGatewayDown')?.expr).toContain('job="pilotlight"');
  });
});

describe('Grafana dashboard', () => {
  it('has a current schema, a data source variable and a multi-value model variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toBe('pilotlight-overview');
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.model).toMatchObject({ type: 'query', definition: 'label_values(pilotlight_requests_total, model)', includeAll: true, multi: true, allValue: '.*' });
  });

  it('points every panel and query at $datasource, with unique ids and a description', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.description, p.title).toBeTruthy();
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource?.uid).toBe('${datasource}');
        if (!t.expr.includes('pilotlight_autoscaler_decide_seconds') && !t.expr.startsWith('min(up')) expect(t.expr, p.title).toContain('model=~"$model"');
      }
    }
  });

  it('lays panels on the 24-column grid without overlaps', () => {
    for (const a of panels) {
      expect(a.gridPos.x + a.gridPos.w, a.title).toBeLessThanOrEqual(24);
      for (const b of panels) {
        if (a === b) continue;
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('uses only documented metrics, and all that the issue asks for', () => {
    const documented = metricNames(readFileSync('docs/metrics.md', 'utf8'));
    const used = metricNames(JSON.stringify(dashboard) + readFileSync('dashboards/alerts.yaml', 'utf8'));
    expect(used.filter((m) => !documented.includes(m))).toEqual([]);
    const dash = metricNames(JSON.stringify(dashboard));
    for (const m of ['requests_total', 'errors_total', 'request_duration_seconds', 'time_to_first_byte_seconds', 'replica_cold_start_seconds', 'cold_start_wait_seconds', 'cold_start_requests_total', 'queue_depth', 'queue_wait_seconds', 'inflight_requests', 'replicas', 'desired_replicas', 'scale_events_total', 'replica_starts_total', 'gpu_seconds_total', 'gpu_price_dollars_per_hour', 'gpus_per_replica', 'forecast_concurrency']) {
      expect(dash).toContain(`pilotlight_${m}`);
    }
  });
});

describe('Grafana provisioning', () => {
  it('provisions a Prometheus data source and a file provider for the dashboard', () => {
    const ds = parseYaml(readFileSync('dashboards/provisioning/datasources/prometheus.yaml', 'utf8')) as { apiVersion: number; datasources: { type: string; url: string; jsonData: { timeInterval: string } }[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', jsonData: { timeInterval: '15s' } });
    const dp = parseYaml(readFileSync('dashboards/provisioning/dashboards/pilotlight.yaml', 'utf8')) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(dp.apiVersion).toBe(1);
    expect(dp.providers[0]).toMatchObject({ type: 'file', options: { path: expect.stringMatching(/^\//) } });
  });
});
