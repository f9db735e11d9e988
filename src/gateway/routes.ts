/**
 * The OpenAI API's GET routes: the model list, one model, and health. The
 * inference routes are the hot path (inference.ts).
 */
import { PilotlightError } from '../core/errors.js';
import type { Router } from './router.js';

/** The JSON body for GET `path`, undefined when no route matches; throws model_not_found for an unknown model. */
export function apiRoute(path: string, router: Router): unknown {
  if (path === '/v1/models') return { object: 'list', data: listModels(router) };
  if (path.startsWith('/v1/models/')) {
    const id = decodePathPart(path.slice('/v1/models/'.length));
    const found = listModels(router).find((m) => m.id === id);
    if (!found) throw new PilotlightError('model_not_found', `The model \`${id}\` does not exist.`, { param: 'model' });
    return found;
  }
  if (path === '/health') return { status: 'ok' };
  return undefined;
}

function listModels(router: Router): { id: string; object: 'model'; created: number; owned_by: string; root: string }[] {
  const created = 0;
  return router.pools.flatMap((p) => [
    { id: p.model.name, object: 'model' as const, created, owned_by: 'pilotlight', root: p.model.servedModelName },
    ...p.model.aliases.map((a) => ({ id: a, object: 'model' as const, created, owned_by: 'pilotlight', root: p.model.servedModelName })),
  ]);
}

/** Percent-decoded, or as sent when it is not valid percent-encoding (then it simply names no model). */
function decodePathPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
