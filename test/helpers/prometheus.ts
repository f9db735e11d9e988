/**
 * A real Prometheus for integration tests: /usr/bin/prometheus (Debian's
 * package; .ci/run installs it) on a free loopback port, with its TSDB in a
 * temp dir, scraping the given targets every second. A missing binary fails
 * the test with instructions; it is never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './gateway.js';
import { freePort } from './ports.js';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface QueryResult {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: PromSample[] | [number, string] };
}

export interface TestPrometheus {
  url: string;
  /** Instant query at now (or at `time`, seconds). Parse errors come back as status "error", not thrown. */
  query(expr: string, time?: number): Promise<QueryResult>;
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export interface PrometheusOptions {
  /** host:port of each target, all in one job. */
  targets: string[];
  job?: string;
  ruleFiles?: string[];
  intervalS?: number;
}

/** The binary to run, or an Error that says how to install it. */
export function prometheusBinary(name: 'prometheus' | 'promtool'): string {
  for (const p of [`/usr/bin/${name}`, `/usr/local/bin/${name}`]) if (existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error(`${name} is not installed: these tests need a real Prometheus. Install Debian's package: apt-get install prometheus (.ci/run does this)`);
}


function configYaml(o: PrometheusOptions): string {
  const interval = `${o.intervalS ?? 1}s`;
  const rules = (o.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}`).join('\n');
  return [
    `global: { scrape_interval: ${interval}, evaluation_interval: ${interval} }`,
    rules ? `rule_files:\n${rules}` : '',
    'scrape_configs:',
    `  - job_name: ${o.job ?? 'pilotlight'}`,
    `    static_configs: [{ targets: ${JSON.stringify(o.targets)} }]`,
    '',
  ].join('\n');
}

function waitExit(p: ChildProcess, ms: number): Promise<boolean> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startPrometheus(o: PrometheusOptions): Promise<TestPrometheus> {
  const bin = prometheusBinary('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'pilotlight-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), configYaml(o));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const close = async (): Promise<void> => {
    proc.kill('SIGTERM');
    if (!(await waitExit(proc, 10_000))) proc.kill('SIGKILL');
    await waitExit(proc, 5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).status === 200;
      },
      'prometheus to be ready',
      30_000,
      100,
    );
  } catch (err) {
    await close();
    throw err;
  }
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;
  return {
    url,
    get,
    query: (expr, time) => get<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}${time !== undefined ? `&time=${time}` : ''}`),
    close,
  };
}

/** The finite values of an instant-vector or scalar result (NaN and ±Inf dropped). */
export function finiteValues(r: QueryResult): number[] {
  const res = r.data?.result;
  if (!res) return [];
  if (r.data?.resultType === 'scalar') return [Number((res as [number, string])[1])].filter(Number.isFinite);
  return (res as PromSample[]).map((s) => Number(s.value[1])).filter(Number.isFinite);
}
