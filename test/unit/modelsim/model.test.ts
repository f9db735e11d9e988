import { describe, expect, it } from 'vitest';
import { KvCache } from '../../../src/modelsim/kv-cache.js';
import { PROFILES, getProfile, type Profile } from '../../../src/modelsim/profiles.js';
import { Scheduler, type Seq } from '../../../src/modelsim/scheduler.js';
import { stepDurationMs, steadyItlMs } from '../../../src/modelsim/timing.js';
import { chatPromptTokens, countTextTokens, fillerText } from '../../../src/modelsim/tokens.js';
import { embeddingVector } from '../../../src/modelsim/vectors.js';

const seventy = getProfile('llama-70b-h100-tp4');

describe('timing formulas (worked examples from timing.ts)', () => {
  it('prices a decode batch with a prefill chunk', () => {
    const ms = stepDurationMs(seventy, { seqs: 33, contextTokens: 32 * 1000 + 2000, prefillTokens: 2000 });
    expect(ms).toBeCloseTo(189.5, 1);
  });

  it('gives the batch-1 and batch-256 inter-token latencies', () => {
    expect(steadyItlMs(seventy, 1, 0)).toBeCloseTo(18.12, 6);
    expect(steadyItlMs(seventy, 256, 1000)).toBeCloseTo(55.12, 6);
    expect(steadyItlMs(seventy, 8, 100)).toBeCloseTo(18.98, 6); // vLLM CI: ~18.9 ms/step at batch 8
  });

  it('costs nothing for an empty step', () => {
    expect(stepDurationMs(seventy, { seqs: 0, contextTokens: 0, prefillTokens: 0 })).toBe(0);
  });

  it('keeps every profile able to hold one max-length request', () => {
    for (const p of Object.values(PROFILES) as Profile[]) expect(p.maxModelLen).toBeLessThanOrEqual(p.kvCacheTokens);
  });

  it('names the known profiles in the error for an unknown one', () => {
    expect(() => getProfile('gpt-5')).toThrow(/known: llama-70b-h100-tp4, llama-8b-h100, tiny/);
  });
});

describe('KV cache blocks (worked example from kv-cache.ts)', () => {
  it('allocates ceil(tokens / block size) blocks and refuses past capacity', () => {
    const kv = new KvCache(1024, 16);
    const a = { blocks: 0 };
    expect(kv.ensure(a, 100)).toBe(true);
    expect(a.blocks).toBe(7);
    expect(kv.usage()).toBeCloseTo(7 / 64, 9);
    expect(kv.ensure(a, 112)).toBe(true);
    expect(a.blocks).toBe(7);
    expect(kv.ensure(a, 113)).toBe(true);
    expect(a.blocks).toBe(8);
    const b = { blocks: 0 };
    expect(kv.ensure(b, 57 * 16)).toBe(false);
    expect(b.blocks).toBe(0);
    expect(kv.ensure(b, 56 * 16)).toBe(true);
    expect(kv.freeBlocks()).toBe(0);
    kv.release(a);
    expect(kv.usedBlocks()).toBe(56);
  });
});

describe('scheduler (worked example from scheduler.ts)', () => {
  const seq = (id: number, promptTokens: number, targetTokens: number): Seq => ({ id, promptTokens, targetTokens, computed: 0, generated: 0, blocks: 0, state: 'waiting' });

  it('splits the budget across running and waiting sequences, FIFO', () => {
    const s = new Scheduler<Seq>({ maxNumSeqs: 2, maxNumBatchedTokens: 8 }, new KvCache(1024, 16));
    const [a, b, c] = [seq(1, 5, 3), seq(2, 5, 3), seq(3, 5, 3)] as [Seq, Seq, Seq];
    for (const x of [a, b, c]) s.add(x);
    const one = s.step();
    expect(one?.entries.map((e) => [e.seq.id, e.tokens, e.sampled])).toEqual([
      [1, 5, true],
      [2, 3, false],
    ]);
    expect(one?.load).toEqual({ seqs: 2, contextTokens: 8, prefillTokens: 8 });
    const two = s.step();
    expect(two?.entries.map((e) => [e.seq.id, e.tokens, e.sampled])).toEqual([
      [1, 1, true],
      [2, 2, true],
    ]);
    expect(two?.load).toEqual({ seqs: 2, contextTokens: 6 + 5, prefillTokens: 2 });
    expect(s.waiting.map((x) => x.id)).toEqual([3]);
  });
});

describe('token estimates and filler text', () => {
  it('counts ~4 characters per token and adds the chat template', () => {
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens('abcd')).toBe(1);
    expect(countTextTokens('abcde')).toBe(2);
    const messages = [{ content: 'x'.repeat(28) }, { content: [{ type: 'text', text: 'hello world' }] }];
    expect(chatPromptTokens(messages)).toBe(23);
  });

  it('makes the same words for the same seed and index', () => {
    expect(fillerText(42, 0, 10)).toBe(fillerText(42, 0, 10));
    expect(fillerText(42, 0, 10)).not.toBe(fillerText(43, 0, 10));
    expect(fillerText(42, 0, 10).split(' ')).toHaveLength(10);
    expect(fillerText(42, 0, 4) + fillerText(42, 4, 10)).toBe(fillerText(42, 0, 10));
  });

  it('makes unit-length, deterministic embedding vectors', () => {
    const v = embeddingVector('hello', 0, 64);
    const w = embeddingVector('hello', 0, 64);
    const u = embeddingVector('world', 0, 64);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, xi, i) => s + xi * (y[i] ?? 0), 0);
    expect(dot(v, v)).toBeCloseTo(1, 5);
    expect(Array.from(v)).toEqual(Array.from(w));
    expect(Math.abs(dot(v, u))).toBeLessThan(0.6);
  });
});
