/**
 * The one error catalogue. Every error pilotlight itself answers with has a
 * code from this table; the table gives the HTTP status and the OpenAI error
 * `type`. Bodies are always {"error":{"message","type","param","code"}}, the
 * shape OpenAI clients parse. Errors a model server returns pass through
 * untouched and never go through here.
 *
 * docs/errors.md lists the same table; test/unit/errors.test.ts keeps the two
 * in sync.
 */
export const ERROR_CATALOGUE = {
  invalid_json: { status: 400, type: 'invalid_request_error', summary: 'The request body is not valid JSON.' },
  invalid_request: { status: 400, type: 'invalid_request_error', summary: 'The request is missing a field or has one of the wrong type.' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', summary: 'The request body is not application/json.' },
  model_not_found: { status: 404, type: 'invalid_request_error', summary: 'No configured model has this name or alias.' },
  route_not_found: { status: 404, type: 'invalid_request_error', summary: 'No such API route.' },
  body_too_large: { status: 413, type: 'invalid_request_error', summary: 'The request body exceeds server.maxBodySize.' },
  queue_full: { status: 503, type: 'server_error', summary: "The model's admission queue is full (queue.maxPending)." },
  queue_timeout: { status: 503, type: 'server_error', summary: 'The request waited longer than queue.timeout for a free replica.' },
  replica_start_failed: { status: 503, type: 'server_error', summary: 'Every replica that could serve the request failed to start.' },
  no_capacity: { status: 503, type: 'server_error', summary: 'The model is scaled to zero and cannot scale up (maxReplicas is 0).' },
  upstream_unavailable: { status: 502, type: 'server_error', summary: 'Every attempt to reach a replica failed before it answered.' },
  upstream_timeout: { status: 504, type: 'server_error', summary: 'The replica did not send response headers within routing.upstreamTimeout.' },
  upstream_stream_error: { status: 502, type: 'server_error', summary: 'The replica failed after the response had started; sent as a final SSE event.' },
  shutting_down: { status: 503, type: 'server_error', summary: 'The gateway is shutting down.' },
  internal_error: { status: 500, type: 'server_error', summary: 'An unexpected error inside the gateway.' },
} as const satisfies Record<string, { status: number; type: string; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorOptions {
  cause?: unknown;
  param?: string | null;
  /** Seconds for the Retry-After header. */
  retryAfterS?: number;
}

export class PilotlightError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PilotlightError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.type = ERROR_CATALOGUE[code].type;
    this.param = opts.param ?? null;
    this.retryAfterS = opts.retryAfterS;
  }

  /** The OpenAI-shaped body. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** Normalises anything thrown into a PilotlightError (used at the edges only). */
export function toPilotlightError(err: unknown): PilotlightError {
  if (err instanceof PilotlightError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PilotlightError('internal_error', `internal error: ${message}`, { cause: err });
}

/** One line describing an error and its causes: "a: b: c". */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur !== undefined && cur !== null; i++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(typeof code === 'string' && !cur.message.includes(code) ? `${cur.message} (${code})` : cur.message);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(': ');
}
