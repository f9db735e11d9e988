/**
 * The composition root: the only file where real implementations meet.
 *
 *   config -> pools (data plane) + providers (replicas) + autoscaler (control)
 *          -> API listener + admin listener
 *
 * Provider events flow to the pools (routable set, accounting); the pools'
 * load flows to the autoscaler; the autoscaler's decisions flow to the
 * providers through the reconciler. Nothing flows the other way.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Autoscaler } from './autoscaler/autoscaler.js';
import { ClusterLoad } from './autoscaler/cluster-load.js';
import { Coordinator } from './autoscaler/coordinator.js';
import { policyByName } from './autoscaler/policies.js';
import { Reconciler } from './autoscaler/reconciler.js';
import { SignalCollector } from './autoscaler/signals.js';
import type { Config } from './config/resolve.js';
import { every, systemClock, type Clock } from './core/clock.js';
import { describeError } from './core/errors.js';
import type { LoadSnapshot } from './core/load.js';
import type { Logger } from './core/logger.js';
import { buildAdminServer } from './gateway/admin-server.js';
import { buildApiServer } from './gateway/api-server.js';
import { ConnectionTracker } from './gateway/connections.js';
import { ModelPool } from './gateway/pool.js';
import { Router } from './gateway/router.js';
import { createProviders } from './providers/factory.js';
import type { Provider, ReplicaLoad } from './providers/provider.js';
import { DecisionFile } from './state/decision-file.js';
import { registerCoordinationMetrics } from './telemetry/coordination-metrics.js';
import { GpuAccounting } from './telemetry/gpu-accounting.js';
import { Metrics, type ModelView } from './telemetry/metrics.js';

export interface GatewayOptions {
  clock?: Clock;
  logger: Logger;
  /** Override state.path of in-memory state (tests use a temp file; null keeps nothing). */
  statePath?: string | null;
  /** Override server.port / server.adminPort (0 = any free port). */
  port?: number;
  adminPort?: number;
}

export interface Gateway {
  apiUrl: string;
  adminUrl: string;
  router: Router;
  autoscaler: Autoscaler;
  registry: Registry;
  providerFor(model: string): Provider | undefined;
  /** Graceful stop: refuse new requests, let in-flight ones finish (bounded), stop replicas. */
  close(): Promise<void>;
}

/** Models the autoscaler sizes (fixed endpoint lists are not scaled). */
function autoscalerModels(config: Config, providerFor: (m: string) => Provider | undefined): string[] {
  return config.models.filter((m) => providerFor(m.name)?.scalable).map((m) => m.name);
}

/** Redis client errors repeat on every reconnect attempt: log the first of each kind only. */
function storeErrorLogger(logger: Logger): (err: Error) => void {
  let last = '';
  return (err) => {
    const msg = describeError(err);
    if (msg !== last) logger.warn({ err: msg }, 'state store connection error');
    last = msg;
  };
}

