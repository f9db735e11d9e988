/**
 * The health probe against real servers on loopback: healthy only on 200, and
 * a replica that accepts the connection but never answers fails on the timeout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth } from '../../src/providers/probe.js';

const servers: Server[] = [];
let https: string;
let cutOff: string;
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
  cutOff = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setImmediate(() => res.socket?.destroy());
  });
  // A self-signed certificate, made for this run.
  const dir = mkdtempSync(join(tmpdir(), 'pl-probe-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
  servers.push(tls);
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  https = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
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

  it('is unhealthy when the replica cuts the response short', async () => {
    const r = await probeHealth(cutOff, '/health', 1000);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/ECONNRESET|aborted/);
  });

  it('speaks TLS to an https replica, and verifies its certificate as the forwarding pool does', async () => {
    expect(await probeHealth(https, '/health', 2000)).toEqual({ ok: false, detail: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('names the socket error when nothing listens', async () => {
    const closed = await serve(() => undefined);
    const s = servers.pop();
    await new Promise<void>((resolve) => s?.close(() => resolve()));
    expect(await probeHealth(closed, '/health', 1000)).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });
});
