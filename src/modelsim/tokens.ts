/**
 * Token counting without a tokenizer, and the filler text we "generate".
 *
 * Prompt tokens are estimated at ~4 characters per token (the usual rule of
 * thumb for English with Llama-3's 128k vocabulary). Chat prompts add what
 * the Llama-3 chat template adds: one BOS token, a 4-token header and
 * end-of-turn per message (<|start_header_id|>role<|end_header_id|>\n\n ...
 * <|eot_id|>), and a 4-token assistant header for the generation prompt:
 *
 *   chatPromptTokens = 1 + sum(4 + ceil(chars(content_i) / 4)) + 4
 *
 * Worked example: [{system, 28 chars}, {user, 11 chars}]
 *   = 1 + (4 + 7) + (4 + 3) + 4 = 23 tokens.
 *
 * Each generated token is one short filler word (4-6 characters with its
 * leading space, i.e. about one token's worth), chosen by a hash of
 * (seed, request number, token index): the same seed and arrival order give
 * the same text.
 */
import { mix } from './rng.js';

const WORDS = [
  'the', 'model', 'token', 'cache', 'batch', 'queue', 'light', 'pilot', 'scale', 'zero', 'warm', 'cold',
  'graph', 'layer', 'tensor', 'block', 'page', 'prefix', 'step', 'decode', 'stream', 'reply', 'prompt', 'time',
  'fast', 'slow', 'load', 'wait', 'ready', 'serve', 'route', 'node', 'pod', 'gpu', 'core', 'head',
  'weight', 'value', 'key', 'query', 'sample', 'logit', 'word', 'text', 'line', 'data', 'flow', 'path',
  'and', 'of', 'to', 'in', 'is', 'on', 'for', 'with', 'as', 'at', 'by', 'from', 'it', 'we', 'a', 'an',
] as const;

/** ~4 characters per token; an empty string is 0 tokens, any other text at least 1. */
export function countTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface ChatMessageLike {
  content?: unknown;
}

/** Characters of text in a message's content (a string or a list of text parts). */
export function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') n += text.length;
  }
  return n;
}

export function chatPromptTokens(messages: readonly ChatMessageLike[]): number {
  let n = 1 + 4;
  for (const m of messages) n += 4 + Math.ceil(contentChars(m.content) / 4);
  return n;
}

/** The text of generated token `index` (0-based) of the request with text seed `textSeed`. */
export function fillerToken(textSeed: number, index: number): string {
  const word = WORDS[mix(textSeed, index) % WORDS.length] ?? 'the';
  return index === 0 ? word : ` ${word}`;
}

/** Tokens `from` .. `to - 1` concatenated. */
export function fillerText(textSeed: number, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += fillerToken(textSeed, i);
  return s;
}
