/**
 * A KubernetesProvider wired to a FakeKube through a generated kubeconfig
 * (so the client library's config, TLS and token paths run), with recorded
 * replica events and logs, and a hand-driven ReplicaLoad.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.js';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import type { Logger } from '../../../src/core/logger.js';
import type { BackoffOptions } from '../../../src/providers/kubernetes/backoff.js';
import { KubernetesProvider } from '../../../src/providers/kubernetes/kubernetes-provider.js';
import type { ReplicaEvent, ReplicaInfo, ReplicaLoad } from '../../../src/providers/provider.js';
import { FakeKube, type WorkloadSpec } from './server.js';

export interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  msg: string | undefined;
}

export function recordingLogger(into: LogEntry[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      into.push({ level, fields: { ...bindings, ...(obj as Record<string, unknown>) }, msg });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => recordingLogger(into, { ...bindings, ...b }) };
}

/** In-flight counts set by the test; waitIdle resolves when the test says the replica is idle. */
export class TestLoad implements ReplicaLoad {
  readonly busy = new Map<string, number>();
  readonly waits: { id: string; timeoutMs: number }[] = [];
  private readonly idleWaiters = new Map<string, (() => void)[]>();

  inflight(_model: string, id: string): number {
    return this.busy.get(id) ?? 0;
  }

  waitIdle(_model: string, id: string, timeoutMs: number): Promise<void> {
    this.waits.push({ id, timeoutMs });
    if (!this.busy.get(id)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.set(id, [...(this.idleWaiters.get(id) ?? []), resolve]));
  }

  /** The replica's last request finished. */
  finish(id: string): void {
    this.busy.delete(id);
    for (const fn of this.idleWaiters.get(id) ?? []) fn();
    this.idleWaiters.delete(id);
  }
}

export interface HarnessOptions {
  workload: WorkloadSpec;
  /** Extra provider YAML fields, e.g. "drainTimeout: 5s". */
  providerYaml?: string;
  backoff?: BackoffOptions;
  watchIdleTimeoutMs?: number;
  resyncMs?: number;
  clock?: Clock;
  /** Called before the provider starts (seed pods, faults). */
  before?: (fake: FakeKube) => void | Promise<void>;
}

export interface Harness {
  fake: FakeKube;
  provider: KubernetesProvider;
  events: ReplicaEvent[];
  logs: LogEntry[];
  load: TestLoad;
  model: string;
  /** The generated kubeconfig (for a second client of the same fake, e.g. another gateway). */
  kubeconfig: string;
  replicas(): ReplicaInfo[];
  replica(id: string): ReplicaInfo | undefined;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const fake = await FakeKube.start();
  const dir = mkdtempSync(join(tmpdir(), 'pilotlight-kube-'));
  const kubeconfig = fake.writeKubeconfig(dir, opts.workload.namespace ?? 'default');
  fake.addWorkload(opts.workload);
  await opts.before?.(fake);
  const model = 'llama';
  const config = parseConfig(
    `
models:
  - name: ${model}
    provider:
      type: kubernetes
      kind: ${opts.workload.kind ?? 'Deployment'}
      name: ${opts.workload.name}
      port: ${opts.workload.port ?? 8000}
      kubeconfig: ${JSON.stringify(kubeconfig)}
${(opts.providerYaml ?? '')
  .split('\n')
  .filter(Boolean)
  .map((l) => `      ${l.trim()}`)
  .join('\n')}
`,
    'test.yaml',
  );
  const events: ReplicaEvent[] = [];
  const logs: LogEntry[] = [];
  const load = new TestLoad();
  const provider = new KubernetesProvider(config.models, load, opts.clock ?? systemClock, recordingLogger(logs), {
    backoff: opts.backoff ?? { baseMs: 10, maxMs: 100 },
    healthRetryMs: 20,
    healthTimeoutMs: 1000,
    ...(opts.watchIdleTimeoutMs !== undefined ? { watchIdleTimeoutMs: opts.watchIdleTimeoutMs } : {}),
    ...(opts.resyncMs !== undefined ? { resyncMs: opts.resyncMs } : {}),
  });
  provider.subscribe((e) => events.push(e));
  provider.start();
  return {
    fake,
    provider,
    events,
    logs,
    load,
    model,
    kubeconfig,
    replicas: () => provider.listReplicas(model),
    replica: (id) => provider.listReplicas(model).find((r) => r.id === id),
    async close() {
      await provider.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
