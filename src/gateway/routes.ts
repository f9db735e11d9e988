/**
 * The OpenAI API routes fastify serves: the model list and health. The
 * inference routes run on raw node:http in front of fastify (inference.ts).
 */
import type { FastifyInstance } from 'fastify';
import { PilotlightError } from '../core/errors.js';
import type { Router } from './router.js';

export function registerRoutes(app: FastifyInstance, router: Router): void {
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
