/**
 * Header filtering for the pass-through. Hop-by-hop headers (RFC 9110 7.6.1)
 * are not forwarded; neither are the ones undici or Node set themselves.
 * Cost note: one Set lookup per header, on flat arrays, no objects built.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);
const NOT_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'content-length']);

/** Client rawHeaders [k, v, k, v, ...] -> upstream headers, with a fresh content-length. */
export function upstreamHeaders(raw: readonly string[], contentLength: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i] ?? '';
    if (!NOT_UPSTREAM.has(k.toLowerCase())) out.push(k, raw[i + 1] ?? '');
  }
  out.push('content-length', String(contentLength));
  return out;
}

/** Upstream raw headers (Buffers) -> client headers, plus pilotlight's own. */
export function clientHeaders(raw: readonly Buffer[], extra: readonly string[]): { headers: string[]; eventStream: boolean } {
  const out: string[] = [];
  let eventStream = false;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]?.toString('latin1') ?? '';
    const lower = k.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    const v = raw[i + 1]?.toString('latin1') ?? '';
    if (lower === 'content-type' && v.startsWith('text/event-stream')) eventStream = true;
    out.push(k, v);
  }
  for (const x of extra) out.push(x);
  return { headers: out, eventStream };
}

export const H_COLD_START = 'x-pilotlight-cold-start';
export const H_QUEUE_WAIT = 'x-pilotlight-queue-wait-ms';
export const H_REPLICA = 'x-pilotlight-replica';

/** pilotlight's response headers: did the request wait for a cold start, how long it queued, which replica. */
export function pilotlightHeaders(coldStart: boolean, waitedMs: number, replica?: string): string[] {
  const out = [H_COLD_START, coldStart ? 'true' : 'false', H_QUEUE_WAIT, String(Math.round(waitedMs))];
  if (replica !== undefined) out.push(H_REPLICA, replica);
  return out;
}

/** The headers of a response answered without waiting and before any replica was chosen (errors). */
export const NO_WAIT_HEADERS: readonly string[] = pilotlightHeaders(false, 0);
