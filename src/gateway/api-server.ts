/**
 * The OpenAI API listener. Inference calls go to the hot path
 * (inference.ts); the model list, health and everything else are answered
 * here. During shutdown these stay answered while in-flight work drains;
 * inference calls get shutting_down from their pool. Request logging is off
 * on the hot path (metrics carry the numbers); server errors are logged once,
 * where they are answered.
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { describeError, PilotlightError, toPilotlightError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { writeError } from './error-reply.js';
import { NO_WAIT_HEADERS } from './headers.js';
import { handleInference } from './inference.js';
import { discardBody, Listener, routePath, sendJson } from './listener.js';
import { apiRoute } from './routes.js';
import type { Router } from './router.js';

export interface ApiServerOptions {
  router: Router;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  maxBodySize: number;
}

/** Clients keep connections longer than typical load balancers' 60 s idle timeout, so the gateway is never the one to cut a reused socket. */
const KEEP_ALIVE_MS = 65_000;

export function buildApiServer(o: ApiServerOptions): Listener {
  return new Listener((req, res) => {
    if (handleInference(o, req, res)) return;
    discardBody(req, res, o.maxBodySize);
    const path = routePath(req.url);
    try {
      const body = req.method === 'GET' || req.method === 'HEAD' ? apiRoute(path, o.router) : undefined;
      if (body === undefined) {
        o.metrics.requests.inc({ model: '', code: '404' });
        writeError(res, new PilotlightError('route_not_found', `no route ${req.method ?? ''} ${path}; the gateway serves the OpenAI API under /v1`), NO_WAIT_HEADERS);
        return;
      }
      sendJson(res, 200, body, NO_WAIT_HEADERS);
    } catch (err) {
      sendError(o, res, err);
    }
  }, KEEP_ALIVE_MS);
}

/** An OpenAI-style error, counted, with pilotlight's headers; server errors are logged. */
function sendError(o: ApiServerOptions, res: ServerResponse, err: unknown): void {
  const e = toPilotlightError(err);
  o.metrics.errors.inc({ model: '', code: e.code });
  o.metrics.requests.inc({ model: '', code: String(e.status) });
  if (e.status >= 500) o.logger.warn({ code: e.code, err: describeError(err) }, e.message);
  writeError(res, e, NO_WAIT_HEADERS);
}
