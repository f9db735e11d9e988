import { describe, expect, it } from 'vitest';
import { drain, setup } from './helpers.js';

// TEST_PROFILE: a step costs 10 ms + 1 ms per sequence + 1 ms per prompt token.

describe('engine timing on a ManualClock', () => {
  it('emits a lone request at prefill then decode step ends', () => {
    const { clock, submit, observer } = setup();
    const a = submit(20, 3);
    drain(clock);
    // prefill: 10 + 1 + 20 = 31; decode steps: 10 + 1 = 11 each
    expect(a.deliveries.map((d) => [d.at, d.count])).toEqual([
      [31, 1],
      [42, 1],
      [53, 1],
    ]);
    expect(a.deliveries[2]?.finish).toEqual({ reason: 'length', promptTokens: 20, completionTokens: 3 });
    expect(observer.ttfts).toEqual([31]);
    expect(observer.itls).toEqual([11, 11]);
    expect(observer.prompts).toEqual([20]);
    expect(observer.iterations).toEqual([21, 1, 1]);
    expect(observer.finished[0]).toMatchObject({ queueMs: 0, prefillMs: 31, decodeMs: 22, inferenceMs: 53, e2eMs: 53 });
  });

  it('multiplies every duration by the time scale', () => {
    const { clock, submit, observer } = setup({}, { timeScale: 0.01 });
    const a = submit(20, 3);
    drain(clock);
    const times = a.deliveries.map((d) => d.at);
    expect(times[0]).toBeCloseTo(0.31, 9);
    expect(times[1]).toBeCloseTo(0.42, 9);
    expect(times[2]).toBeCloseTo(0.53, 9);
    expect(observer.ttfts[0]).toBeCloseTo(0.31, 9);
  });

  it('arms one timer per tick, however many requests are running', () => {
    const { clock, submit, engine } = setup({ maxNumSeqs: 64, maxNumBatchedTokens: 1000 });
    for (let i = 0; i < 50; i++) submit(4, 5);
    expect(clock.pending()).toBe(1);
    clock.advance(260); // first step: 10 + 50 + 200
    expect(clock.pending()).toBe(1);
    expect(engine.stats()).toMatchObject({ running: 50, waiting: 0 });
  });
});

describe('continuous batching', () => {
  it('runs at most max-num-seqs and keeps the rest waiting', () => {
    const { clock, submit, engine, observer } = setup({ maxNumSeqs: 2 });
    const a = submit(10, 2);
    submit(10, 2);
    const c = submit(10, 2);
    clock.advance(32); // one step: A and B prefill together (10 + 2 + 20)
    expect(engine.stats()).toMatchObject({ running: 2, waiting: 1 });
    drain(clock);
    expect(a.doneAt()).toBe(44); // decode step with two sequences: 10 + 2
    expect(c.firstAt()).toBe(65); // admitted at 44: 10 + 1 + 10
    expect(observer.ttfts).toEqual([32, 32, 65]);
    expect(observer.finished.map((f) => f.queueMs)).toEqual([0, 0, 44]);
  });

  it('admits waiting requests in arrival (FIFO) order', () => {
    const { clock, submit } = setup({ maxNumSeqs: 1 });
    const reqs = [30, 5, 50, 1].map((prompt) => submit(prompt, 2));
    drain(clock);
    const firsts = reqs.map((r) => r.firstAt() ?? -1);
    expect([...firsts].sort((x, y) => x - y)).toEqual(firsts);
    expect(new Set(firsts).size).toBe(4);
  });

  it('grows TTFT with the queue ahead of a request', () => {
    const { clock, submit, observer } = setup({ maxNumSeqs: 1 });
    for (let i = 0; i < 3; i++) submit(10, 3);
    drain(clock);
    // each request: prefill 21 ms, then two decode steps of 11 ms -> 43 ms of service
    expect(observer.ttfts).toEqual([21, 64, 107]);
    expect(observer.finished.map((f) => f.queueMs)).toEqual([0, 43, 86]);
  });

  it('grows inter-token latency with the number of running sequences', () => {
    const alone = setup({ maxNumSeqs: 8 });
    alone.submit(10, 5);
    drain(alone.clock);
    const crowded = setup({ maxNumSeqs: 8 });
    for (let i = 0; i < 4; i++) crowded.submit(10, 5);
    drain(crowded.clock);
    expect(new Set(alone.observer.itls)).toEqual(new Set([11])); // 10 + 1*1
    expect(new Set(crowded.observer.itls)).toEqual(new Set([14])); // 10 + 1*4
    expect(crowded.observer.ttfts).toEqual([54, 54, 54, 54]); // 10 + 4 + 40
  });

  it('chunks a long prompt across steps within the token budget and stalls decodes meanwhile', () => {
    const { clock, submit, observer } = setup({ maxNumSeqs: 4, maxNumBatchedTokens: 100 });
    const a = submit(10, 4);
    clock.advance(21); // A prefilled alone (10 + 1 + 10); its next decode step (to 32) is already planned
    const b = submit(250, 1); // joins at 32 in chunks of 99, 99, 52 (A's decode takes 1 of the budget)
    drain(clock);
    // steps: 32 (A decode, 11) | 143 (A + B's 99: 10 + 2 + 99) | 254 (same) | 317 (B's last 52: 10 + 1 + 52)
    expect(a.deliveries.map((d) => d.at)).toEqual([21, 32, 143, 254]);
    expect(b.firstAt()).toBe(317);
    expect(observer.itls).toEqual([11, 111, 111]);
  });
});

