/**
 * The HTTP surface, vLLM's routes on node:http. One request, innermost last:
 *
 *   state gate   hung/crashed: never answer; loading ('503' mode) and
 *                draining: /health 503, API 503 (metrics and version still answer)
 *   route        path + method -> handler; else FastAPI's {"detail": "Not Found"}
 *                (404) or {"detail": "Method Not Allowed"} (405)
 *   auth         --api-key: /v1/* needs "Authorization: Bearer KEY", else
 *                401 {"error": "Unauthorized"} (vLLM's AuthenticationMiddleware)
 *   body         JSON -> handler; a parse error is FastAPI's 400 json_invalid
 *   handler      handlers.ts; a thrown VllmError becomes its body and status
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VllmError, validationError } from './errors.js';
import { handleEmbeddings, handleGeneration, sendJson, type Sim } from './handlers.js';
import { modelList } from './responses.js';

/** The vLLM release whose API and metrics this simulator follows. */
export const EMULATED_VLLM_VERSION = '0.12.0';

export interface AppSim extends Sim {
  metricsText(): Promise<string>;
  metricsContentType(): string;
  /** Responses not yet finished (draining waits for them). */
  readonly inflight: Set<ServerResponse>;
  readonly startedAtS: number;
}

type Handler = (sim: AppSim, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

const emptyResponse = (res: ServerResponse, status: number): void => {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
};

const withBody = (fn: (sim: AppSim, body: unknown, req: IncomingMessage, res: ServerResponse) => void): Handler => {
  return async (sim, req, res) => {
    const body = await readJson(req);
    fn(sim, body, req, res);
  };
};

const ROUTES: Record<string, Record<string, Handler>> = {
  '/health': { GET: (sim, _req, res) => emptyResponse(res, sim.state() === 'ready' ? 200 : 503) },
  '/live': { GET: (_sim, _req, res) => emptyResponse(res, 200) },
  '/version': { GET: (_sim, _req, res) => sendJson(res, 200, { version: EMULATED_VLLM_VERSION }) },
  '/metrics': {
    GET: async (sim, _req, res) => {
      const text = await sim.metricsText();
      res.writeHead(200, { 'content-type': sim.metricsContentType(), 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  },
  '/v1/models': { GET: (sim, _req, res) => sendJson(res, 200, modelList(sim.o.servedModelNames, sim.o.modelPath, sim.o.profile.maxModelLen, sim.startedAtS)) },
  '/v1/chat/completions': { POST: withBody((sim, body, req, res) => handleGeneration(sim, 'chat', body, req, res)) },
  '/v1/completions': { POST: withBody((sim, body, req, res) => handleGeneration(sim, 'completion', body, req, res)) },
  '/v1/embeddings': { POST: withBody((sim, body, req, res) => handleEmbeddings(sim, body, req, res)) },
};

/** Routes that answer while the engine is loading or draining. */
const ALWAYS_ON = new Set(['/health', '/live', '/version', '/metrics']);

export function createApp(sim: AppSim): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const state = sim.state();
    if (state === 'hung' || state === 'crashed') return; // sockets stay open, nothing is written
    sim.inflight.add(res);
    res.on('close', () => sim.inflight.delete(res));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const methods = ROUTES[path];
    const handler = methods?.[req.method ?? 'GET'];
    if (!methods) return sendJson(res, 404, { detail: 'Not Found' });
    if (!handler) return sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: Object.keys(methods).join(', ') });
    if (state !== 'ready' && !ALWAYS_ON.has(path)) {
      const message = state === 'loading' ? 'The model is still loading.' : 'The server is shutting down.';
      const headers: Record<string, string> = state === 'loading' ? {} : { connection: 'close' };
      return sendJson(res, 503, new VllmError(503, 'ServiceUnavailableError', message).body(), headers);
    }
    if (sim.o.apiKey !== undefined && path.startsWith('/v1') && !authorized(req, sim.o.apiKey)) {
      return sendJson(res, 401, { error: 'Unauthorized' });
    }
    Promise.resolve()
      .then(() => handler(sim, req, res))
      .catch((err: unknown) => sendError(res, err));
  };
}

function authorized(req: IncomingMessage, key: string): boolean {
  const [scheme, token] = (req.headers.authorization ?? '').split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && token === key;
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = err instanceof VllmError ? err : new VllmError(500, 'InternalServerError', err instanceof Error ? err.message : String(err));
  sendJson(res, e.status, e.body());
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new VllmError(413, 'Request Entity Too Large', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message)?.[1];
    throw validationError([{ type: 'json_invalid', loc: ['body', Number(pos ?? 0)], msg: 'JSON decode error', input: {}, ctx: { error: text.trim() === '' ? 'Expecting value' : 'Invalid JSON' } }]);
  }
}
