/**
 * startModelsim(): the simulator's lifecycle around one node:http server.
 *
 *   loading  -> (start-up delay * time scale) -> ready | failed
 *   ready    -> close() -> draining -> closed
 *   ready    -> N completed requests -> hung (--hang-after) | crashed (--crash-after)
 *
 * While loading, 'refuse' (vLLM's behaviour: the port is bound but not
 * listening) answers nothing at all; for port 0 we find a free port by
 * listening and closing at once, then listen on it when ready. '503' listens
 * from the start and /health says 503.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { CancelTimer } from '../core/clock.js';
import { Engine } from './engine.js';
import type { ModelsimState } from './handlers.js';
import { createApp, type AppSim } from './http-app.js';
import { ModelsimMetrics } from './metrics.js';
import { resolveOptions, type ModelsimOptions, type ResolvedOptions } from './options.js';
import type { Profile } from './profiles.js';

export interface ModelsimStats {
  running: number;
  waiting: number;
  kvUsage: number;
  completed: number;
}

export interface ModelsimHandle {
  /** http://host:port, known before the model is ready. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly servedModelNames: readonly string[];
  readonly profile: Profile;
  /** Resolves when /health turns 200; rejects on --fail-startup (with vLLM's error text). */
  readonly ready: Promise<void>;
  state(): ModelsimState;
  stats(): ModelsimStats;
  metricsText(): Promise<string>;
  /** Graceful: stop accepting, let in-flight requests finish (bounded), then stop. */
  close(): Promise<void>;
}

/** The fatal error vLLM prints when the engine cannot start (here: KV cache allocation OOM). */
export function startupFailureText(o: ResolvedOptions): string {
  return [
    `ERROR [core.py] EngineCore failed to start.`,
    `torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.02 GiB is free. (model ${o.modelPath}, injected by modelsim --fail-startup)`,
    `RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
  ].join('\n');
}

export async function startModelsim(options: ModelsimOptions = {}): Promise<ModelsimHandle> {
  const o = resolveOptions(options);
  const sim = new Simulator(o);
  await sim.bind();
  return sim.handle();
}

class Simulator implements AppSim {
  readonly engine: Engine;
  readonly metrics: ModelsimMetrics;
  readonly inflight = new Set<ServerResponse>();
  readonly startedAtS: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private current: ModelsimState = 'loading';
  private port = 0;
  private requestIndex = 0;
  private completedCount = 0;
  private cancelStartup: CancelTimer | undefined;
  private readonly readyPromise: Promise<void>;
  private settleReady: { resolve: () => void; reject: (e: Error) => void } = { resolve: () => undefined, reject: () => undefined };

  constructor(readonly o: ResolvedOptions) {
    this.startedAtS = Math.floor(o.clock.now() / 1000);
    this.metrics = new ModelsimMetrics({ modelName: o.servedModelNames[0] ?? o.modelPath, profile: o.profile, engine: () => this.engine });
    this.engine = new Engine({ clock: o.clock, profile: o.profile, timeScale: o.timeScale, seed: o.seed, minTickMs: o.minTickMs, observer: this.metrics });
    this.server = createServer({ keepAliveTimeout: 5000 }, createApp(this));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.readyPromise = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.readyPromise.catch(() => undefined); // callers may never await it
  }

  state(): ModelsimState {
    return this.current;
  }

  nextRequestIndex(): number {
    return this.requestIndex++;
  }

  metricsText(): Promise<string> {
    return this.metrics.text();
  }

  metricsContentType(): string {
    return this.metrics.contentType();
  }

  completed(): void {
    this.completedCount++;
    const h = this.o.hangAfter;
    if (h !== undefined && this.completedCount >= h && this.current === 'ready') this.hang();
  }

  crashArmed(): boolean {
    const c = this.o.crashAfter;
    return c !== undefined && this.completedCount >= c && this.current === 'ready';
  }

  crash(): void {
    if (this.current === 'crashed') return;
    this.current = 'crashed';
    this.o.log(`ERROR modelsim: injected crash after ${this.completedCount} completed requests (--crash-after)`);
    this.engine.freeze();
    if (this.o.onCrash) return this.o.onCrash();
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }

  private hang(): void {
    this.current = 'hung';
    this.o.log(`modelsim: hanging after ${this.completedCount} completed requests (--hang-after)`);
    this.engine.freeze();
    // A hung process closes nothing: no keep-alive expiry, no 408 for unread bodies.
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  async bind(): Promise<void> {
    if (this.o.whileLoading === '503') {
      this.port = await this.listen(this.o.port);
    } else if (this.o.port === 0) {
      this.port = await this.listen(0);
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    } else {
      this.port = this.o.port;
    }
    const delay = this.o.startupDelayMs * this.o.timeScale;
    this.o.log(`INFO modelsim: loading ${this.o.modelPath} (profile ${this.o.profile.name}), ready in ${(delay / 1000).toFixed(3)}s`);
    this.cancelStartup = this.o.clock.setTimer(delay, () => void this.loaded());
  }

  private listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.o.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  private async loaded(): Promise<void> {
    this.cancelStartup = undefined;
    if (this.current !== 'loading') return;
    try {
      if (this.o.failStartup) throw new Error(startupFailureText(this.o));
      if (!this.server.listening) await this.listen(this.port);
    } catch (err) {
      this.current = 'failed';
      this.server.close();
      for (const s of this.sockets) s.destroy();
      this.settleReady.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.current = 'ready';
    this.o.log(`INFO modelsim: Starting vLLM API server 0 on ${this.url()}`);
    this.settleReady.resolve();
    if (this.o.hangAfter === 0) this.hang();
  }

  url(): string {
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return `http://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    this.cancelStartup?.();
    if (this.current === 'closed') return;
    const wasLoading = this.current === 'loading';
    // A hung, crashed or failed simulator has nothing left to drain.
    const drain = this.current === 'ready' || this.current === 'draining';
    if (this.current === 'ready' || this.current === 'loading') this.current = 'draining';
    if (wasLoading) this.settleReady.reject(new Error('modelsim closed before it was ready'));
    const closed = new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
    this.server.closeIdleConnections();
    const deadline = this.o.clock.now() + this.o.drainTimeoutMs;
    while (drain && (this.inflight.size > 0 || this.engine.activeCount() > 0) && this.o.clock.now() < deadline) {
      await this.o.clock.sleep(Math.min(20, Math.max(1, deadline - this.o.clock.now())));
      this.server.closeIdleConnections();
    }
    this.engine.freeze();
    for (const s of this.sockets) s.destroy();
    await closed;
    this.current = 'closed';
  }

  handle(): ModelsimHandle {
    return {
      url: this.url(),
      host: this.o.host,
      port: this.port,
      servedModelNames: this.o.servedModelNames,
      profile: this.o.profile,
      ready: this.readyPromise,
      state: () => this.current,
      stats: () => ({ ...this.engine.stats(), completed: this.completedCount }),
      metricsText: () => this.metricsText(),
      close: () => this.close(),
    };
  }
}
