/**
 * One ready replica as the data plane sees it: an address, an undici Pool of
 * keep-alive connections, and its in-flight count.
 *
 * The connection pool is sized to the replica's concurrency cap (plus a few),
 * never smaller: a pool smaller than the concurrent streams queues requests
 * inside undici and adds hundreds of ms of TTFB (reply-from's default of 128
 * is the known trap).
 */
import type { Balanced } from './balancer.js';
import { pilotlightHeaders } from './headers.js';
import { Pool } from './undici-pool.js';

export class Endpoint implements Balanced {
  inflight = 0;
  routable = true;
  readonly client: Pool;
  /** pilotlight's headers for a request served at once (the common case), built once. */
  private readonly noWaitHeaders: readonly string[];

  constructor(
    readonly id: string,
    readonly url: string,
    readonly cap: number,
    upstreamTimeoutMs: number,
    /** When it became routable (clock ms). */
    readonly readyAt = 0,
  ) {
    this.noWaitHeaders = pilotlightHeaders(false, 0, id);
    this.client = new Pool(url, {
      connections: cap > 0 ? cap + 8 : null,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: upstreamTimeoutMs,
      bodyTimeout: upstreamTimeoutMs,
    });
  }

  /** pilotlight's response headers for a request served here (shared, not rebuilt, when it did not wait). */
  headers(coldStart: boolean, waitedMs: number): readonly string[] {
    return coldStart || waitedMs > 0 ? pilotlightHeaders(coldStart, waitedMs, this.id) : this.noWaitHeaders;
  }

  close(): void {
    this.routable = false;
    // Open requests finish on their own (draining) or fail (crash); idle sockets close now.
    this.client.close().catch(() => undefined);
  }

  destroy(): void {
    this.routable = false;
    this.client.destroy().catch(() => undefined);
  }
}
