/**
 * The admin listener: /metrics (Prometheus), /healthz (the process is alive),
 * /readyz (accepting traffic: 503 while shutting down), and
 * GET /admin/models (per model: desired/pending/starting/ready/draining
 * replicas, queue depth, in flight, each replica's state).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { PilotlightError, toPilotlightError } from '../core/errors.js';
import { writeError } from './error-reply.js';
import { discardBody, Listener, routePath, sendJson, sendText } from './listener.js';
import type { PoolStatus } from './pool.js';

export interface AdminStatus {
  ready(): boolean;
  models(): (PoolStatus & { desired: number | undefined; lastScaleReason: string | undefined; policy: string; provider: string })[];
}

const ADMIN_MAX_BODY = 64 * 1024;

export function buildAdminServer(registry: Registry, status: AdminStatus): Listener {
  return new Listener((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      writeError(res, toPilotlightError(err));
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    discardBody(req, res, ADMIN_MAX_BODY);
    const path = routePath(req.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res, req.method, path);
    switch (path) {
      case '/metrics':
        registry.metrics().then(
          (text) => sendText(res, 200, registry.contentType, text),
          (err: unknown) => writeError(res, new PilotlightError('internal_error', `collecting metrics failed: ${String(err)}`, { cause: err })),
        );
        return;
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return status.ready() ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'shutting down' });
      case '/admin/models':
        return sendJson(res, 200, { models: status.models() });
      default:
        return notFound(res, req.method, path);
    }
  }
}

function notFound(res: ServerResponse, method: string | undefined, path: string): void {
  writeError(res, new PilotlightError('route_not_found', `no route ${method ?? ''} ${path}; the admin port serves /metrics, /healthz, /readyz and /admin/models`));
}
