/**
 * The OpenAI API listener (fastify). Request logging is off on the hot path
 * (metrics carry the numbers); errors are logged once, in the error handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Clock } from '../core/clock.js';
import { describeError, PilotlightError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { toApiError } from './api-errors.js';
import { parseJsonBody } from './body.js';
import { errorHeaders } from './error-reply.js';
import { NO_WAIT_HEADERS } from './headers.js';
import { handleInference } from './inference.js';
import { registerRoutes } from './routes.js';
import type { Router } from './router.js';

export interface ApiServerOptions {
  router: Router;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  maxBodySize: number;
}

export function buildApiServer(o: ApiServerOptions): FastifyInstance {
  // One node:http server: inference calls are served raw (the hot path), the rest by fastify.
  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createServer((req, res) => {
      if (!handleInference(o, req, res)) fastifyHandler(req, res);
    });
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = 0;
    return server;
  };
  const app = Fastify({
    serverFactory,
    logger: false,
    bodyLimit: o.maxBodySize,
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    connectionTimeout: 0,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err, o.maxBodySize);
    o.metrics.errors.inc({ model: '', code: e.code });
    o.metrics.requests.inc({ model: '', code: String(e.status) });
    if (e.status >= 500) o.logger.warn({ code: e.code, url: req.url, err: describeError(err) }, e.message);
    sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new PilotlightError('route_not_found', `no route ${req.method} ${req.url.split('?')[0]}; the gateway serves the OpenAI API under /v1`);
    o.metrics.requests.inc({ model: '', code: '404' });
    sendError(reply, e);
  });
  registerRoutes(app, o.router);
  return app;
}

/** An OpenAI-style error through fastify, with Retry-After and pilotlight's headers (errorHeaders). */
function sendError(reply: FastifyReply, e: PilotlightError): void {
  const h = errorHeaders(e, NO_WAIT_HEADERS);
  for (let i = 0; i < h.length; i += 2) reply.header(h[i] ?? '', h[i + 1]);
  void reply.code(e.status).send(e.toBody());
}
