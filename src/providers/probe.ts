/**
 * One HTTP health probe: GET <url><path>, healthy on 200. A replica that
 * accepts the connection but never answers (hung) fails on the timeout.
 */
import { request } from 'undici';

export async function probeHealth(baseUrl: string, path: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await request(`${baseUrl}${path}`, {
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs + 100),
    });
    await res.body.dump();
    return { ok: res.statusCode === 200, detail: `HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, detail: e.code ?? e.message ?? String(err) };
  }
}
