import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, isSorted, times, tmpFile } from './helpers.js';

const CONV = fixture('mooncake-fast25/conversation_trace.jsonl');

/** Groups in the fixture: 10 rows at 0 ms, 16 at 3000, 3 at 5999, 9 at 9000, 2 at 12000. */
const spread = (T: number, step: number, k: number): number[] => Array.from({ length: k }, (_, i) => T + (step * (i + 0.5)) / k);

describe('Mooncake JSONL', () => {
  it('reads ms timestamps and token lengths, one model named from the file', () => {
    const trace = readTrace(CONV, { spreadQuantized: false });
    expect(trace.info).toMatchObject({ format: 'mooncake', models: ['mooncake-conversation'], requests: 40, requestsExact: true, hasTokens: true });
    const all = collect(trace);
    expect(all[0]).toEqual({ t: 0, model: 'mooncake-conversation', promptTokens: 6758, outputTokens: 500 });
    expect(all[26]).toEqual({ t: 5.999, model: 'mooncake-conversation', promptTokens: 1053, outputTokens: 26 });
    expect(trace.info.spanS).toBe(12);
  });

  it('spreads rows sharing a timestamp over min(step to next, step from previous) by the midpoint rule', () => {
    const t = times(readTrace(CONV));
    const expected = [...spread(0, 3, 10), ...spread(3, 2.999, 16), ...spread(5.999, 2.999, 3), ...spread(9, 3, 9), ...spread(12, 3, 2)];
    expect(t).toHaveLength(40);
    t.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 9));
    expect(t.slice(0, 3).map((x) => +x.toFixed(9))).toEqual([0.15, 0.45, 0.75]);
    expect(isSorted(t)).toBe(true);
  });

  it('does not spread a group across a real silence longer than the quantum', () => {
    const rows = [0, 0, 3000, 60000, 60000].map((ms) => JSON.stringify({ timestamp: ms, input_length: 1, output_length: 1 }));
    const t = times(readTrace(tmpFile('gap_trace.jsonl', rows.join('\n'))));
    // 3000 ms: next step 57 s, previous 3 s -> 3 s. 60000 ms (last): previous step 57 s.
    expect(t).toEqual([0.75, 2.25, 4.5, 60 + 57 * 0.25, 60 + 57 * 0.75]);
  });

  it('leaves a file with a single distinct timestamp as it is', () => {
    const rows = [5, 5].map((ms) => JSON.stringify({ timestamp: ms, input_length: 1, output_length: 2, hash_ids: [] }));
    expect(times(readTrace(tmpFile('one.jsonl', rows.join('\n'))))).toEqual([0.005, 0.005]);
  });
});
