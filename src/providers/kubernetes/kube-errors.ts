/**
 * What a failed Kubernetes call means for the caller: retry soon, retry
 * slowly, or re-list. Errors are matched on their status code / `code`
 * field, never with instanceof: the client library wraps HTTP errors in its
 * own ApiException (`code` = HTTP status, `body` = the Status object), the
 * watch rejects with `statusCode`, and node-fetch reports socket errors with
 * a string `code` (ECONNREFUSED, ECONNRESET, ...).
 */

/** The HTTP status of a failed API call, if it got that far. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/**
 * Worth retrying soon: conflicts (409: someone else wrote in between),
 * throttling (429), server errors (5xx) and anything that never got an
 * HTTP answer (connection refused/reset, DNS, TLS, timeouts). Other 4xx
 * (403 RBAC, 404 no such workload, 422 invalid) need a human: retried too,
 * but at the slowest pace, so a fix is picked up without a hot loop.
 */
export function isTransient(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === undefined) return true;
  return status === 409 || status === 429 || status >= 500;
}

/** A watch/list whose resourceVersion the server no longer has: re-list. */
export function isExpired(err: unknown): boolean {
  return httpStatus(err) === 410;
}

/** One line for logs and replica reasons: "HTTP 403: deployments.apps "x" is forbidden: ..." */
export function describeKubeError(err: unknown): string {
  const status = httpStatus(err);
  const body = typeof err === 'object' && err !== null ? (err as { body?: unknown }).body : undefined;
  const message = statusMessage(body);
  if (status !== undefined) return `HTTP ${status}${message ? `: ${message}` : ''}`;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string') return `${e.code}${typeof e.message === 'string' ? `: ${e.message}` : ''}`;
  return typeof e?.message === 'string' ? e.message : String(err);
}

/** The `message` of a Kubernetes Status object (the body may be a string or already parsed). */
function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body) as unknown;
    } catch {
      return body.slice(0, 200) || undefined;
    }
  }
  if (typeof b === 'object' && b !== null && typeof (b as { message?: unknown }).message === 'string') return (b as { message: string }).message;
  return undefined;
}
