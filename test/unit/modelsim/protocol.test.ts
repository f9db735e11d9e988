import { describe, expect, it } from 'vitest';
import { VllmError, pyRepr } from '../../../src/modelsim/errors.js';
import { checkEmbedding, checkGeneration, parseChat, parseCompletion, parseEmbedding } from '../../../src/modelsim/protocol.js';
import { StreamEncoder } from '../../../src/modelsim/responses.js';

const limits = { servedModelNames: ['llama', 'alias'], maxModelLen: 100 };

function caught(fn: () => unknown): VllmError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VllmError) return err;
    throw err;
  }
  throw new Error('expected a VllmError');
}

describe('request parsing', () => {
  it('reads a chat request with vLLM defaults', () => {
    const p = parseChat({ messages: [{ role: 'user', content: 'hello world!' }] });
    expect(p).toEqual({ endpoint: 'chat', model: undefined, promptTokens: 1 + 4 + 4 + 3, maxTokens: undefined, maxTokensParam: 'max_tokens', stream: false, includeUsage: false, continuousUsage: false });
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    const p = parseChat({ messages: [], max_tokens: 9, max_completion_tokens: 4, stream: true, stream_options: {} });
    expect(p).toMatchObject({ maxTokens: 4, maxTokensParam: 'max_completion_tokens', stream: true, includeUsage: true });
  });

  it('defaults completions to 16 tokens, and null to "until EOS"', () => {
    expect(parseCompletion({ prompt: 'abcdefgh' })).toMatchObject({ maxTokens: 16, promptTokens: 3 });
    expect(parseCompletion({ prompt: 'abcdefgh', max_tokens: null }).maxTokens).toBeUndefined();
    expect(parseCompletion({ prompt: [1, 2, 3, 4, 5] }).promptTokens).toBe(5);
  });

  it('answers a missing field the way FastAPI does: 400 "Bad Request" with pydantic details', () => {
    const e = caught(() => parseChat({ model: 'llama' }));
    expect(e.status).toBe(400);
    expect(e.body()).toEqual({
      error: {
        message: "1 validation error:\n  {'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required', 'input': {'model': 'llama'}}\n [{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required', 'input': {'model': 'llama'}}]",
        type: 'Bad Request',
        param: null,
        code: 400,
      },
    });
  });

  it('reports every bad field at once', () => {
    const e = caught(() => parseChat({ messages: 'hi', max_tokens: 'many' }));
    expect(e.message).toMatch(/^2 validation errors:/);
    expect(e.message).toContain("'loc': ('body', 'max_tokens')");
  });

  it('rejects stream_options without stream, naming the parameter', () => {
    const e = caught(() => parseCompletion({ prompt: 'x', stream_options: { include_usage: true } }));
    expect(e.body().error).toMatchObject({ type: 'Bad Request', param: 'stream_options', code: 400 });
  });

  it('rejects an empty prompt', () => {
    expect(caught(() => parseCompletion({ prompt: '' })).message).toContain('Either prompt or prompt_embeds must be provided and non-empty.');
  });

  it('reads embedding inputs of every shape', () => {
    expect(parseEmbedding({ input: ['ab', 'cdefgh'] }).inputs.map((i) => i.tokens)).toEqual([2, 3]);
    expect(parseEmbedding({ input: [[1, 2], [3]], encoding_format: 'base64' })).toMatchObject({ encodingFormat: 'base64', inputs: [{ tokens: 2 }, { tokens: 1 }] });
    expect(caught(() => parseEmbedding({})).status).toBe(400);
  });
});

describe('serving checks', () => {
  const chat = (over: object) => ({ ...parseChat({ messages: [] }), ...over });

  it('answers an unknown model with 404 NotFoundError', () => {
    expect(caught(() => checkGeneration(chat({ model: 'gpt-4' }), limits)).body()).toEqual({
      error: { message: 'The model `gpt-4` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
    });
    expect(() => checkGeneration(chat({ model: 'alias' }), limits)).not.toThrow();
  });

  it('answers max_tokens past the context with 400 BadRequestError', () => {
    const e = caught(() => checkGeneration(chat({ promptTokens: 10, maxTokens: 95 }), limits));
    expect(e.body().error).toEqual({
      message: "'max_tokens' or 'max_completion_tokens' is too large: 95. This model's maximum context length is 100 tokens and your request has 10 input tokens (95 > 100 - 10). (parameter=max_tokens, value=95)",
      type: 'BadRequestError',
      param: 'max_tokens',
      code: 400,
    });
  });

  it('answers a prompt as long as the context with 400 on input_tokens', () => {
    expect(caught(() => checkGeneration(chat({ promptTokens: 100 }), limits)).param).toBe('input_tokens');
    expect(caught(() => checkGeneration(chat({ maxTokens: 0 }), limits)).message).toMatch(/^max_tokens must be at least 1, got 0\./);
    expect(caught(() => checkEmbedding({ model: undefined, inputs: [{ tokens: 101, key: 'x' }], encodingFormat: 'float' }, limits)).param).toBe('input_tokens');
  });
});

describe('Python repr of error details', () => {
  it('formats like Python', () => {
    expect(pyRepr({ a: [1, 'x', null, true], "it's": 'q' })).toBe(`{'a': [1, 'x', None, True], "it's": 'q'}`);
  });
});

describe('SSE chunks', () => {
  const ctx = { endpoint: 'chat' as const, id: 'chatcmpl-1', created: 7, model: 'm' };

  it('sends the role first, the finish reason on the last token, then usage and [DONE]', () => {
    const e = new StreamEncoder(ctx, true, false, 12);
    const events = (e.start() + e.tokens(['a', ' b'], 0, 'length') + e.end(2)).split('\n\n').filter(Boolean);
    expect(events.map((x) => (x === 'data: [DONE]' ? x : JSON.parse(x.slice(6))))).toEqual([
      { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
      { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm', choices: [{ index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null }] },
      { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm', choices: [{ index: 0, delta: { content: ' b' }, logprobs: null, finish_reason: 'length', stop_reason: null }] },
      { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm', choices: [], usage: { prompt_tokens: 12, total_tokens: 14, completion_tokens: 2 } },
      'data: [DONE]',
    ]);
  });

  it('streams completions as text_completion chunks with continuous usage when asked', () => {
    const e = new StreamEncoder({ ...ctx, endpoint: 'completion', id: 'cmpl-1' }, true, true, 3);
    expect(e.start()).toBe('');
    const chunk = JSON.parse(e.tokens(['x'], 4, undefined).slice(6)) as object;
    expect(chunk).toEqual({ id: 'cmpl-1', object: 'text_completion', created: 7, model: 'm', choices: [{ index: 0, text: 'x', logprobs: null, finish_reason: null, stop_reason: null }], usage: { prompt_tokens: 3, total_tokens: 8, completion_tokens: 5 } });
  });
});
