/**
 * Forwarding one request to a replica with undici's raw dispatch API: the
 * cheapest pass-through Node has (the floor of ../shared/bench), with
 * back-pressure both ways and each upstream chunk written as it arrives (SSE
 * events are never coalesced).
 *
 *   client -> inference.ts (body parsed, model routed, lease taken)
 *          -> forward(): undici Pool.dispatch -> ForwardHandler
 *             onHeaders: write status + headers (+ pilotlight's)
 *             onData:    res.write(chunk); false pauses upstream until 'drain'
 *             onComplete/onError: end, release the lease, record metrics
 *
 * Failure before response headers (connection refused/reset, replica died):
 * retried on another replica, up to routing.retries, through the same queue.
 * Failure after headers: an SSE stream gets a final error event; other
 * bodies are cut (the client sees a truncated response, never a fake one).
 * A client that goes away aborts the upstream request.
 */
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Clock } from '../core/clock.js';
import { describeError, PilotlightError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Endpoint } from './endpoint.js';
import { writeError, writeStreamError } from './error-reply.js';
import { clientHeaders, pilotlightHeaders, upstreamHeaders } from './headers.js';
import type { Lease, ModelPool } from './pool.js';

const EMPTY = Buffer.alloc(0);

/** undici error codes that mean "the request never reached a working replica". */
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface ForwardRequest {
  pool: ModelPool;
  res: ServerResponse;
  path: string;
  /** Kept for retries until response headers arrive, then dropped (a long stream should not hold them). */
  rawHeaders: readonly string[];
  body: Buffer;
  /** When the request arrived (clock ms). */
  startedAt: number;
  clock: Clock;
  logger: Logger;
}

export function forward(req: ForwardRequest, lease: Lease): void {
  const attempt = new Attempt(req, lease, undefined, 0);
  attempt.send();
}

class Attempt implements Dispatcher.DispatchHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private headersSent = false;
  private eventStream = false;
  private done = false;
  private firstByte = false;
  private clientGone = false;
  private readonly onClose: () => void;
  private onDrain: (() => void) | undefined;

  constructor(
    private readonly req: ForwardRequest,
    private readonly lease: Lease,
    /** Replicas already tried (created on the first retry: most requests never need it). */
    private readonly tried: Set<Endpoint> | undefined,
    private readonly retry: number,
  ) {
    this.onClose = () => {
      if (this.done || req.res.writableFinished) return;
      this.clientGone = true;
      this.abortUpstream?.(new Error('client closed the connection'));
    };
    req.res.on('close', this.onClose); // removed in detach(), which every ending goes through
  }

  send(): void {
    const { req } = this;
    this.lease.endpoint.client.dispatch(
      { path: req.path, method: 'POST', headers: upstreamHeaders(req.rawHeaders, req.body.length), body: req.body },
      this,
    );
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.req.res.destroyed) {
      this.clientGone = true;
      abort(new Error('client closed the connection'));
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    const { res } = this.req;
    const { headers, eventStream } = clientHeaders(rawHeaders, this.lease.endpoint.headers(this.lease.coldStart, this.lease.waitedMs));
    this.eventStream = eventStream;
    this.headersSent = true;
    this.status = statusCode;
    // No retry after this point: let the request body and headers go now, not when the stream ends.
    this.req.body = EMPTY;
    this.req.rawHeaders = [];
    res.writeHead(statusCode, headers);
    this.onDrain = resume;
    res.on('drain', resume);
    return true;
  }

  private status = 0;

  onData(chunk: Buffer): boolean {
    if (!this.firstByte) {
      this.firstByte = true;
      this.req.pool.m.ttfb.observe((this.req.clock.now() - this.req.startedAt) / 1000);
    }
    return this.req.res.write(chunk);
  }

  onComplete(): void {
    this.finish(this.status);
    this.req.res.end();
  }

  onError(err: Error): void {
    const { res, pool } = this.req;
    if (this.done) return;
    if (this.clientGone) {
      // The client left first and we aborted the upstream request. Destroy our
      // side too: a half-closed client socket would otherwise stay open.
      this.finish(499);
      res.destroy();
      return;
    }
    if (this.headersSent) {
      const e = new PilotlightError('upstream_stream_error', `replica ${this.lease.endpoint.id} failed mid-response: ${describeError(err)}`, { cause: err });
      pool.m.error(e.code);
      this.req.logger.warn({ model: pool.name, replica: this.lease.endpoint.id, err: describeError(err) }, 'upstream failed after headers');
      this.finish(this.status);
      if (this.eventStream) writeStreamError(res, e);
      else res.destroy(err);
      return;
    }
    const code = (err as { code?: string }).code ?? '';
    if (RETRYABLE.has(code) && this.retry < pool.model.routing.retries) {
      this.retryElsewhere(code);
      return;
    }
    const e =
      code === 'UND_ERR_HEADERS_TIMEOUT'
        ? new PilotlightError('upstream_timeout', `replica ${this.lease.endpoint.id} sent no response headers within routing.upstreamTimeout`, { cause: err })
        : new PilotlightError('upstream_unavailable', `could not reach a replica of ${pool.name} after ${this.retry + 1} attempt(s): ${describeError(err)}`, {
            cause: err,
            retryAfterS: pool.retryAfterS(),
          });
    pool.m.error(e.code);
    this.finish(e.status);
    writeError(res, e, pilotlightHeaders(this.lease.coldStart, this.lease.waitedMs));
  }

  private retryElsewhere(reason: string): void {
    const { pool, res } = this.req;
    this.detach();
    this.lease.release();
    const failedAt = this.req.clock.now();
    const tried = this.tried ?? new Set<Endpoint>();
    tried.add(this.lease.endpoint);
    pool.m.retry(reason);
    const next = (lease: Lease): void => {
      if (res.destroyed) {
        lease.release();
        pool.m.finished(499, (this.req.clock.now() - this.req.startedAt) / 1000);
        res.destroy();
        return;
      }
      // A retry that lands on a replica started after the failure (the one that
      // failed was the only one) waited for a cold start, whatever the queue saw.
      const merged: Lease = {
        endpoint: lease.endpoint,
        coldStart: lease.coldStart || this.lease.coldStart || lease.endpoint.readyAt > failedAt,
        waitedMs: lease.waitedMs + this.lease.waitedMs,
        release: () => lease.release(),
      };
      new Attempt(this.req, merged, tried, this.retry + 1).send();
    };
    const now = pool.tryAcquire(tried);
    if (now) return next(now);
    const ac = new AbortController();
    res.once('close', () => ac.abort(new Error('client closed the connection')));
    pool.wait(ac.signal, tried).then(next, (err: unknown) => {
      if (ac.signal.aborted) {
        pool.m.finished(499, (this.req.clock.now() - this.req.startedAt) / 1000);
        res.destroy();
        return;
      }
      const e = err instanceof PilotlightError ? err : new PilotlightError('upstream_unavailable', describeError(err), { cause: err });
      pool.m.error(e.code);
      pool.m.finished(e.status, (this.req.clock.now() - this.req.startedAt) / 1000);
      writeError(res, e, pilotlightHeaders(this.lease.coldStart, this.lease.waitedMs));
    });
  }

  private detach(): void {
    this.done = true;
    this.req.res.off('close', this.onClose);
    if (this.onDrain) this.req.res.off('drain', this.onDrain);
  }

  private finish(code: number): void {
    if (this.done) return;
    this.detach();
    this.lease.release();
    this.req.pool.m.finished(code, (this.req.clock.now() - this.req.startedAt) / 1000);
  }
}
