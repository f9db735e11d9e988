import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, tmpFile } from './helpers.js';

const SAMPLE = fixture('azure-functions-2021-sample/Azure2021_200.csv');

describe('Azure Functions 2021', () => {
  it('arrives at end_timestamp - duration, sorted (the rows are in completion order)', () => {
    const trace = readTrace(SAMPLE);
    expect(trace.info).toMatchObject({ format: 'azure-functions-2021', sourceModels: 15, requests: 15, requestsExact: true, hasTokens: false, warnings: [] });
    const all = collect(trace);
    // Row 2: end 0.07949090003967285, duration 0.078. Row 5: 6.2525410652160645 - 6.236.
    expect(all[0]!.t).toBeCloseTo(0.0014909000396728517, 12);
    expect(all[0]!.model).toBe('e3cdb488');
    expect(all.slice(0, 5).map((a) => a.model)).toEqual(['e3cdb488', '337cd24a', '48cc770d', '3d2aee54', '68bbfd82']);
    expect(all.at(-1)!.t).toBeCloseTo(0.0562399520874024, 12);
    expect(all.map((a) => a.t)).toEqual([...all.map((a) => a.t)].sort((x, y) => x - y));
  });

  it('keeps file order for equal arrivals and shifts times that would start before 0', () => {
    const f = tmpFile('x.csv', ['app,func,end_timestamp,duration', 'a,f2,5,1', 'a,f1,4,0', 'a,f3,1,2'].join('\n'));
    const trace = readTrace(f);
    expect(collect(trace).map((a) => [a.t, a.model])).toEqual([[0, 'f3'], [5, 'f2'], [5, 'f1']]);
    expect(trace.info.warnings).toEqual(['the earliest arrival was 1 s before the trace start; all times shifted so it is at 0']);
  });
});
