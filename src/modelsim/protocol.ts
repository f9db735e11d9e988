/**
 * Request parsing for the three generation endpoints, in vLLM's order:
 *   1. body validation (pydantic in vLLM) -> 400 "Bad Request" listing every bad field
 *   2. model check -> 404 "The model `x` does not exist." (no model field = the served model)
 *   3. prompt length and max_tokens against max_model_len -> 400 "BadRequestError"
 * Field defaults follow vllm/entrypoints/openai/{chat_completion,completion}/protocol.py:
 * chat max_tokens defaults to "until EOS"; completions max_tokens to 16
 * (an explicit null means "until EOS"); stream_options needs stream=true.
 */
import { badRequest, modelNotFound, validationError, type FieldError } from './errors.js';
import { chatPromptTokens, countTextTokens } from './tokens.js';

export interface GenerationParams {
  endpoint: 'chat' | 'completion';
  model: string | undefined;
  promptTokens: number;
  /** Exact output length; undefined means drawn from the profile (until "EOS"). */
  maxTokens: number | undefined;
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

export interface EmbeddingParams {
  model: string | undefined;
  inputs: Array<{ tokens: number; key: string }>;
  encodingFormat: 'float' | 'base64';
}

export interface ServingLimits {
  servedModelNames: readonly string[];
  maxModelLen: number;
}

type Body = Record<string, unknown>;

class Fields {
  readonly errors: FieldError[] = [];
  constructor(readonly body: Body) {}

  fail(key: string, type: string, msg: string, param?: string): undefined {
    // pydantic reports a missing field with the whole body as its input.
    const input = type === 'missing' ? this.body : this.body[key];
    this.errors.push({ type, loc: ['body', key], msg, input, ...(param ? { param } : {}) });
    return undefined;
  }

  string(key: string): string | undefined {
    const v = this.body[key];
    if (v === undefined || v === null || typeof v === 'string') return v ?? undefined;
    return this.fail(key, 'string_type', 'Input should be a valid string');
  }

  /** undefined when absent, null when explicitly null. */
  int(key: string): number | null | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return v;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
    return this.fail(key, 'int_type', 'Input should be a valid integer');
  }

  bool(key: string): boolean | undefined {
    const v = this.body[key];
    if (v === undefined || v === null || typeof v === 'boolean') return v ?? undefined;
    return this.fail(key, 'bool_type', 'Input should be a valid boolean');
  }

  object(key: string): Body | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object' && !Array.isArray(v)) return v as Body;
    return this.fail(key, 'model_attributes_type', 'Input should be a valid dictionary or object to extract fields from');
  }

  done(): void {
    if (this.errors.length > 0) throw validationError(this.errors);
  }
}

function asBody(body: unknown): Body {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Body;
  throw validationError([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }]);
}

function streamFlags(f: Fields): Pick<GenerationParams, 'stream' | 'includeUsage' | 'continuousUsage'> {
  const stream = f.bool('stream') ?? false;
  const opts = f.object('stream_options');
  if (opts && !stream) {
    f.errors.push({ type: 'value_error', loc: ['body'], msg: 'Value error, Stream options can only be defined when `stream=True`. (parameter=stream_options)', input: f.body, param: 'stream_options' });
  }
  // StreamOptions.include_usage defaults to True once stream_options is given.
  const includeUsage = opts !== undefined && opts.include_usage !== false;
  return { stream, includeUsage, continuousUsage: includeUsage && opts?.continuous_usage_stats === true };
}

export function parseChat(raw: unknown): GenerationParams {
  const f = new Fields(asBody(raw));
  const messages = f.body.messages;
  if (messages === undefined) f.fail('messages', 'missing', 'Field required');
  else if (!Array.isArray(messages)) f.fail('messages', 'list_type', 'Input should be a valid list');
  else if (messages.some((m) => typeof m !== 'object' || m === null || Array.isArray(m))) f.fail('messages', 'dict_type', 'Input should be a valid dictionary');
  const model = f.string('model');
  const maxCompletion = f.int('max_completion_tokens');
  const maxTokens = f.int('max_tokens');
  const flags = streamFlags(f);
  f.done();
  const useCompletion = maxCompletion !== undefined && maxCompletion !== null;
  return {
    endpoint: 'chat',
    model,
    promptTokens: chatPromptTokens(messages as Array<{ content?: unknown }>),
    maxTokens: (useCompletion ? maxCompletion : maxTokens) ?? undefined,
    maxTokensParam: useCompletion ? 'max_completion_tokens' : 'max_tokens',
    ...flags,
  };
}

