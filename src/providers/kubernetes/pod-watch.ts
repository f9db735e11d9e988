/**
 * LIST then WATCH the pods behind a workload, the informer pattern:
 *
 *   LIST  -> every pod + the list's resourceVersion       (sink.replace)
 *   WATCH from that resourceVersion -> ADDED/MODIFIED/DELETED (sink.apply)
 *         BOOKMARK -> only advances the resourceVersion
 *   stream ends (server timeout, dropped connection) -> re-WATCH from the
 *         last resourceVersion seen, after a backoff that resets once
 *         events flow again: nothing is lost, nothing is re-listed
 *   ERROR 410 Gone / "too old resource version" -> re-LIST, then WATCH
 *   nothing at all for idleTimeoutMs (a connection that died without a
 *         FIN; the server would have ended the watch or sent a bookmark
 *         by then) -> treated like a drop
 *
 * One loop per workload; never two watches at once.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Backoff } from './backoff.js';
import { describeKubeError, isExpired, isTransient } from './kube-errors.js';
import type { KubeApi } from './kube-api.js';
import { toPodView, type PodView, type RawPod } from './pod-view.js';

export interface PodSink {
  replace(pods: readonly PodView[]): void;
  apply(type: string, pod: PodView): void;
}

interface WatchOutcome {
  expired: boolean;
  events: number;
  err: unknown;
}

export class PodWatch {
  private resourceVersion: string | undefined;
  private stop: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly selector: string,
    private readonly sink: PodSink,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly logger: Logger,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Runs until close(); calls `onListed` after the first successful LIST. */
  async run(onListed: () => void): Promise<void> {
    let announced = false;
    while (!this.abort.signal.aborted) {
      if (this.resourceVersion === undefined && !(await this.list())) continue;
      if (!announced) {
        announced = true;
        onListed();
      }
      const out = await this.watchOnce(this.resourceVersion ?? '');
      if (this.abort.signal.aborted) return;
      if (out.expired) {
        this.logger.info({ namespace: this.namespace, selector: this.selector }, 'pod watch expired (410); re-listing');
        this.resourceVersion = undefined;
        continue;
      }
      if (out.events > 0) this.backoff.reset();
      const delay = this.backoff.next(out.err !== null && !isTransient(out.err));
      if (out.err) this.logger.warn({ namespace: this.namespace, error: describeKubeError(out.err), retryInMs: delay }, 'pod watch ended; reconnecting');
      await this.pause(delay);
    }
  }

  close(): void {
    this.abort.abort();
    this.stop?.();
    this.stop = undefined;
  }

  private async list(): Promise<boolean> {
    try {
      const { pods, resourceVersion } = await this.api.listPods(this.namespace, this.selector);
      if (this.abort.signal.aborted) return false;
      this.sink.replace(pods);
      this.resourceVersion = resourceVersion;
      return true;
    } catch (err) {
      const delay = this.backoff.next(!isTransient(err));
      this.logger.warn({ namespace: this.namespace, error: describeKubeError(err), retryInMs: delay }, 'listing pods failed; retrying');
      await this.pause(delay);
      return false;
    }
  }

  private watchOnce(resourceVersion: string): Promise<WatchOutcome> {
    return new Promise((resolve) => {
      const out: WatchOutcome = { expired: false, events: 0, err: null };
      let cancelIdle = (): void => undefined;
      const finish = (err: unknown): void => {
        cancelIdle();
        this.stop = undefined;
        if (isExpired(err)) out.expired = true;
        else if (err && !out.err) out.err = err;
        resolve(out);
      };
      const armIdle = (): void => {
        cancelIdle();
        cancelIdle = this.clock.setTimer(this.idleTimeoutMs, () => {
          this.stop?.();
          finish({ code: 'WATCH_IDLE', message: `no watch event for ${this.idleTimeoutMs} ms` });
        });
      };
      armIdle();
      this.stop = this.api.watchPods(this.namespace, this.selector, resourceVersion, {
        onEvent: (type, obj) => {
          armIdle();
          this.onEvent(out, type, obj);
        },
        onDone: finish,
      });
    });
  }

  private onEvent(out: WatchOutcome, type: string, obj: unknown): void {
    out.events++;
    if (type === 'ERROR') {
      // The server ends the stream after an ERROR; a 410 means our resourceVersion is gone.
      const status = obj as { code?: number; message?: string } | undefined;
      if (status?.code === 410) out.expired = true;
      else out.err = { code: status?.code, body: status };
      return;
    }
    const rv = (obj as RawPod | undefined)?.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (rv) this.resourceVersion = rv;
      return;
    }
    const pod = toPodView(obj as RawPod);
    if (!pod) return;
    this.sink.apply(type, pod);
    if (rv) this.resourceVersion = rv;
  }

  private async pause(ms: number): Promise<void> {
    await this.clock.sleep(ms, this.abort.signal).catch(() => undefined);
  }
}
