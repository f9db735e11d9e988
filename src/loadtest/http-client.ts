/**
 * Sends one OpenAI request to the gateway with undici and measures it:
 * time to the first SSE data event (TTFT, streamed requests), end-to-end
 * latency, status and OpenAI error code, and pilotlight's headers (did it
 * wait for a cold start, how long it queued, which replica served it).
 *
 * Cost note: a stream's chunks are scanned as text for event boundaries and
 * parsed as JSON only when they mention "error", so a long stream costs one
 * string append and one indexOf per chunk.
 */
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../core/clock.js';

export interface SendSpec {
  url: string;
  body: string;
  stream: boolean;
  sessionId?: string;
}

export interface Outcome {
  /** HTTP status; 0 when no response arrived (connection refused, reset...). */
  status: number;
  ok: boolean;
  /** OpenAI error code (`queue_full`), or `http_503`, or undici's code (`ECONNREFUSED`). */
  errorCode?: string;
  ttftMs?: number;
  latencyMs: number;
  coldStart: boolean;
  queueWaitMs?: number;
  replica?: string;
}

export type Send = (spec: SendSpec) => Promise<Outcome>;

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The OpenAI error code of an error body: `error.code`, else `error.type`, else undefined. */
export function errorCodeOf(body: string): string | undefined {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; type?: unknown } | string }).error;
    if (typeof e !== 'object' || e === null) return undefined;
    if (typeof e.code === 'string' && e.code !== '') return e.code;
    if (typeof e.type === 'string' && e.type !== '') return e.type;
  } catch {
    // not JSON: the caller falls back to the status
  }
  return undefined;
}

/**
 * Reads SSE events from text chunks: reports the first event that carries
 * generated text (TTFT) and any error event. vLLM (and modelsim) open a chat
 * stream with a role-only event (`"delta":{"role":"assistant","content":""}`)
 * before any token exists; counting that one would time admission, not the
 * first token. Events are parsed only until the first token is seen.
 */
function carriesText(data: string): boolean {
  try {
    const c = (JSON.parse(data) as { choices?: { delta?: { content?: unknown }; text?: unknown }[] }).choices?.[0];
    const text = c?.delta?.content ?? c?.text;
    return typeof text === 'string' && text !== '';
  } catch {
    return false;
  }
}

export class SseScanner {
  private buf = '';
  firstData = false;
  errorCode: string | undefined;

  /** Feeds a chunk; returns true when this chunk completed the first data event. */
  push(text: string): boolean {
    this.buf += text;
    let first = false;
    for (;;) {
      const sep = /\r?\n\r?\n/.exec(this.buf);
      if (!sep) return first;
      const event = this.buf.slice(0, sep.index);
      this.buf = this.buf.slice(sep.index + sep[0].length);
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data === '' || data === '[DONE]') continue;
      if (data.includes('"error"')) this.errorCode ??= errorCodeOf(data) ?? 'stream_error';
      if (!this.firstData && carriesText(data)) {
        this.firstData = true;
        first = true;
      }
    }
  }
}

export function createSender(dispatcher: Dispatcher, clock: Clock): Send {
  return async (spec) => {
    const t0 = clock.now();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (spec.sessionId !== undefined) headers['x-session-id'] = spec.sessionId;
    try {
      const res = await request(spec.url, { method: 'POST', headers, body: spec.body, dispatcher });
      const h = res.headers;
      const wait = header(h, 'x-pilotlight-queue-wait-ms');
      const base = {
        status: res.statusCode,
        coldStart: header(h, 'x-pilotlight-cold-start') === 'true',
        ...(wait !== undefined ? { queueWaitMs: Number(wait) } : {}),
        ...(header(h, 'x-pilotlight-replica') !== undefined ? { replica: header(h, 'x-pilotlight-replica') } : {}),
      };
      const eventStream = (header(h, 'content-type') ?? '').startsWith('text/event-stream');
      if (res.statusCode < 400 && eventStream) {
        const sse = new SseScanner();
        let ttftMs: number | undefined;
        res.body.setEncoding('utf8');
        for await (const chunk of res.body) {
          if (sse.push(chunk as string)) ttftMs = clock.now() - t0;
        }
        const latencyMs = clock.now() - t0;
        const errorCode = sse.errorCode;
        return { ...base, ok: errorCode === undefined, latencyMs, ...(ttftMs !== undefined ? { ttftMs } : {}), ...(errorCode ? { errorCode } : {}) };
      }
      const text = await res.body.text();
      const latencyMs = clock.now() - t0;
      if (res.statusCode < 400) return { ...base, ok: true, latencyMs };
      return { ...base, ok: false, latencyMs, errorCode: errorCodeOf(text) ?? `http_${res.statusCode}` };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { status: 0, ok: false, latencyMs: clock.now() - t0, coldStart: false, errorCode: typeof code === 'string' ? code : 'network_error' };
    }
  };
}