export function parseCompletion(raw: unknown): GenerationParams {
  const f = new Fields(asBody(raw));
  const model = f.string('model');
  const maxTokens = f.int('max_tokens');
  const flags = streamFlags(f);
  const prompts = promptList(f.body.prompt);
  if (prompts === undefined) f.fail('prompt', 'value_error', 'Value error, Either prompt or prompt_embeds must be provided and non-empty.');
  f.done();
  const list = prompts ?? [];
  if (list.length !== 1) throw badRequest('modelsim simulates one prompt per request; send batched prompts as separate requests.', 'prompt');
  return {
    endpoint: 'completion',
    model,
    // A text prompt gets a BOS token (add_special_tokens defaults to true for completions).
    promptTokens: list[0]?.tokens ?? 1,
    maxTokens: maxTokens === undefined ? 16 : (maxTokens ?? undefined),
    maxTokensParam: 'max_tokens',
    ...flags,
  };
}

export function parseEmbedding(raw: unknown): EmbeddingParams {
  const f = new Fields(asBody(raw));
  const model = f.string('model');
  const format = f.string('encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') f.fail('encoding_format', 'literal_error', "Input should be 'float' or 'base64'");
  const inputs = promptList(f.body.input);
  if (inputs === undefined && f.body.input === undefined) f.fail('input', 'missing', 'Field required');
  else if (inputs === undefined) f.fail('input', 'value_error', 'Value error, input must be a non-empty string or list');
  f.done();
  return { model, inputs: inputs ?? [], encodingFormat: format === 'base64' ? 'base64' : 'float' };
}

/** string | string[] | int[] | int[][] -> token counts; undefined when empty or malformed. */
function promptList(p: unknown): Array<{ tokens: number; key: string }> | undefined {
  const text = (s: string) => ({ tokens: 1 + countTextTokens(s), key: s });
  const ids = (a: number[]) => ({ tokens: a.length, key: a.join(',') });
  const isIds = (a: unknown): a is number[] => Array.isArray(a) && a.length > 0 && a.every((x) => Number.isInteger(x));
  if (typeof p === 'string') return p === '' ? undefined : [text(p)];
  if (isIds(p)) return [ids(p)];
  if (!Array.isArray(p) || p.length === 0) return undefined;
  if (p.every((x) => typeof x === 'string' && x !== '')) return (p as string[]).map(text);
  if (p.every(isIds)) return (p as number[][]).map(ids);
  return undefined;
}

/** Steps 2 and 3: the model name, then the context window. */
export function checkGeneration(p: GenerationParams, limits: ServingLimits): void {
  checkModel(p.model, limits);
  const n = p.promptTokens;
  const max = limits.maxModelLen;
  if (p.maxTokens !== undefined && p.maxTokens < 1) throw badRequest(`max_tokens must be at least 1, got ${p.maxTokens}.`, 'max_tokens', p.maxTokens);
  if (n >= max) {
    throw badRequest(`This model's maximum context length is ${max} tokens. However, your request has ${n} input tokens. Please reduce the length of the input messages.`, 'input_tokens', n);
  }
  if (p.maxTokens !== undefined && n + p.maxTokens > max) {
    throw badRequest(
      `'max_tokens' or 'max_completion_tokens' is too large: ${p.maxTokens}. This model's maximum context length is ${max} tokens and your request has ${n} input tokens (${p.maxTokens} > ${max} - ${n}).`,
      'max_tokens',
      p.maxTokens,
    );
  }
}

export function checkEmbedding(p: EmbeddingParams, limits: ServingLimits): void {
  checkModel(p.model, limits);
  for (const input of p.inputs) {
    if (input.tokens > limits.maxModelLen) {
      throw badRequest(
        `This model's maximum context length is ${limits.maxModelLen} tokens. However, you requested ${input.tokens} tokens in the input for embedding generation. Please reduce the length of the input.`,
        'input_tokens',
        input.tokens,
      );
    }
  }
}

function checkModel(model: string | undefined, limits: ServingLimits): void {
  if (model && !limits.servedModelNames.includes(model)) throw modelNotFound(model);
}