describe('KV-cache budget', () => {
  it('keeps a request waiting while the cache is full, even below max-num-seqs', () => {
    const { clock, submit, engine } = setup({ kvCacheTokens: 64, maxModelLen: 64, maxNumSeqs: 8 });
    const a = submit(40, 2); // 3 of the 4 blocks
    const b = submit(40, 2);
    clock.advance(51);
    expect(engine.stats()).toEqual({ running: 1, waiting: 1, kvUsage: 0.75 });
    drain(clock);
    expect(a.doneAt()).toBe(62);
    expect(b.firstAt()).toBe(62 + 51);
    expect(engine.stats()).toEqual({ running: 0, waiting: 0, kvUsage: 0 });
  });

  it('preempts the newest sequence when the cache cannot grow, and both still finish', () => {
    const { clock, submit, observer, engine } = setup({ kvCacheTokens: 64, maxModelLen: 64, maxNumSeqs: 2 });
    const a = submit(16, 30);
    const b = submit(16, 30);
    drain(clock);
    expect(observer.preemptions).toBeGreaterThan(0);
    const total = (r: typeof a) => r.deliveries.reduce((n, d) => n + d.count, 0);
    expect([total(a), total(b)]).toEqual([30, 30]);
    expect(b.doneAt()).toBeGreaterThan(a.doneAt() ?? Infinity);
    expect(engine.stats().kvUsage).toBe(0);
  });
});

describe('output lengths', () => {
  it('generates exactly max_tokens when given', () => {
    const { clock, submit } = setup({ maxNumSeqs: 16 });
    const r = [1, 7, 33].map((n) => submit(5, n));
    drain(clock);
    expect(r.map((x) => x.deliveries.at(-1)?.finish)).toEqual([1, 7, 33].map((n) => ({ reason: 'length', promptTokens: 5, completionTokens: n })));
  });

  it('draws lengths from the profile distribution, reproducibly from the seed', () => {
    const lengths = (seed: number) => {
      const { clock, submit } = setup({ maxNumSeqs: 1024, kvCacheTokens: 1_000_000 }, { seed });
      const rs = Array.from({ length: 401 }, () => submit(1));
      drain(clock);
      return rs.map((x) => x.deliveries.at(-1)?.finish?.completionTokens ?? -1);
    };
    const a = lengths(7);
    expect(lengths(7)).toEqual(a);
    expect(lengths(8)).not.toEqual(a);
    const sorted = [...a].sort((x, y) => x - y);
    const median = sorted[200] ?? 0;
    expect(median).toBeGreaterThanOrEqual(18); // profile median 20
    expect(median).toBeLessThanOrEqual(22);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1);
  });

  it('finishes with "length" when the drawn reply would overflow the context', () => {
    const { clock, submit } = setup({ outputTokensMedian: 10_000, maxModelLen: 64, kvCacheTokens: 1024 });
    const r = submit(60);
    drain(clock);
    expect(r.deliveries.at(-1)?.finish).toEqual({ reason: 'length', promptTokens: 60, completionTokens: 4 });
  });

  it('finishes prefill-only (embedding) requests without tokens', () => {
    const { clock, engine, observer } = setup();
    const got: Array<[number, string | undefined]> = [];
    engine.submit({ promptTokens: 30, prefillOnly: true, sink: { onTokens: (n, f) => got.push([n, f?.reason]) } });
    drain(clock);
    expect(got).toEqual([[0, 'stop']]);
    expect(observer.prompts).toEqual([30]);
    expect(observer.ttfts).toEqual([]);
  });
});

describe('ticks and aborts', () => {
  it('coalesces steps into ticks of at least minTickMs, keeping exact event times', () => {
    const { clock, submit, observer } = setup({}, { minTickMs: 30 });
    const a = submit(10, 6);
    drain(clock);
    // steps end at 21, 32 | 43, 54, 65 | 76
    expect(a.deliveries.map((d) => [d.at, d.count])).toEqual([
      [32, 2],
      [65, 3],
      [76, 1],
    ]);
    expect(observer.ttfts).toEqual([21]);
    expect(observer.itls).toEqual([11, 11, 11, 11, 11]);
  });

  it('frees an aborted request and never delivers to it again', () => {
    const { clock, submit, engine, observer } = setup();
    const a = submit(10, 100);
    clock.advance(21);
    a.req.abort();
    drain(clock);
    expect(a.deliveries).toHaveLength(1);
    expect(observer.finished).toMatchObject([{ reason: 'abort', completionTokens: 1 }]);
    expect(engine.stats()).toEqual({ running: 0, waiting: 0, kvUsage: 0 });
    expect(engine.activeCount()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('stops all progress when frozen', () => {
    const { clock, submit, engine } = setup();
    const a = submit(10, 10);
    clock.advance(21);
    engine.freeze();
    submit(10, 10);
    drain(clock);
    expect(a.deliveries).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});
