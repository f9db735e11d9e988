/**
 * Writing OpenAI-shaped errors, before a response started (status + JSON
 * body + Retry-After) or after (a final SSE event, then the stream closes).
 */
import type { ServerResponse } from 'node:http';
import type { PilotlightError } from '../core/errors.js';

export function errorHeaders(err: PilotlightError, extra: readonly string[] = []): string[] {
  const h = ['content-type', 'application/json'];
  if (err.retryAfterS !== undefined) h.push('retry-after', String(Math.max(1, Math.ceil(err.retryAfterS))));
  return [...h, ...extra];
}

/** Sends an error on a raw response that has not started. */
export function writeError(res: ServerResponse, err: PilotlightError, extra: readonly string[] = []): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.toBody());
  res.writeHead(err.status, [...errorHeaders(err, extra), 'content-length', String(Buffer.byteLength(body))]);
  res.end(body);
}

/**
 * Ends a started SSE stream with a final error event. OpenAI clients parse
 * `data: {"error": {...}}` as an API error and stop.
 */
export function writeStreamError(res: ServerResponse, err: PilotlightError): void {
  if (res.destroyed || res.writableEnded) return;
  res.end(`data: ${JSON.stringify(err.toBody())}\n\n`);
}
