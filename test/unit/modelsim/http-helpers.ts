/** Small HTTP helpers shared by the modelsim integration tests (kept here: test/integration holds only modelsim*.test.ts files of ours). */

export type SseEvent = Record<string, unknown> | '[DONE]';

export interface SseRead {
  events: SseEvent[];
  /** The body ended in an error (connection cut) rather than cleanly. */
  cut: boolean;
}

/** Reads a whole SSE body; a connection cut mid-stream is reported, not thrown. */
export async function readSse(res: Response, onEvent?: (e: SseEvent) => void): Promise<SseRead> {
  const events: SseEvent[] = [];
  const reader = res.body?.getReader();
  if (!reader) return { events, cut: false };
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const raw = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (!raw.startsWith('data: ')) continue;
        const data = raw.slice(6);
        const event: SseEvent = data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>);
        events.push(event);
        onEvent?.(event);
      }
    }
  } catch {
    return { events, cut: true };
  }
  return { events, cut: false };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** One sample from Prometheus text, e.g. `vllm:prompt_tokens_total{model_name="m",engine="0"}`. */
export function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The error code of a failed fetch (ECONNREFUSED, ...), from its cause. */
export async function fetchErrorCode(url: string, init?: RequestInit): Promise<string | undefined> {
  try {
    await fetch(url, init);
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; name?: string } }).cause;
    return cause?.code ?? cause?.name ?? (err as Error).name;
  }
}

export function contentOf(events: SseEvent[]): string {
  let s = '';
  for (const e of events) {
    if (e === '[DONE]') continue;
    const choice = (e.choices as Array<{ delta?: { content?: string }; text?: string }> | undefined)?.[0];
    s += choice?.delta?.content ?? choice?.text ?? '';
  }
  return s;
}
