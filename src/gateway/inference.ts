/**
 * The inference routes (POST /v1/chat/completions, /v1/completions,
 * /v1/embeddings) on raw node:http: the hot path of the gateway. Measured
 * against the bare undici pass-through floor (docs/benchmarks.md), a
 * framework's per-request objects cost ~15 µs of CPU and ~5 KB per open
 * stream; api-server.ts answers everything else (the model list, health,
 * 404s).
 *
 * Per request, innermost to outermost:
 *   proxy.forward       undici dispatch to the chosen replica, streaming
 *   pool.admit / wait   lease on the least-loaded ready replica, or queue
 *   router.resolve      model / alias -> pool (404 if none)
 *   parseJsonBody       raw Buffer, validated JSON and its model (400), body limit (413)
 *   handleInference     this file: reads the body, answers errors
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { describeError, PilotlightError, toPilotlightError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { parseJsonBody, withModel } from './body.js';
import { writeError } from './error-reply.js';
import { NO_WAIT_HEADERS, pilotlightHeaders } from './headers.js';
import { routePath } from './listener.js';
import type { ModelPool } from './pool.js';
import { forward, type ForwardRequest } from './proxy.js';
import type { Router } from './router.js';

export const INFERENCE_ROUTES: ReadonlySet<string> = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings']);

export interface InferenceDeps {
  router: Router;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  maxBodySize: number;
}

/** Serves the request if it is an inference call; returns false to let api-server.ts answer it. */
export function handleInference(d: InferenceDeps, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'POST') return false;
  const route = routePath(req.url);
  if (!INFERENCE_ROUTES.has(route)) return false;
  const startedAt = d.clock.now();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > d.maxBodySize) {
    tooLarge(d, req, res);
    return true;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > d.maxBodySize) {
      req.removeAllListeners('data');
      tooLarge(d, req, res);
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (size > d.maxBodySize) return;
    const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    // The listeners live as long as the request (a stream may be open for
    // minutes): let them stop holding the body, so it is freed once forwarded.
    chunks.length = 0;
    try {
      serve(d, req, res, route, raw, startedAt);
    } catch (err) {
      fail(d, res, err, undefined, startedAt);
    }
  });
  return true;
}

function tooLarge(d: InferenceDeps, req: IncomingMessage, res: ServerResponse): void {
  // Answer at once and close: reading the rest of an oversized body is wasted work.
  res.shouldKeepAlive = false;
  fail(d, res, new PilotlightError('body_too_large', `request body is larger than server.maxBodySize (${d.maxBodySize} bytes)`), undefined, d.clock.now());
  req.resume();
}

/** Synchronous up to the lease: a request with a free replica costs no promise or microtask; only a wait goes async. */
function serve(d: InferenceDeps, req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer, startedAt: number): void {
  const body = parseJsonBody(raw);
  if (!body.isObject) throw new PilotlightError('invalid_request', 'request body must be a JSON object');
  const model = body.model;
  if (model === undefined || model === '') throw new PilotlightError('invalid_request', 'you must provide a model parameter', { param: 'model' });
  const pool = d.router.resolve(model);
  if (!pool) throw new PilotlightError('model_not_found', `The model \`${model}\` does not exist.`, { param: 'model' });
  const upstreamBody = model === pool.model.servedModelName ? raw : withModel(body, pool.model.servedModelName);
  const fwd = { pool, res, path, rawHeaders: req.rawHeaders, body: upstreamBody, startedAt, clock: d.clock, logger: d.logger };
  const now = pool.admit();
  if (now) {
    pool.m.notQueued();
    forward(fwd, now);
    return;
  }
  void waitThenForward(d, fwd, pool, res, startedAt);
}

/** No free replica: wait in the model's admission queue (the activator), then forward. */
async function waitThenForward(d: InferenceDeps, fwd: ForwardRequest, pool: ModelPool, res: ServerResponse, startedAt: number): Promise<void> {
  const coldStart = !pool.hasReady();
  const ac = new AbortController();
  const onClose = (): void => ac.abort(new Error('client closed the connection'));
  res.once('close', onClose);
  try {
    forward(fwd, await pool.wait(ac.signal));
  } catch (err) {
    if (ac.signal.aborted) {
      pool.m.finished(499, (d.clock.now() - startedAt) / 1000);
      res.destroy();
      return;
    }
    fail(d, res, err, pool, startedAt, pilotlightHeaders(coldStart, d.clock.now() - startedAt));
  } finally {
    res.off('close', onClose);
  }
}

/** Answers an error and counts it (under the model when known). */
function fail(d: InferenceDeps, res: ServerResponse, err: unknown, pool: ModelPool | undefined, startedAt: number, extra: readonly string[] = NO_WAIT_HEADERS): void {
  const e = toPilotlightError(err);
  if (pool) {
    pool.m.error(e.code);
    pool.m.finished(e.status, (d.clock.now() - startedAt) / 1000);
  } else {
    d.metrics.errors.inc({ model: '', code: e.code });
    d.metrics.requests.inc({ model: '', code: String(e.status) });
  }
  if (e.status >= 500) d.logger.warn({ code: e.code, err: describeError(err) }, e.message);
  writeError(res, e, extra);
}
