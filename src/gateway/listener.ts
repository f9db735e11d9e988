/**
 * One HTTP listener on node:http, with listen and close as promises.
 *
 * Both listeners (the OpenAI API and the admin port) are plain node:http, not
 * fastify: they serve a handful of fixed routes, and fastify (with ajv,
 * find-my-way, avvio, fast-json-stringify) kept about 4 MB resident in the
 * serving heap, which every full collection marks; docs/benchmarks.md has the
 * measurements behind the choice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class Listener {
  readonly server: Server;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void, keepAliveTimeoutMs = 5_000) {
    this.server = createServer(handler);
    this.server.keepAliveTimeout = keepAliveTimeoutMs;
    this.server.requestTimeout = 0;
  }

  listen(o: { host: string; port: number }): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: o.host, port: o.port }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, closes idle connections, and resolves once every open request has finished. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}

/** The path of a request URL without its query string and without one trailing slash. */
export function routePath(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  const path = q < 0 ? u : u.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Sends a whole body with its length (HEAD requests get the headers only; node:http drops the body). */
export function sendText(res: ServerResponse, status: number, contentType: string, text: string, extra: readonly string[] = []): void {
  res.writeHead(status, ['content-type', contentType, 'content-length', String(Buffer.byteLength(text)), ...extra]);
  res.end(text);
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, extra: readonly string[] = []): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), extra);
}

/** Discards a request body the route does not read; one too large to be worth reading closes the connection after the answer. */
export function discardBody(req: IncomingMessage, res: ServerResponse, maxBodySize: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodySize || (req.headers['transfer-encoding'] !== undefined && declared === 0)) res.shouldKeepAlive = false;
  req.resume();
}
