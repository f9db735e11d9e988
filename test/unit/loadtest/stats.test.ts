import { describe, expect, it } from 'vitest';
import { errorCodeOf, SseScanner } from '../../../src/loadtest/http-client.js';
import { countBy, percentiles, quantileSorted } from '../../../src/loadtest/stats.js';
import { summarize, type RequestResult, type RunMeta } from '../../../src/loadtest/summary.js';

describe('percentiles', () => {
  it.each([
    [[10, 20, 30, 40], 0.5, 25],
    [[10, 20, 30, 40], 0, 10],
    [[10, 20, 30, 40], 1, 40],
    [[10, 20, 30, 40], 0.95, 38.5],
    [[7], 0.99, 7],
  ])('%j q=%d -> %d (linear between closest ranks)', (xs, q, want) => {
    expect(quantileSorted(xs, q)).toBeCloseTo(want, 9);
  });

  it('summarises 1..100 and reports null (not NaN) for no samples', () => {
    const p = percentiles(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(p).toEqual({ count: 100, p50: 50.5, p95: 95.05, p99: 99.01, max: 100, mean: 50.5 });
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
    expect(countBy(['b', 'a', 'b', undefined], (x) => x)).toEqual({ a: 1, b: 2 });
  });
});

const r = (o: Partial<RequestResult>): RequestResult => ({ arrival: 0, step: 0, model: 'm', stream: false, scheduledMs: 0, sentMs: 0, status: 200, ok: true, latencyMs: 100, coldStart: false, ...o });
const meta: RunMeta = { curve: 'c', target: 't', model: 'm', seed: 1, timeScale: 1, durationS: 10, elapsedS: 20, plannedArrivals: 8, plannedRequests: 8, droppedArrivals: 1, droppedRequests: 1 };

describe('summary', () => {
  it('counts ok, errors by code and status, cold starts served and refused, and rates', () => {
    const s = summarize(
      [
        r({ coldStart: true, replica: 'r1', queueWaitMs: 900, latencyMs: 1000, sentMs: 0 }),
        r({ coldStart: true, replica: 'r1', queueWaitMs: 800, latencyMs: 900, stream: true, ttftMs: 850, scheduledMs: 100, sentMs: 100 }),
        r({ status: 503, ok: false, coldStart: true, errorCode: 'queue_full', queueWaitMs: 0, latencyMs: 2 }),
        r({ status: 503, ok: false, errorCode: 'queue_full', latencyMs: 3 }),
        r({ status: 404, ok: false, errorCode: 'model_not_found', latencyMs: 1 }),
        r({ status: 200, ok: false, errorCode: 'upstream_stream_error', stream: true, replica: 'r1', latencyMs: 50 }),
        r({ replica: 'r1', latencyMs: 100, scheduledMs: 5000, sentMs: 5010 }),
      ],
      meta,
    );
    expect(s.requests).toEqual({ sent: 7, ok: 3, failed: 4 });
    expect(s.errors.byCode).toEqual({ model_not_found: 1, queue_full: 2, upstream_stream_error: 1 });
    expect(s.errors.byStatus).toEqual({ '200': 4, '404': 1, '503': 2 });
    expect(s.coldStarts.count).toBe(2);
    expect(s.coldStarts.refused).toBe(1);
    expect(s.coldStarts.fraction).toBeCloseTo(2 / 7, 12);
    expect(s.coldStarts.waitMs.max).toBe(900);
    expect(s.ttftMs.count).toBe(1);
    expect(s.latencyMs).toMatchObject({ count: 3, p50: 900, max: 1000 });
    expect(s.sendLagMs.max).toBe(10);
    expect(s.rate).toEqual({ offeredRps: 0.8, achievedRps: 0.7, okRps: 0.15 });
  });
});

describe('reading responses', () => {
  it('finds the first SSE event with generated text across chunk boundaries, and error events', () => {
    const sse = new SseScanner();
    expect(sse.push(': comment\n\ndata: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\nda')).toBe(false); // role only: no token yet
    expect(sse.push('ta: {"choices":[{"delta":{"content":"Hi"}}]}\r\n\r\ndata: {"choices":[{"delta":{"content":" there"}}]}\n\n')).toBe(true);
    expect(sse.push('data: {"choices":[{"delta":{"content":"!"}}]}\n\n')).toBe(false);
    expect(sse.errorCode).toBeUndefined();
    sse.push('data: {"error":{"message":"x","type":"server_error","param":null,"code":"upstream_stream_error"}}\n\n');
    expect(sse.errorCode).toBe('upstream_stream_error');
    const completion = new SseScanner();
    expect(completion.push('data: {"choices":[{"text":"Once"}]}\n\n')).toBe(true);
    const done = new SseScanner();
    expect(done.push('data: [DONE]\n\n')).toBe(false);
  });

  it('takes the OpenAI error code, else the type, else nothing', () => {
    expect(errorCodeOf('{"error":{"message":"m","type":"server_error","param":null,"code":"queue_full"}}')).toBe('queue_full');
    expect(errorCodeOf('{"object":"error","message":"m","type":"BadRequestError","param":null,"code":400}')).toBeUndefined();
    expect(errorCodeOf('{"error":{"message":"m","type":"BadRequestError","code":400}}')).toBe('BadRequestError');
    expect(errorCodeOf('<html>')).toBeUndefined();
  });
});
