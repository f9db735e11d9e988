/**
 * The full public traces (see /work/shared/traces/README.md; present in CI).
 * A missing folder fails the run: these totals are the readers' ground truth.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace, readTrace } from '../../../../src/sim/traces/index.js';
import { isSorted, take, TRACES_DIR, traceError } from './helpers.js';

const at = (rel: string): string => join(TRACES_DIR, rel);

describe('full public traces', () => {
  it('are present', () => {
    expect(existsSync(TRACES_DIR), `${TRACES_DIR} (set PILOTLIGHT_TRACES_DIR)`).toBe(true);
  });

  it('Azure Functions 2019 sample: 500 functions, 3,037,902 invocations over 8 h, sorted', () => {
    const cols = loadTrace(at('azure-functions-2019-sample/invocations.csv'));
    expect(cols.info).toMatchObject({ format: 'azure-functions-2019', sourceModels: 500, requests: 3_037_902, requestsExact: true, spanS: 28_800 });
    expect(cols.info.models).toHaveLength(500);
    expect(new Set(cols.info.models).size).toBe(500);
    expect(cols.length).toBe(3_037_902);
    expect(isSorted(cols.t)).toBe(true);
    expect(cols.t[cols.length - 1]).toBeLessThan(28_800);
  });

  it.each([
    ['azure-llm-2023/AzureLLMInferenceTrace_code.csv', 'azure-llm-code', 8_819],
    ['azure-llm-2023/AzureLLMInferenceTrace_conv.csv', 'azure-llm-conv', 19_366],
    ['mooncake-fast25/conversation_trace.jsonl', 'mooncake-conversation', 12_031],
  ])('%s: %s, %i requests, sorted, with tokens', (rel, model, n) => {
    const cols = loadTrace(at(rel));
    expect(cols.info).toMatchObject({ models: [model], requests: n, requestsExact: true, hasTokens: true });
    expect(cols.length).toBe(n);
    expect(isSorted(cols.t)).toBe(true);
    expect(cols.t[0]).toBeLessThan(3);
    expect(cols.promptTokens!.every((x) => x >= 0)).toBe(true);
  });

  it('Azure Functions 2021 excerpt: 199 invocations', () => {
    expect(loadTrace(at('azure-functions-2021-sample/Azure2021_200.csv')).length).toBe(199);
  });

  it('ServeGen mm-image: 35 clients, exactly the 818,610 requests the rates imply', () => {
    const cols = loadTrace(at('servegen/multimodal/mm-image'));
    expect(cols.info).toMatchObject({ sourceModels: 35, requests: 818_610, spanS: 86_400 });
    expect(cols.length).toBe(818_610);
    expect(isSorted(cols.t)).toBe(true);
  });

  it('ServeGen m-large: ~236.9 M implied requests are refused by default and generated lazily when allowed', () => {
    const path = at('servegen/language/m-large');
    expect(traceError(() => readTrace(path)).message).toMatch(/^this replay would yield ~236,892,826 arrivals, more than maxArrivals \(20,000,000\)/);
    const trace = readTrace(path, { maxArrivals: Infinity });
    expect(trace.info).toMatchObject({ sourceModels: 162, requests: 236_892_826, spanS: 14 * 86_400 });
    const before = process.memoryUsage().heapUsed;
    const first = take(trace.arrivals(), 100_000);
    expect(first).toHaveLength(100_000);
    expect(first.at(-1)!.t).toBeLessThan(600);
    // 237 M arrivals would need > 2 GB even as typed arrays.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 2 ** 20);
  });

  it('ServeGen m-large, top 20 clients for 6 hours, fits the default bound', () => {
    const trace = readTrace(at('servegen/language/m-large'), { window: { endS: 6 * 3600 }, modelMap: { kind: 'top', n: 20, rest: 'drop' } });
    expect(trace.info.models).toHaveLength(20);
    expect(trace.info.requests).toBeGreaterThan(1_000_000);
    expect(trace.info.requests).toBeLessThan(20_000_000);
  });
});
