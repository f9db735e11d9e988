import { describe, expect, it } from 'vitest';
import { readTrace, type TraceOptions } from '../../../../src/sim/traces/index.js';
import { runPipeline } from '../../../../src/sim/traces/pipeline.js';
import { collect, fixture, times, tmpFile, traceError } from './helpers.js';

const FN = fixture('azure-functions-2019-sample/invocations.csv');
const LLM = fixture('azure-llm-2023/AzureLLMInferenceTrace_code.csv');

/** FNV-1a, written out again here so the hash buckets are checked against an independent copy. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

describe('window and timeScale', () => {
  it('keeps startS <= t < endS and re-bases to the window start', () => {
    const trace = readTrace(FN, { window: { startS: 60, endS: 120 } });
    expect(trace.info).toMatchObject({ requests: 6, requestsExact: true, spanS: 60 });
    expect(collect(trace).map((a) => [a.t, a.model])).toEqual([
      [15, '12b5d943'],
      [15, '176c5763'],
      [30, '1f7e09a2'],
      [30, '732bffa3'],
      [45, '12b5d943'],
      [45, '176c5763'],
    ]);
  });

  it('counts a partially covered minute exactly', () => {
    const trace = readTrace(FN, { window: { startS: 20, endS: 40 } });
    expect(trace.info.requests).toBe(3);
    expect(times(trace)).toEqual([10, 10, 10]);
  });

  it('multiplies times by timeScale after windowing (0.5 = twice as fast)', () => {
    const trace = readTrace(FN, { window: { startS: 60, endS: 120 }, timeScale: 0.5 });
    expect(trace.info.spanS).toBe(30);
    expect(times(trace)).toEqual([7.5, 7.5, 15, 15, 22.5, 22.5]);
  });

  it('clips spanS to the end of the trace', () => {
    const trace = readTrace(LLM, { window: { startS: 30, endS: 1000 } });
    expect(trace.info.spanS).toBeCloseTo(0.482726, 9);
    expect(trace.info.requests).toBe(3);
    expect(times(trace).at(-1)).toBeCloseTo(0.482726, 9);
  });
});

describe('rateScale', () => {
  it('thins row formats with p = rateScale, deterministically per seed, independent of the window', () => {
    const all = collect(readTrace(LLM, { rateScale: 0.5, seed: 3 }));
    expect(all.length).toBeGreaterThan(3);
    expect(all.length).toBeLessThan(17);
    expect(collect(readTrace(LLM, { rateScale: 0.5, seed: 3 }))).toEqual(all);
    expect(collect(readTrace(LLM, { rateScale: 0.5, seed: 4 }))).not.toEqual(all);
    const full = collect(readTrace(LLM));
    expect(all.every((a) => full.some((b) => b.t === a.t && b.promptTokens === a.promptTokens))).toBe(true);
    const win = collect(readTrace(LLM, { rateScale: 0.5, seed: 3, window: { startS: 5, endS: 31 } }));
    expect(win.map((a) => a.t + 5)).toEqual(all.filter((a) => a.t >= 5).map((a) => a.t));
    expect(readTrace(LLM, { rateScale: 0.5 }).info).toMatchObject({ requests: 10, requestsExact: false });
  });

  it('replicates row formats above 1, spreading copies towards the next arrival', () => {
    const f = tmpFile('two.csv', '0\n1\n');
    expect(times(readTrace(f, { rateScale: 2 }))).toEqual([0, 0.5, 1, 1]);
    expect(collect(readTrace(LLM, { rateScale: 3 }))).toHaveLength(60);
  });

  it('scales Azure Functions counts per function-minute, keeping the minute rule', () => {
    const t = times(readTrace(FN, { rateScale: 2 }), '12b5d943');
    expect(t.slice(0, 10)).toEqual([5, 15, 25, 35, 45, 55, 67.5, 82.5, 97.5, 112.5]);
    expect(readTrace(FN, { rateScale: 2 }).info).toMatchObject({ requests: 2260, requestsExact: false });
  });
});

describe('modelMap', () => {
  it('top: keeps the n busiest (ties in file order) and folds the rest into other', () => {
    const trace = readTrace(FN, { modelMap: { kind: 'top', n: 2 } });
    expect(trace.info.models).toEqual(['732bffa3', '176c5763', 'other']);
    expect(trace.info.sourceModels).toBe(6);
    const all = collect(trace);
    expect(all.filter((a) => a.model === 'other')).toHaveLength(170);
    expect(all).toHaveLength(1130);
  });

  it("top with rest: 'drop' drops the rest; ranking uses counts inside the window", () => {
    expect(readTrace(FN, { modelMap: { kind: 'top', n: 2, rest: 'drop' } }).info).toMatchObject({ models: ['732bffa3', '176c5763'], requests: 960 });
    // In minute 0 the busiest is 12b5d943 (3 invocations).
    expect(readTrace(FN, { window: { endS: 60 }, modelMap: { kind: 'top', n: 1, rest: 'drop' } }).info.models).toEqual(['12b5d943']);
  });

  it('hash: deterministic FNV-1a buckets of the source name, all buckets listed', () => {
    const source = readTrace(FN).info.models;
    const trace = readTrace(FN, { modelMap: { kind: 'hash', models: 2 } });
    expect(trace.info.models).toEqual(['model-0', 'model-1']);
    const bySource = collect(readTrace(FN));
    const mapped = collect(trace);
    expect(mapped.map((a) => a.t)).toEqual(bySource.map((a) => a.t));
    mapped.forEach((a, i) => expect(a.model).toBe(`model-${fnv(bySource[i]!.model) % 2}`));
    expect(source).toHaveLength(6);
    expect(readTrace(FN, { modelMap: { kind: 'hash', models: 3, prefix: 'pool-' } }).info.models).toEqual(['pool-0', 'pool-1', 'pool-2']);
  });

  it('map: explicit names, unmapped kept or dropped; unknown keys are errors', () => {
    const keep = readTrace(FN, { modelMap: { kind: 'map', map: { '12b5d943': 'web', '732bffa3': 'web' } } });
    expect(keep.info.models).toEqual(['0951ccc9', 'a699dfe0', '1f7e09a2', 'web', '176c5763']);
    const drop = readTrace(FN, { modelMap: { kind: 'map', map: { '12b5d943': 'web', '732bffa3': 'web' }, unmapped: 'drop' } });
    expect(drop.info).toMatchObject({ models: ['web'], requests: 640 });
    expect(new Set(collect(drop).map((a) => a.model))).toEqual(new Set(['web']));
    const err = traceError(() => readTrace(FN, { modelMap: { kind: 'map', map: { nope: 'x' } } }));
    expect(err.toString()).toBe(`${FN}: option modelMap.map: "nope" name no model in the trace (models are e.g. 0951ccc9, a699dfe0, 1f7e09a2, 12b5d943, 732bffa3)`);
  });
});

describe('maxArrivals', () => {
  it('refuses up front when the scan already shows too many', () => {
    const err = traceError(() => readTrace(FN, { maxArrivals: 1000 }));
    expect(err.toString()).toBe(
      `${FN}: this replay would yield ~1,130 arrivals, more than maxArrivals (1,000); narrow it with window, rateScale < 1 or modelMap { kind: 'top', rest: 'drop' }, or raise maxArrivals`,
    );
    expect(readTrace(FN, { maxArrivals: 1130 }).info.requests).toBe(1130);
  });

  it('stops with an error while generating when an estimate was too low', () => {
    const batch = { length: 3, t: Float64Array.of(0, 1, 2), model: Uint32Array.of(0, 0, 0), promptTokens: undefined, outputTokens: undefined };
    const plan = { file: 'f.csv', map: Int32Array.of(0), startS: 0, endS: Infinity, timeScale: 1, rateScale: 1, seed: 1, maxArrivals: 2, withTokens: false };
    expect(() => [...runPipeline([batch], plan)]).toThrow(/^this replay would yield more than maxArrivals \(2\)/);
    expect([...runPipeline([batch], { ...plan, maxArrivals: 3 })][0]!.length).toBe(3);
  });
});

describe('option validation', () => {
  it.each<[TraceOptions, string]>([
    [{ windw: {} } as TraceOptions, 'option windw: unknown option; expected one of format, timeScale, rateScale, window, modelMap, defaultModel, seed, maxArrivals, timestampUnit, spreadQuantized, unsorted'],
    [{ spreadQuantized: false }, 'option spreadQuantized: applies only to mooncake, not azure-functions-2019'],
    [{ timestampUnit: 'ms' }, 'option timestampUnit: applies only to csv, jsonl, not azure-functions-2019'],
    [{ timeScale: 0 }, 'option timeScale: expected a finite number > 0, got 0'],
    [{ rateScale: -1 }, 'option rateScale: expected a finite number > 0, got -1'],
    [{ window: { startS: 10, endS: 5 } }, 'option window.endS: expected a number > window.startS (10), got 5'],
    [{ window: { startS: -1 } }, 'option window.startS: expected a number >= 0, got -1'],
    [{ window: { start: 5 } } as TraceOptions, 'option window.start: unknown key; expected startS, endS'],
    [{ modelMap: { kind: 'top', n: 3, others: 'drop' } } as TraceOptions, 'option modelMap.others: unknown key; expected kind, n, rest'],
    [{ seed: 1.5 }, 'option seed: expected an integer, got 1.5'],
    [{ maxArrivals: 0 }, 'option maxArrivals: expected a positive integer or Infinity, got 0'],
    [{ format: 'parquet' } as unknown as TraceOptions, 'option format: unknown format "parquet"; expected one of azure-llm-2023, azure-functions-2019, azure-functions-2021, mooncake, servegen, csv, jsonl'],
    [{ modelMap: { kind: 'top', n: 0 } }, 'option modelMap.n: expected an integer >= 1, got 0'],
    [{ modelMap: { kind: 'bucket' } } as unknown as TraceOptions, 'option modelMap.kind: expected hash, top or map, got bucket'],
    [{ defaultModel: 'x' }, 'option defaultModel: applies only to azure-llm-2023, mooncake, csv, jsonl, not azure-functions-2019'],
  ])('%j -> %s', (options, message) => {
    const err = traceError(() => readTrace(FN, options));
    expect(err.message).toBe(message);
    expect(err.line).toBeUndefined();
  });

  it('rejects an empty defaultModel and a bad unsorted value where they apply', () => {
    expect(traceError(() => readTrace(LLM, { defaultModel: '' })).message).toBe('option defaultModel: expected a non-empty string');
    expect(traceError(() => readTrace(LLM, { unsorted: 'ignore' } as unknown as TraceOptions)).message).toBe('option unsorted: expected error or sort, got ignore');
  });
});
