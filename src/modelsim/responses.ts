/**
 * Response bodies and SSE chunks, field for field as vLLM serialises them
 * (chat_completion/protocol.py, completion/protocol.py; non-streaming bodies
 * are model_dump(), so every field appears; stream chunks are
 * model_dump_json(exclude_unset=True), so only the fields vLLM sets do):
 *
 *   chat stream:  {"role":"assistant","content":""} delta first, then one
 *                 chunk per token, the last carrying finish_reason; with
 *                 stream_options.include_usage a final chunk with
 *                 "choices": [] and usage; then "data: [DONE]".
 *   completions:  one text chunk per token, same ending.
 *
 * Cost note: a stream writes one SSE event per token, so the per-request
 * JSON prefix is built once and each token costs a string concatenation.
 */
import { randomUUID } from 'node:crypto';

export interface ResponseContext {
  endpoint: 'chat' | 'completion';
  id: string;
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

export function makeId(prefix: 'chatcmpl' | 'cmpl' | 'embd', requestId?: string): string {
  return `${prefix}-${requestId ?? randomUUID().replace(/-/g, '')}`;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };
}

export class StreamEncoder {
  private readonly head: string;

  constructor(
    private readonly ctx: ResponseContext,
    private readonly includeUsage: boolean,
    private readonly continuousUsage: boolean,
    private readonly promptTokens: number,
  ) {
    const object = ctx.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.head = `data: {"id":${JSON.stringify(ctx.id)},"object":"${object}","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":`;
  }

  /** The role chunk vLLM sends first on chat streams, with the first token (handlers.ts); "" for completions. */
  start(): string {
    if (this.ctx.endpoint !== 'chat') return '';
    return this.event('{"role":"assistant","content":""}', null, 0);
  }

  /** One event per token; `finishReason` goes on the last one. */
  tokens(texts: readonly string[], firstIndex: number, finishReason: string | undefined): string {
    let out = '';
    if (texts.length === 0 && finishReason) return this.event(this.delta(''), finishReason, firstIndex);
    for (let i = 0; i < texts.length; i++) {
      const last = i === texts.length - 1;
      out += this.event(this.delta(texts[i] ?? ''), last ? (finishReason ?? null) : null, firstIndex + i + 1);
    }
    return out;
  }

  /** Usage chunk (when asked for) and the [DONE] sentinel. */
  end(completionTokens: number): string {
    const u = this.includeUsage ? `${this.head}[],"usage":${JSON.stringify(usage(this.promptTokens, completionTokens))}}\n\n` : '';
    return `${u}data: [DONE]\n\n`;
  }

  private delta(text: string): string {
    return this.ctx.endpoint === 'chat' ? `{"content":${JSON.stringify(text)}}` : JSON.stringify(text);
  }

  private event(payload: string, finishReason: string | null, completionTokens: number): string {
    const reason = finishReason === null ? 'null' : JSON.stringify(finishReason);
    const stop = finishReason === null ? '' : ',"stop_reason":null';
    const choice =
      this.ctx.endpoint === 'chat'
        ? `{"index":0,"delta":${payload},"logprobs":null,"finish_reason":${reason}${stop}}`
        : `{"index":0,"text":${payload},"logprobs":null,"finish_reason":${reason},"stop_reason":null}`;
    const u = this.continuousUsage ? `,"usage":${JSON.stringify(usage(this.promptTokens, completionTokens))}` : '';
    return `${this.head}[${choice}]${u}}\n\n`;
  }
}

export function chatResponse(ctx: ResponseContext, text: string, finishReason: string, u: Usage): object {
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning: null },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
        token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...u, prompt_tokens_details: null },
    prompt_logprobs: null,
    prompt_token_ids: null,
    kv_transfer_params: null,
  };
}

export function completionResponse(ctx: ResponseContext, text: string, finishReason: string, u: Usage): object {
  return {
    id: ctx.id,
    object: 'text_completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason, stop_reason: null, token_ids: null, prompt_logprobs: null, prompt_token_ids: null }],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...u, prompt_tokens_details: null },
    kv_transfer_params: null,
  };
}

export function embeddingResponse(id: string, created: number, model: string, vectors: ReadonlyArray<Float32Array>, base64: boolean, promptTokens: number): object {
  return {
    id,
    object: 'list',
    created,
    model,
    data: vectors.map((v, index) => ({
      index,
      object: 'embedding',
      embedding: base64 ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0, prompt_tokens_details: null },
  };
}

export function modelList(names: readonly string[], root: string, maxModelLen: number, created: number): object {
  return {
    object: 'list',
    data: names.map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root,
      parent: null,
      max_model_len: maxModelLen,
      permission: [
        {
          id: `modelperm-${randomUUID().replace(/-/g, '')}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  };
}
