/**
 * Request bodies of a given size without a tokenizer: ~4 characters per
 * token, the rule of thumb for English with Llama-3's vocabulary (and what
 * modelsim counts). A chat prompt carries the chat template's ~9 tokens of
 * overhead (BOS, role header, end of turn, assistant header), so its text is
 * (promptTokens - 9) × 4 characters. Each prompt starts with its request id,
 * so a server's prefix cache cannot serve a whole prompt from an earlier one.
 */
import type { PlannedStep } from './arrivals.js';

const FILLER = 'the quick brown fox jumps over the lazy dog while the pilot light keeps the boiler warm ';
const CHAT_OVERHEAD_TOKENS = 9;
const COMPLETION_OVERHEAD_TOKENS = 1;

export function promptText(tokens: number, overhead: number, id: string): string {
  const chars = Math.max(1, tokens - overhead) * 4;
  const head = `[${id}] `;
  if (head.length >= chars) return head.slice(0, chars);
  const body = FILLER.repeat(Math.ceil((chars - head.length) / FILLER.length)).slice(0, chars - head.length);
  return head + body;
}

export function requestPath(api: 'chat' | 'completions'): string {
  return api === 'chat' ? '/v1/chat/completions' : '/v1/completions';
}

export function requestBody(api: 'chat' | 'completions', model: string, step: PlannedStep, id: string): string {
  if (api === 'chat') {
    const content = promptText(step.promptTokens, CHAT_OVERHEAD_TOKENS, id);
    return JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: step.outputTokens, stream: step.stream });
  }
  const prompt = promptText(step.promptTokens, COMPLETION_OVERHEAD_TOKENS, id);
  return JSON.stringify({ model, prompt, max_tokens: step.outputTokens, stream: step.stream });
}
