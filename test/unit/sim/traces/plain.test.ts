import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, times, tmpFile } from './helpers.js';

describe('plain CSV', () => {
  it('reads timestamp,model,prompt_tokens,output_tokens with a header; empty model -> default, empty tokens -> absent', () => {
    const trace = readTrace(fixture('plain/requests.csv'));
    expect(trace.info).toMatchObject({ format: 'csv', models: ['llama-8b', 'requests', 'qwen-7b'], requests: 4, hasTokens: true, spanS: 1.5 });
    expect(collect(trace)).toEqual([
      { t: 0, model: 'llama-8b', promptTokens: 512, outputTokens: 128 },
      { t: 0.25, model: 'requests', promptTokens: 300 },
      { t: 0.25, model: 'qwen-7b' },
      { t: 1.5, model: 'llama-8b', promptTokens: 1024, outputTokens: 64 },
    ]);
  });

  it('reads positional rows without a header; t is measured from the first row', () => {
    const trace = readTrace(fixture('plain/requests-noheader.csv'), { defaultModel: 'm' });
    expect(collect(trace)).toEqual([
      { t: 0, model: 'llama-8b', promptTokens: 512, outputTokens: 128 },
      { t: 0.5, model: 'm' },
      { t: 1.25, model: 'qwen-7b' },
    ]);
  });

  it('takes headers in any order and subset, with t as an alias', () => {
    const f = tmpFile('x.csv', 'output_tokens,t\n5,10\n6,12.5\n');
    expect(collect(readTrace(f))).toEqual([
      { t: 0, model: 'x', outputTokens: 5 },
      { t: 2.5, model: 'x', outputTokens: 6 },
    ]);
    expect(readTrace(f).info.hasTokens).toBe(true);
    expect(readTrace(tmpFile('y.csv', 't\n1\n2\n')).info.hasTokens).toBe(false);
  });

  it('accepts ISO-8601 timestamps and timestampUnit ms', () => {
    expect(times(readTrace(tmpFile('iso.csv', '2024-01-01T00:00:00Z\n2024-01-01T00:00:01.5Z\n2024-01-01 00:01:00\n')))).toEqual([0, 1.5, 60]);
    expect(times(readTrace(tmpFile('ms.csv', '1715342400000\n1715342400250\n1715342401500\n'), { timestampUnit: 'ms' }))).toEqual([0, 0.25, 1.5]);
  });
});

describe('plain JSONL', () => {
  it('reads timestamp or t, ISO strings with offsets, optional model and tokens', () => {
    const trace = readTrace(fixture('plain/requests.jsonl'));
    expect(trace.info).toMatchObject({ format: 'jsonl', models: ['llama-8b', 'requests', 'qwen-7b'], requests: 3 });
    expect(collect(trace)).toEqual([
      { t: 0, model: 'llama-8b', promptTokens: 512, outputTokens: 128 },
      { t: 0.25, model: 'requests' },
      { t: 1.5, model: 'qwen-7b', outputTokens: 7 },
    ]);
  });

  it('reads numeric seconds or milliseconds', () => {
    const lines = ['{"t": 1000}', '{"t": 1500, "model": "b"}'].join('\n');
    expect(times(readTrace(tmpFile('a.jsonl', lines)))).toEqual([0, 500]);
    expect(times(readTrace(tmpFile('a.jsonl', lines), { timestampUnit: 'ms' }))).toEqual([0, 0.5]);
  });
});
