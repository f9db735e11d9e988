/**
 * The runner's scheduling on a manual clock with a fake sender: arrivals go
 * out at their planned times whether or not anything has answered (the open
 * model), --max-in-flight drops instead of delaying, and only a session's own
 * steps wait for answers.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { planArrivals } from '../../../src/loadtest/arrivals.js';
import { parseCurve } from '../../../src/loadtest/curve.js';
import type { Outcome, Send, SendSpec } from '../../../src/loadtest/http-client.js';
import { runLoadtest } from '../../../src/loadtest/runner.js';

interface Call {
  at: number;
  spec: SendSpec;
  answer(o?: Partial<Outcome>): void;
}

function fakeSender(clock: ManualClock): { send: Send; calls: Call[] } {
  const calls: Call[] = [];
  const send: Send = (spec) =>
    new Promise((resolve) => {
      const at = clock.now();
      calls.push({ at, spec, answer: (o) => resolve({ status: 200, ok: true, latencyMs: clock.now() - at, coldStart: false, ...o }) });
    });
  return { send, calls };
}

const curve = parseCurve(
  JSON.stringify({ name: 'u', request: { model: 'm', stream: 0.5 }, bursts: [{ at: '0s', requests: 5, over: '1s' }], segments: [{ start: '1s', duration: '5s', rate: 2 }] }),
  'u.json',
);

describe('runner scheduling', () => {
  it('sends every arrival at its planned time without waiting for any answer', async () => {
    const clock = new ManualClock(1000);
    const { send, calls } = fakeSender(clock);
    const plan = planArrivals(curve, { seed: 5, timeScale: 1 });
    const run = runLoadtest({ curve, target: 'http://gw:8080/v1/', seed: 5, clock, send });
    await clock.advanceAsync(6000);
    expect(calls.length).toBe(plan.length);
    calls.forEach((c, i) => expect(Math.abs(c.at - 1000 - (plan[i]?.atMs ?? NaN))).toBeLessThanOrEqual(0.5));
    expect(calls[0]?.spec.url).toBe('http://gw:8080/v1/chat/completions');
    const body = JSON.parse(calls[0]?.spec.body ?? '{}') as { model: string; stream: boolean; max_tokens: number };
    expect(body).toMatchObject({ model: 'm', max_tokens: 128, stream: calls[0]?.spec.stream });
    calls.forEach((c, i) => c.answer(i === 0 ? { coldStart: true, replica: 'r1', queueWaitMs: 500 } : {}));
    const { summary, results } = await run;
    expect(summary.requests.sent).toBe(plan.length);
    expect(summary.coldStarts.count).toBe(1);
    expect(results.map((r) => r.arrival)).toEqual(plan.map((a) => a.index));
  });

  it('drops arrivals over --max-in-flight instead of delaying them', async () => {
    const clock = new ManualClock(0);
    const { send, calls } = fakeSender(clock);
    const plan = planArrivals(curve, { seed: 5, timeScale: 1 });
    const run = runLoadtest({ curve, target: 'http://gw', seed: 5, clock, send, maxInFlight: 3 });
    await clock.advanceAsync(6000);
    expect(calls.length).toBe(3);
    for (const c of calls) c.answer();
    const { summary } = await run;
    expect(summary.requests.sent).toBe(3);
    expect(summary.droppedArrivals).toBe(plan.length - 3);
  });

  it('runs session steps in order with think time after each answer, with one x-session-id', async () => {
    const sessions = parseCurve(
      JSON.stringify({ name: 's', request: { model: 'm' }, bursts: [{ at: '0s', requests: 1, over: '1ms' }], sessions: { steps: 3, thinkTime: '2s' } }),
      's.json',
    );
    const clock = new ManualClock(0);
    const { send, calls } = fakeSender(clock);
    const run = runLoadtest({ curve: sessions, target: 'http://gw', clock, send });
    await clock.advanceAsync(10_000);
    expect(calls.length).toBe(1); // step 2 waits for step 1's answer
    calls[0]?.answer();
    await clock.advanceAsync(1999);
    expect(calls.length).toBe(1); // and then for the think time
    await clock.advanceAsync(1);
    expect(calls.length).toBe(2);
    calls[1]?.answer();
    await clock.advanceAsync(2000);
    calls[2]?.answer();
    const { summary, results } = await run;
    expect(summary.requests.sent).toBe(3);
    const ids = new Set(calls.map((c) => c.spec.sessionId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{8}-0$/);
    expect(results.map((r) => r.step)).toEqual([0, 1, 2]);
  });
});
