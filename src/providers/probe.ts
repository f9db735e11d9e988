/**
 * One HTTP health probe: GET <url><path>, healthy on 200. A replica that
 * accepts the connection but never answers (hung) fails on the timeout,
 * which bounds the whole probe (connect, headers and body).
 *
 * node:http (node:https for https replicas) with a fresh connection per probe (no keep-alive): a probe also
 * checks that the replica still accepts connections, and it keeps undici's
 * package index (fetch, WebSocket, caches) out of the gateway's heap
 * (gateway/undici-pool.ts).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export function probeHealth(baseUrl: string, path: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      resolve({ ok, detail });
    };
    const signal = AbortSignal.timeout(timeoutMs);
    const failed = (err: NodeJS.ErrnoException): void => done(false, signal.aborted ? `no answer within ${timeoutMs} ms` : (err.code ?? err.message));
    try {
      const url = new URL(`${baseUrl}${path}`);
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, { method: 'GET', agent: false, headers: { connection: 'close' }, signal }, (res) => {
        res.on('error', failed);
        res.on('end', () => done(res.statusCode === 200, `HTTP ${String(res.statusCode)}`));
        res.resume();
      });
      req.on('error', failed);
      req.end();
    } catch (err) {
      done(false, (err as Error).message);
    }
  });
}