export async function startGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const accounting = new GpuAccounting(() => clock.now());

  let autoscaler: Autoscaler | undefined;
  let shuttingDown = false;
  const pools: ModelPool[] = [];
  const views = (): ModelView[] =>
    pools.map((p) => {
      const s = p.status();
      return {
        name: p.name,
        gpusPerReplica: p.model.gpusPerReplica,
        gpuPricePerHour: p.model.gpuPricePerHour,
        inflight: s.inflight,
        queued: s.queued,
        desired: autoscaler?.decision(p.name)?.desired ?? providerFor(p.name)?.targetReplicas(p.name),
        forecast: autoscaler?.decision(p.name)?.forecast,
        replicas: s.replicas,
      };
    });
  const metrics = new Metrics(registry, { models: views }, accounting);
  let coordinator: Coordinator | undefined;
  const onDemand = (m: string): void => (coordinator ? coordinator.nudge(m) : autoscaler?.nudge(m));
  const deps = { clock, metrics, accounting, logger, onDemand };
  for (const m of config.models) pools.push(new ModelPool(m, deps));
  const router = new Router(pools);

  const load: ReplicaLoad = {
    inflight: (model, id) => router.pool(model)?.status().replicaList.find((r) => r.id === id)?.inflight ?? 0,
    waitIdle: (model, id, ms) => router.pool(model)?.waitIdle(id, ms) ?? Promise.resolve(),
  };
  const providers = await createProviders(config, load, clock, logger);
  const providerFor = (model: string): Provider | undefined => providers.forModel(model);
  for (const p of providers.all) p.subscribe((ev) => router.pool(ev.replica.model)?.onReplicaEvent(ev));

  const localLoad = (m: string): LoadSnapshot | undefined => router.pool(m)?.load();
  const gatewayId = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const cluster = config.state.type === 'redis' ? new ClusterLoad(gatewayId, localLoad, clock) : undefined;
  const collector = new SignalCollector(cluster ?? { load: localLoad }, providerFor);
  const reconciler = new Reconciler(providerFor, { scaleEvent: (model, direction, reason) => metrics.scaleEvents.inc({ model, direction, reason }) }, logger.child({ component: 'autoscaler' }));
  autoscaler = new Autoscaler(
    config.models
      .filter((m) => autoscalerModels(config, providerFor).includes(m.name))
      .map((m) => ({ name: m.name, scaling: m.scaling, policy: policyByName(m.scaling.policy) })),
    collector,
    reconciler,
    clock,
    logger.child({ component: 'autoscaler' }),
    { observeDecide: (policy, s) => metrics.autoscalerTick.observe({ policy }, s) },
  );

  const api = buildApiServer({ router, clock, logger, metrics, maxBodySize: config.server.maxBodySize });
  const connections = new ConnectionTracker(api.server);
  const admin = buildAdminServer(registry, {
    ready: () => !shuttingDown,
    models: () =>
      pools.map((p) => {
        const d = autoscaler?.decision(p.name);
        return { ...p.status(), desired: d?.desired ?? providerFor(p.name)?.targetReplicas(p.name), lastScaleReason: d?.reason, policy: p.model.scaling.policy, provider: p.model.provider.type };
      }),
  });

  if (config.state.type === 'redis' && cluster) {
    const st = config.state;
    const { RedisStateStore } = await import('./state/redis-store.js'); // ioredis only when used
    const store = new RedisStateStore({ url: st.url, keyPrefix: st.keyPrefix, onError: storeErrorLogger(logger) });
    coordinator = new Coordinator({
      store,
      selfId: gatewayId,
      models: autoscalerModels(config, providerFor),
      localLoad,
      cluster,
      autoscaler,
      publishIntervalMs: st.publishInterval,
      leaseDurationMs: st.leaseDuration,
      clock,
      logger: logger.child({ component: 'coordinator', gateway: gatewayId }),
    });
  }
  let decisionFile: DecisionFile | undefined;
  const statePath = opts.statePath !== undefined ? opts.statePath : config.state.type === 'memory' ? config.state.path : null;
  if (config.state.type === 'memory' && statePath) {
    const file = new DecisionFile(statePath, clock, 10_000, (err) => logger.warn({ err: describeError(err) }, 'policy state file'));
    let restored = 0;
    for (const [model, saved] of Object.entries(file.load())) if (autoscaler.restore(model, saved)) restored++;
    if (restored > 0) logger.info({ path: statePath, models: restored }, 'continuing from saved policy state');
    autoscaler.onDecision((model, d) => file.update(model, { ...d, epoch: 0 }));
    decisionFile = file;
  }
  registerCoordinationMetrics(registry, {
    storeUp: () => coordinator?.storeUp,
    role: () => autoscaler?.getMode() ?? 'alone',
    gateways: () => cluster?.gatewayCount() ?? 1,
  });

  const url = (a: AddressInfo | string | null): string =>
    typeof a === 'object' && a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);

  const gateway: Gateway = {
    apiUrl: '',
    adminUrl: '',
    router,
    autoscaler,
    registry,
    providerFor,
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      autoscaler?.stop();
      await coordinator?.close();
      decisionFile?.flush();
      for (const p of pools) p.close();
      const timeout = new AbortController();
      const deadline = clock.sleep(config.server.shutdownTimeout, timeout.signal).then(
        () => api.server.closeAllConnections(),
        () => undefined,
      );
      // Connections that finish their last response during shutdown become idle
      // later; close them as they do, instead of waiting out keep-alive.
      const stopReaping = every(clock, 100, () => connections.closeUnused());
      connections.closeUnused();
      await Promise.race([api.close(), deadline]);
      stopReaping();
      timeout.abort();
      await Promise.all(providers.all.map((p) => p.close()));
      for (const p of pools) p.destroy();
      // Admin requests are short (scrapes, probes): end them and any idle or
      // never-used connection now, or an open socket would hold close() forever.
      const adminClosed = admin.close();
      admin.server.closeAllConnections();
      await adminClosed;
    },
  };

  try {
    await admin.listen({ host: config.server.adminHost, port: opts.adminPort ?? config.server.adminPort });
    await api.listen({ host: config.server.host, port: opts.port ?? config.server.port });
    providers.start();
    await coordinator?.start();
    autoscaler.start(config.autoscaler.tickInterval);
  } catch (err) {
    // A port in use, say: undo what started (a listener, replicas, the store
    // connection), so the process can exit with the error instead of hanging.
    await gateway.close().catch((closeErr: unknown) => logger.warn({ err: describeError(closeErr) }, 'cleaning up after a failed start'));
    throw err;
  }
  gateway.apiUrl = url(api.server.address());
  gateway.adminUrl = url(admin.server.address());
  return gateway;
}
