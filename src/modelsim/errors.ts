/**
 * Error bodies exactly as vLLM's OpenAI server returns them (read from
 * vllm/entrypoints/openai/engine/protocol.py ErrorInfo, engine/serving.py
 * create_error_response, api_server.py exception handlers):
 *
 *   {"error": {"message": str, "type": str, "param": str | null, "code": int}}
 *
 * `code` is the HTTP status as an integer. Two families of `type`:
 *   - raised while serving: "BadRequestError" (400), "NotFoundError" (404), ...
 *   - request-body validation (FastAPI RequestValidationError): the HTTP
 *     phrase, "Bad Request", with pydantic's error list in the message.
 * Older vLLM (before ~0.10) answered {"object": "error", "message", "type",
 * "param", "code"}; we emulate the current shape only.
 *
 * Worked example, unknown model:
 *   404 {"error":{"message":"The model `gpt-4` does not exist.",
 *        "type":"NotFoundError","param":"model","code":404}}
 */

export interface VllmErrorBody {
  error: { message: string; type: string; param: string | null; code: number };
}

export class VllmError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'VllmError';
  }

  body(): VllmErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }
}

/** One pydantic error entry, as FastAPI reports it. */
export interface FieldError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
  /** The `parameter` of a VLLMValidationError raised inside a validator. */
  param?: string;
}

export function modelNotFound(model: string): VllmError {
  return new VllmError(404, 'NotFoundError', `The model \`${model}\` does not exist.`, 'model');
}

/** A VLLMValidationError raised while serving: message gets vLLM's "(parameter=..., value=...)" suffix. */
export function badRequest(message: string, param?: string, value?: unknown): VllmError {
  const extras: string[] = [];
  if (param !== undefined) extras.push(`parameter=${param}`);
  if (value !== undefined && value !== null) extras.push(`value=${String(value)}`);
  const full = extras.length > 0 ? `${message} (${extras.join(', ')})` : message;
  return new VllmError(400, 'BadRequestError', full, param ?? null);
}

/** FastAPI's RequestValidationError, formatted as vLLM's handler does: 400 "Bad Request". */
export function validationError(errors: FieldError[]): VllmError {
  const entries = errors.map(({ param: _param, ...e }) => ({ ...e, loc: new PyTuple(e.loc) }));
  const head = `${errors.length} validation error${errors.length === 1 ? '' : 's'}:\n`;
  const exc = head + entries.map((e) => `  ${pyRepr(e)}\n`).join('');
  const message = `${exc} ${pyRepr(entries)}`;
  return new VllmError(400, 'Bad Request', message, errors.find((e) => e.param)?.param ?? null);
}

export function serviceUnavailable(message: string): VllmError {
  return new VllmError(503, 'ServiceUnavailableError', message);
}

class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** Python's repr() of JSON-like values, enough for pydantic error messages. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyString(v);
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return pyString(String(v));
}

function pyString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(new RegExp(q, 'g'), `\\${q}`);
  return `${q}${body}${q}`;
}
