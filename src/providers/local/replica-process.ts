/**
 * One local replica: a child process, its readiness and liveness probes, and
 * its stop sequence (SIGTERM, then SIGKILL after stopTimeout, to the whole
 * process group: vLLM starts worker processes of its own).
 *
 *   starting --(GET /health = 200)--> ready --(drain)--> draining --> stopped
 *      |  exit / startupTimeout           | exit / N failed probes
 *      +--------------> failed <----------+
 *
 * A crash is noticed at once through the child's 'exit' event, not at the
 * next probe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LocalProviderConfig } from '../../config/schema.js';
import type { CancelTimer, Clock } from '../../core/clock.js';
import { formatDuration } from '../../core/duration.js';
import type { Logger } from '../../core/logger.js';
import type { ReplicaState } from '../provider.js';
import { OutputTail } from './output-tail.js';
import { probeHealth } from '../probe.js';

export interface ReplicaProcessOptions {
  id: string;
  argv: string[];
  env: Record<string, string>;
  url: string;
  cfg: LocalProviderConfig;
  clock: Clock;
  logger: Logger;
  onState(state: ReplicaState, reason?: string): void;
}

export class ReplicaProcess {
  state: ReplicaState = 'starting';
  readonly startedAt: number;
  readyAt: number | undefined;
  private child: ChildProcess | undefined;
  private readonly tail = new OutputTail();
  private probeTimer: CancelTimer | undefined;
  private startupTimer: CancelTimer | undefined;
  private killTimer: CancelTimer | undefined;
  private failures = 0;
  private stopping = false;
  private readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(private readonly o: ReplicaProcessOptions) {
    this.startedAt = o.clock.now();
    this.exited = new Promise((r) => (this.markExited = r));
  }

  start(): void {
    const [cmd, ...args] = this.o.argv;
    const log = this.o.logger;
    log.info({ replica: this.o.id, argv: this.o.argv.join(' ') }, 'starting replica');
    try {
      this.child = spawn(cmd ?? '', args, {
        env: { ...process.env, ...this.o.env },
        cwd: this.o.cfg.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      this.fail(`cannot run ${cmd}: ${(err as Error).message}`);
      this.markExited();
      return;
    }
    const onOutput = (chunk: Buffer): void => {
      for (const line of this.tail.push(chunk)) log.debug({ replica: this.o.id }, line);
    };
    this.child.stdout?.on('data', onOutput);
    this.child.stderr?.on('data', onOutput);
    this.child.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      this.fail(code === 'ENOENT' ? `cannot run "${cmd}": command not found` : `cannot run "${cmd}": ${err.message}`);
      this.markExited();
    });
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    this.startupTimer = this.o.clock.setTimer(this.o.cfg.startupTimeout, () => {
      if (this.state === 'starting') this.killAsFailed(`did not become healthy within ${formatDuration(this.o.cfg.startupTimeout)} (provider.startupTimeout)`);
    });
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probeTimer = this.o.clock.setTimer(this.o.cfg.probeInterval, () => void this.probe());
  }

  private async probe(): Promise<void> {
    if (this.state !== 'starting' && this.state !== 'ready' && this.state !== 'draining') return;
    const r = await probeHealth(this.o.url, this.o.cfg.healthPath, this.o.cfg.probeTimeout);
    if (this.state === 'starting' && r.ok) {
      this.startupTimer?.();
      this.readyAt = this.o.clock.now();
      this.setState('ready');
    } else if (this.state === 'ready' || this.state === 'draining') {
      this.failures = r.ok ? 0 : this.failures + 1;
      if (this.failures >= this.o.cfg.livenessFailures) {
        this.killAsFailed(`stopped answering health checks (${this.failures} consecutive failures, last: ${r.detail})`);
        return;
      }
    }
    if (this.state === 'starting' || this.state === 'ready' || this.state === 'draining') this.scheduleProbe();
  }

  /** Resolves once the process has exited (its GPUs and port are free again). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** No new requests; the provider waits for in-flight ones, then calls stop(). */
  drain(): void {
    if (this.state === 'ready' || this.state === 'starting') this.setState('draining');
  }

  /** SIGTERM, then SIGKILL after stopTimeout. Resolves when the process is gone. */
  stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && !this.stopping) {
      this.stopping = true;
      this.signal('SIGTERM');
      this.killTimer = this.o.clock.setTimer(this.o.cfg.stopTimeout, () => this.signal('SIGKILL'));
    } else if (!this.child) {
      this.setState('stopped');
    }
    return this.exited;
  }

  private killAsFailed(reason: string): void {
    this.fail(reason);
    this.signal('SIGKILL');
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig); // the whole process group
    } catch {
      try {
        this.child?.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.probeTimer?.();
    this.startupTimer?.();
    this.killTimer?.();
    // Reap the rest of the process group (workers of vLLM) in case they linger.
    if (this.child?.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // group already empty
      }
    }
    if (this.stopping && this.state !== 'failed') this.setState('stopped');
    else {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const when = this.state === 'starting' ? 'during start-up' : `after ${formatDuration(Math.round(this.o.clock.now() - (this.readyAt ?? this.startedAt)))} of service`;
      const out = this.tail.last(3);
      this.fail(`${how} ${when}${out ? `: ${out}` : ''}`);
    }
    this.markExited();
  }

  private fail(reason: string): void {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.probeTimer?.();
    this.startupTimer?.();
    this.setState('failed', reason);
  }

  private setState(s: ReplicaState, reason?: string): void {
    if (this.state === s) return;
    this.state = s;
    this.o.onState(s, reason);
  }
}
