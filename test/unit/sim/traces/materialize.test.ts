import { describe, expect, it } from 'vitest';
import { loadTrace, materializeTrace, readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, tmpFile } from './helpers.js';

describe('materializeTrace / loadTrace', () => {
  it('holds the same arrivals as arrivals(), in typed arrays with model indices', () => {
    const trace = readTrace(fixture('azure-functions-2019-sample/invocations.csv'));
    const cols = materializeTrace(trace);
    const objs = collect(trace);
    expect(cols.length).toBe(1130);
    expect(cols.t).toBeInstanceOf(Float64Array);
    expect(cols.t.length).toBe(1130); // trimmed, no slack
    expect(cols.model).toBeInstanceOf(Uint16Array);
    expect(cols.promptTokens).toBeUndefined();
    expect(Array.from(cols.t)).toEqual(objs.map((a) => a.t));
    expect(Array.from(cols.model, (m) => cols.info.models[m])).toEqual(objs.map((a) => a.model));
  });

  it('reports the arrivals it generated, not the scan\'s expectation (rateScale thins at random)', () => {
    const trace = readTrace(fixture('azure-functions-2019-sample/invocations.csv'), { rateScale: 0.5 });
    expect(trace.info.requestsExact).toBe(false);
    const cols = materializeTrace(trace);
    expect(cols.info).toMatchObject({ requests: cols.length, requestsExact: true });
  });

  it('keeps tokens as Int32Array with -1 for "not recorded"', () => {
    const cols = loadTrace(fixture('plain/requests.csv'));
    expect(Array.from(cols.promptTokens!)).toEqual([512, 300, -1, 1024]);
    expect(Array.from(cols.outputTokens!)).toEqual([128, -1, -1, 64]);
    expect(loadTrace(fixture('azure-llm-2023/AzureLLMInferenceTrace_code.csv')).promptTokens!.slice(0, 3)).toEqual(Int32Array.of(4808, 3180, 110));
  });

  it('switches to Uint32Array model indices above 65,536 models', () => {
    const rows = Array.from({ length: 65_537 }, (_, i) => `${i.toString(16).padStart(8, '0')}ff,1`);
    const cols = loadTrace(tmpFile('many.csv', ['HashFunction,1', ...rows].join('\n')));
    expect(cols.info.models).toHaveLength(65_537);
    expect(cols.model).toBeInstanceOf(Uint32Array);
    expect(cols.model[65_536]).toBe(65_536);
  });
});
