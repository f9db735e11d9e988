/**
 * When a stream's bytes go out. vLLM's chat stream generator sends the
 * response headers at once but yields its first chunk (the role chunk) only
 * on the engine's first output, i.e. with the first token: the first SSE
 * data byte marks the time to first token. A recording response on a
 * ManualClock shows what is written, and when, without a socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/modelsim/engine.js';
import { handleGeneration, type ModelsimState, type Sim } from '../../../src/modelsim/handlers.js';
import { resolveOptions } from '../../../src/modelsim/options.js';
import { ManualClock } from '../../../src/core/clock.js';
import { drain, RecordingObserver, TEST_PROFILE } from './helpers.js';

interface Written {
  at: number;
  what: string;
}

function harness() {
  const clock = new ManualClock(0);
  const observer = new RecordingObserver();
  const o = resolveOptions({ profile: TEST_PROFILE, clock, seed: 1, minTickMs: 0 });
  const engine = new Engine({ clock, profile: o.profile, timeScale: 1, seed: 1, minTickMs: 0, observer });
  let n = 0;
  const sim: Sim = {
    o,
    engine,
    state: (): ModelsimState => 'ready',
    nextRequestIndex: () => n++,
    completed: () => undefined,
    crashArmed: () => false,
    crash: () => undefined,
  };
  const log: Written[] = [];
  const at = (what: string) => log.push({ at: clock.now(), what });
  const res = {
    writeHead: (status: number) => (at(`headers ${status}`), res),
    flushHeaders: () => at('flush headers'),
    write: (data: string) => (at(data), true),
    end: () => at('end'),
    on: () => res,
  };
  const req = { headers: {} } as IncomingMessage;
  const start = (endpoint: 'chat' | 'completion', body: object) => handleGeneration(sim, endpoint, { stream: true, max_tokens: 3, ...body }, req, res as unknown as ServerResponse);
  return { clock, observer, log, start };
}

/** The `data:` events in one write, parsed. */
const events = (w: Written | undefined): unknown[] =>
  (w?.what ?? '')
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => (e === 'data: [DONE]' ? '[DONE]' : (JSON.parse(e.slice(6)) as unknown)));
const deltas = (w: Written | undefined) => events(w).map((e) => (e as { choices?: { delta?: unknown; text?: unknown }[] }).choices?.[0]?.delta ?? (e as { choices?: { text?: unknown }[] }).choices?.[0]?.text);

describe('stream timing: headers at once, the first data with the first token (as vLLM)', () => {
  it('chat: no role chunk before the first token; it goes out in the same write as that token', () => {
    const { clock, observer, log, start } = harness();
    start('chat', { messages: [{ role: 'user', content: 'Say something.' }] });
    // The request is queued for the engine: headers are on the wire, no data.
    expect(log.map((w) => w.what)).toEqual(['headers 200', 'flush headers']);
    drain(clock);
    const data = log.slice(2);
    const ttftMs = observer.ttfts[0];
    expect(ttftMs).toBeGreaterThan(0);
    expect(data[0]?.at).toBe(ttftMs);
    const first = deltas(data[0]);
    expect(first[0]).toEqual({ role: 'assistant', content: '' });
    expect(first[1]).toEqual({ content: expect.any(String) as string });
    // The role chunk is sent once, at the start only.
    expect(data.flatMap((w) => deltas(w)).filter((d) => typeof d === 'object' && d !== null && 'role' in d)).toHaveLength(1);
    expect(log.at(-1)?.what).toBe('end');
  });

  it('completions: headers at once, the first data is the first token', () => {
    const { clock, observer, log, start } = harness();
    start('completion', { prompt: 'Say something.' });
    expect(log.map((w) => w.what)).toEqual(['headers 200', 'flush headers']);
    drain(clock);
    expect(log[2]?.at).toBe(observer.ttfts[0]);
    expect(deltas(log[2])[0]).toEqual(expect.any(String));
  });
});
