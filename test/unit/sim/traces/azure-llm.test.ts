import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, tmpFile, traceError } from './helpers.js';

const CODE = fixture('azure-llm-2023/AzureLLMInferenceTrace_code.csv');
const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n';

describe('Azure LLM inference 2023', () => {
  it('turns wall-clock rows (CRLF, 100 ns digits) into seconds since the first row, with tokens', () => {
    const trace = readTrace(CODE);
    expect(trace.info).toMatchObject({ format: 'azure-llm-2023', models: ['azure-llm-code'], sourceModels: 1, requests: 20, requestsExact: true, hasTokens: true, warnings: [] });
    const [a, b, c] = collect(trace);
    expect(a).toEqual({ t: 0, model: 'azure-llm-code', promptTokens: 4808, outputTokens: 10 });
    // 18:17:04.0319600 - 18:17:03.9799600 and 18:17:04.0781490 - 18:17:03.9799600
    expect(b!.t).toBeCloseTo(0.052, 9);
    expect(b).toMatchObject({ promptTokens: 3180, outputTokens: 8 });
    expect(c!.t).toBeCloseTo(0.098189, 9);
    expect(c).toMatchObject({ promptTokens: 110, outputTokens: 27 });
  });

  it('spans first to last row: 18:17:03.9799600 -> 18:17:34.4626860', () => {
    const trace = readTrace(CODE);
    expect(trace.info.spanS).toBeCloseTo(30.482726, 9);
    expect(collect(trace).at(-1)!.t).toBeCloseTo(30.482726, 9);
  });

  it('keeps sub-microsecond digits that a double of epoch seconds would lose', () => {
    const f = tmpFile('t.csv', `${HEADER}2023-11-16 18:17:03.0000000,1,1\r\n2023-11-16 18:17:03.0000001,1,1\r\n`);
    expect(collect(readTrace(f))[1]!.t).toBeCloseTo(1e-7, 13);
  });

  it('names the model from the file, or from defaultModel', () => {
    const f = tmpFile('AzureLLMInferenceTrace_conv_1week.csv', `${HEADER}2024-05-12 00:00:00.0000000,10,2\r\n`);
    expect(readTrace(f).info.models).toEqual(['azure-llm-conv-1week']);
    expect(readTrace(CODE, { defaultModel: 'gpt-4' }).info.models).toEqual(['gpt-4']);
  });

  it('rejects rows out of time order by default, naming both lines', () => {
    const f = tmpFile('t.csv', `${HEADER}2023-11-16 18:17:05.0000000,1,1\r\n2023-11-16 18:17:04.0000000,1,1\r\n`);
    const err = traceError(() => readTrace(f));
    expect(err.line).toBe(3);
    expect(err.toString()).toBe(`${f}:3: rows must be sorted by time: this row is at -1.000000 s, before line 2 at 0.000000 s (--unsorted sort, or the trace option unsorted: 'sort', sorts the rows in memory)`);
  });

  it("sorts in memory with unsorted: 'sort', re-basing on the earliest row and warning", () => {
    const f = tmpFile('t.csv', `${HEADER}2023-11-16 18:17:05.0000000,1,1\r\n2023-11-16 18:17:04.0000000,2,2\r\n2023-11-16 18:17:06.5000000,3,3\r\n`);
    const trace = readTrace(f, { unsorted: 'sort' });
    expect(collect(trace).map((a) => [a.t, a.promptTokens])).toEqual([[0, 2], [1, 1], [2.5, 3]]);
    expect(trace.info.warnings).toEqual(['sorted 2 rows that were out of time order', 'the earliest arrival was 1 s before the trace start; all times shifted so it is at 0']);
  });
});
