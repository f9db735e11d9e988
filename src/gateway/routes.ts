/**
 * The OpenAI API routes. Per request, innermost to outermost:
 *
 *   proxy.forward      undici dispatch to the chosen replica, streaming
 *   pool.admit         lease on the least-loaded ready replica, or queue
 *   router.resolve     model / alias -> pool (404 if none)
 *   body.parseJsonBody raw Buffer + parsed JSON (400 / 413 before this)
 *   fastify            HTTP, body limit, error handler
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { PilotlightError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { withModel, type ParsedBody } from './body.js';
import { H_COLD_START, H_QUEUE_WAIT } from './headers.js';
import type { Lease, ModelPool } from './pool.js';
import { forward } from './proxy.js';
import type { Router } from './router.js';

export const INFERENCE_ROUTES = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'] as const;

declare module 'fastify' {
  interface FastifyRequest {
    pilotPool?: ModelPool;
    pilotStartedAt?: number;
  }
}

export function registerRoutes(app: FastifyInstance, router: Router, clock: Clock, logger: Logger): void {
  for (const path of INFERENCE_ROUTES) {
    app.post(path, (req, reply) => inference(req, reply, path, router, clock, logger));
  }
  app.get('/v1/models', async () => ({ object: 'list', data: listModels(router) }));
  app.get<{ Params: { '*': string } }>('/v1/models/*', async (req) => {
    const id = req.params['*'];
    const found = listModels(router).find((m) => m.id === id);
    if (!found) throw new PilotlightError('model_not_found', `The model \`${id}\` does not exist.`, { param: 'model' });
    return found;
  });
  app.get('/health', async () => ({ status: 'ok' }));
}

function listModels(router: Router): { id: string; object: 'model'; created: number; owned_by: string; root: string }[] {
  const created = 0;
  return router.pools.flatMap((p) => [
    { id: p.model.name, object: 'model' as const, created, owned_by: 'pilotlight', root: p.model.servedModelName },
    ...p.model.aliases.map((a) => ({ id: a, object: 'model' as const, created, owned_by: 'pilotlight', root: p.model.servedModelName })),
  ]);
}

async function inference(req: FastifyRequest, reply: FastifyReply, path: string, router: Router, clock: Clock, logger: Logger): Promise<void> {
  const startedAt = clock.now();
  req.pilotStartedAt = startedAt;
  const body = req.body as ParsedBody | undefined;
  const json = body?.json;
  if (!body || typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PilotlightError('invalid_request', 'request body must be a JSON object');
  }
  const model = (json as { model?: unknown }).model;
  if (typeof model !== 'string' || model === '') {
    throw new PilotlightError('invalid_request', 'you must provide a model parameter', { param: 'model' });
  }
  const pool = router.resolve(model);
  if (!pool) throw new PilotlightError('model_not_found', `The model \`${model}\` does not exist.`, { param: 'model' });
  req.pilotPool = pool;
  const upstreamBody = model === pool.model.servedModelName ? body.raw : withModel(body, pool.model.servedModelName);

  const res = reply.raw;
  let lease: Lease;
  const now = pool.admit();
  if (now) {
    lease = now;
    pool.m.notQueued();
  } else {
    const coldStart = !pool.hasReady();
    const ac = new AbortController();
    const onClose = (): void => ac.abort(new Error('client closed the connection'));
    res.once('close', onClose);
    try {
      lease = await pool.wait(ac.signal);
    } catch (err) {
      if (ac.signal.aborted) {
        pool.m.finished(499, (clock.now() - startedAt) / 1000);
        reply.hijack();
        res.destroy();
        return;
      }
      reply.header(H_COLD_START, String(coldStart)).header(H_QUEUE_WAIT, String(Math.round(clock.now() - startedAt)));
      throw err;
    } finally {
      res.off('close', onClose);
    }
  }
  reply.hijack();
  forward({ pool, res, path, rawHeaders: req.raw.rawHeaders, body: upstreamBody, startedAt, clock, logger }, lease);
}
