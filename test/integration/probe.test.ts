/**
 * The health probe against real servers on loopback: healthy only on 200, and
 * a replica that accepts the connection but never answers fails on the timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth } from '../../src/providers/probe.js';

const servers: Server[] = [];
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

let ok: string;
let unavailable: string;
let hung: string;
let paths: string[];
beforeAll(async () => {
  paths = [];
  ok = await serve((req, res) => {
    paths.push(req.url ?? '');
    res.end('{}');
  });
  unavailable = await serve((_req, res) => {
    res.statusCode = 503;
    res.end('loading');
  });
  hung = await serve(() => undefined);
});
afterAll(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
});

describe('probeHealth', () => {
  it('is healthy on 200 and asks for the configured path', async () => {
    expect(await probeHealth(ok, '/health', 1000)).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(paths).toEqual(['/health']);
  });

  it('is unhealthy on any other status, and says which', async () => {
    expect(await probeHealth(unavailable, '/health', 1000)).toEqual({ ok: false, detail: 'HTTP 503' });
  });

  it('fails a replica that accepts the connection but never answers, on the timeout', async () => {
    expect(await probeHealth(hung, '/health', 150)).toEqual({ ok: false, detail: 'no answer within 150 ms' });
  });

  it('names the socket error when nothing listens', async () => {
    const closed = await serve(() => undefined);
    const s = servers.pop();
    await new Promise<void>((resolve) => s?.close(() => resolve()));
    expect(await probeHealth(closed, '/health', 1000)).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });
});
