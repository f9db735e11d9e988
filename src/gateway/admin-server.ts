/**
 * The admin listener: /metrics (Prometheus), /healthz (the process is alive),
 * /readyz (accepting traffic: 503 while shutting down), and
 * GET /admin/models (per model: desired/pending/starting/ready/draining
 * replicas, queue depth, in flight, each replica's state).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { PoolStatus } from './pool.js';

export interface AdminStatus {
  ready(): boolean;
  models(): (PoolStatus & { desired: number | undefined; lastScaleReason: string | undefined; policy: string; provider: string })[];
}

export function buildAdminServer(registry: Registry, status: AdminStatus): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!status.ready()) return reply.code(503).send({ status: 'shutting down' });
    return { status: 'ready' };
  });
  app.get('/admin/models', async () => ({ models: status.models() }));
  return app;
}
