/**
 * The two listeners outside the inference hot path, over real sockets: the
 * API's model list and health, 404s that keep the connection usable, and
 * the admin port's routes.
 */
import { connect } from 'node:net';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelsim, type ModelsimHandle } from '../../src/modelsim/index.js';
import { metric, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let sim: ModelsimHandle;
let gw: TestGateway;
let api: Pool;

beforeAll(async () => {
  sim = await startModelsim({ port: 0, profile: 'tiny', servedModelNames: ['served-tiny'], timeScale: 0.2, startupDelayMs: 0 });
  await sim.ready;
  gw = await startTestGateway(`
server: { maxBodySize: 1KiB }
models:
  - name: org/tiny
    aliases: [tiny-alias]
    servedModelName: served-tiny
    provider: { type: static, endpoints: ["${sim.url}"] }
`);
  // One connection, reused: the tests check the connection header to see whether a response kept it open or closed it.
  api = new Pool(gw.apiUrl, { connections: 1, pipelining: 1 });
});
afterAll(async () => {
  await api.close();
  await gw.close();
  await sim.close();
});

async function get(path: string, method: 'GET' | 'HEAD' | 'POST' | 'DELETE' = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const res = await api.request({ path, method, ...(body !== undefined && { body }) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('API listener: routes beside inference', () => {
  it('lists the models and their aliases; the openai client reads the list', async () => {
    const client = new OpenAI({ baseURL: gw.v1, apiKey: 'unused' });
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['org/tiny', 'tiny-alias']);
  });

  it('finds one model by a name with a slash (and URL-encoded), with a trailing slash and a query string', async () => {
    for (const path of ['/v1/models/org/tiny', '/v1/models/org%2Ftiny', '/v1/models/tiny-alias/?x=1']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(JSON.parse(r.text)).toMatchObject({ object: 'model', owned_by: 'pilotlight', root: 'served-tiny' });
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['x-pilotlight-cold-start']).toBe('false');
    }
  });

  it('an unknown model id, or one that is not valid percent-encoding, is 404 model_not_found', async () => {
    for (const [path, id] of [
      ['/v1/models/gpt-17', 'gpt-17'],
      ['/v1/models/%E0%A4%A', '%E0%A4%A'],
    ]) {
      const r = await get(path ?? '');
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.text).error).toMatchObject({ code: 'model_not_found', param: 'model', message: `The model \`${id}\` does not exist.` });
    }
  });

  it('HEAD gets the headers of GET and no body', async () => {
    const r = await get('/health', 'HEAD');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify({ status: 'ok' })));
  });

  it('a wrong method or an unknown path is 404 route_not_found naming both, and the connection stays usable', async () => {
    const r = await get('/v1/models', 'POST', '{"a":1}');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text).error).toMatchObject({ code: 'route_not_found', message: 'no route POST /v1/models; the gateway serves the OpenAI API under /v1' });
    expect(r.headers.connection).toBe('keep-alive');
    const d = await get('/v1/files/x', 'DELETE');
    expect(JSON.parse(d.text).error.message).toContain('no route DELETE /v1/files/x');
    expect((await get('/health')).status).toBe(200);
  });

  it('a body larger than server.maxBodySize sent to an unknown route is answered, then the connection closes', async () => {
    const r = await get('/v1/unknown', 'POST', 'x'.repeat(4096));
    expect(r.status).toBe(404);
    expect(r.headers.connection).toBe('close');
    expect((await get('/health')).status).toBe(200); // on a new connection
  });

  it('counts the 404s', async () => {
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_requests_total', { model: '', code: '404' })).toBeGreaterThanOrEqual(3);
    expect(metric(text, 'pilotlight_errors_total', { model: '', code: 'model_not_found' })).toBeGreaterThanOrEqual(1);
  });
});

describe('admin listener', () => {
  it('serves /metrics in the Prometheus text format, /healthz, /readyz and /admin/models', async () => {
    const m = await fetch(`${gw.adminUrl}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await m.text()).toContain('# TYPE pilotlight_requests_total counter');
    expect(await (await fetch(`${gw.adminUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${gw.adminUrl}/readyz/`)).json()).toEqual({ status: 'ready' });
    const models = (await (await fetch(`${gw.adminUrl}/admin/models?verbose=1`)).json()) as { models: { name: string; policy: string; provider: string }[] };
    expect(models.models.map((x) => [x.name, x.provider])).toEqual([['org/tiny', 'static']]);
  });

  it('anything else is 404 route_not_found listing what the port serves', async () => {
    for (const [method, path] of [
      ['GET', '/v1/models'],
      ['POST', '/metrics'],
    ] as const) {
      const r = await fetch(`${gw.adminUrl}${path}`, { method });
      expect(r.status).toBe(404);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('route_not_found');
      expect(body.error.message).toBe(`no route ${method} ${path}; the admin port serves /metrics, /healthz, /readyz and /admin/models`);
    }
  });
});

describe('shutdown', () => {
  it('is not held up by a connection opened to the admin port and never used', async () => {
    const other = await startTestGateway(`
models:
  - name: tiny
    provider: { type: static, endpoints: ["${sim.url}"] }
`);
    const { port, hostname } = new URL(other.adminUrl);
    const idle = connect(Number(port), hostname);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const closedSocket = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    await other.close(); // before the fix: never returned
    await closedSocket;
  }, 10_000);
});
