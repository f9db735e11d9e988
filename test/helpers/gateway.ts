/** Starts the real gateway in-process on 127.0.0.1:0 from a YAML string. */
import pino from 'pino';
import { startGateway, type Gateway } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/core/logger.js';

export interface TestGateway extends Gateway {
  /** Base URL of the OpenAI API, e.g. http://127.0.0.1:41234/v1 */
  v1: string;
}

export async function startTestGateway(yaml: string, opts: { statePath?: string | null } = {}): Promise<TestGateway> {
  const config = parseConfig(yaml, 'test.yaml');
  // PILOTLIGHT_TEST_LOG=debug shows the gateway's logs (and replica output) on stderr.
  const level = process.env.PILOTLIGHT_TEST_LOG ?? 'silent';
  const logger = pino({ level }, pino.destination(2)) as unknown as Logger;
  // Tests keep no policy state between gateways unless they ask for a file.
  const gw = await startGateway(config, { logger, port: 0, adminPort: 0, statePath: opts.statePath ?? null });
  return Object.assign(gw, { v1: `${gw.apiUrl}/v1` });
}

/** The replica command for modelsim with a fast profile, as a quoted YAML scalar. */
export function modelsimCommand(extra = '', profile = 'tiny'): string {
  return JSON.stringify(`pilotlight modelsim --port {port} --served-model-name {model} --profile ${profile} ${extra}`.trim());
}

export interface AdminModel {
  name: string;
  inflight: number;
  queued: number;
  desired: number | undefined;
  lastScaleReason?: string;
  replicas: { pending: number; starting: number; ready: number; draining: number };
  replicaList: { id: string; state: string; reason?: string; gpus?: string[]; inflight: number }[];
}

export async function adminModel(gw: Gateway, name: string): Promise<AdminModel> {
  const res = await fetch(`${gw.adminUrl}/admin/models`);
  const body = (await res.json()) as { models: AdminModel[] };
  const m = body.models.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name} in /admin/models`);
  return m;
}

/** Polls until `fn` returns a truthy value (real time: for processes outside our control). */
export async function eventually<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 30_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One metric sample from a Prometheus text page, e.g. metric(text, 'pilotlight_replicas', {state: 'ready'}). */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) return Number(m[4]);
  }
  return undefined;
}

export async function scrape(gw: Gateway): Promise<string> {
  return (await fetch(`${gw.adminUrl}/metrics`)).text();
}
