import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minuteArrivalS, readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, isSorted, times, tmpFile } from './helpers.js';

const SAMPLE = fixture('azure-functions-2019-sample/invocations.csv');
const LINES = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');

/** The fixture with only the named id columns and the first `minutes` minute columns. */
function variant(ids: string[], minutes: number): string {
  const header = LINES[0]!.split(',');
  const keep = [...ids.map((c) => header.indexOf(c)), ...Array.from({ length: minutes }, (_, m) => 4 + m)];
  return LINES.map((l) => keep.map((i) => l.split(',')[i]).join(',')).join('\n') + '\n';
}

describe('Azure Functions 2019 per-minute counts', () => {
  it('places the i-th of k invocations of minute m at 60m + 60(i + 0.5)/k, m from the first minute column', () => {
    // Line 5, function 12b5d943: 3 invocations in column 480 (m = 0), 2 in column 481 (m = 1).
    const t = times(readTrace(SAMPLE), '12b5d943');
    expect(t.slice(0, 5)).toEqual([10, 30, 50, 75, 105]);
    expect(t).toHaveLength(160);
    expect([0, 1, 2].map((i) => minuteArrivalS(0, i, 3))).toEqual([10, 30, 50]);
  });

  it('makes each function a model named by the first 8 hex chars of HashFunction, in file order', () => {
    const { info } = readTrace(SAMPLE);
    expect(info).toMatchObject({ format: 'azure-functions-2019', sourceModels: 6, requests: 1130, requestsExact: true, spanS: 480 * 60, hasTokens: false });
    expect(info.models).toEqual(['0951ccc9', 'a699dfe0', '1f7e09a2', '12b5d943', '732bffa3', '176c5763']);
  });

  it('merges the functions into one stream sorted by time; ties in file order', () => {
    const all = collect(readTrace(SAMPLE));
    expect(all).toHaveLength(1130);
    expect(isSorted(all.map((a) => a.t))).toBe(true);
    expect(all.slice(0, 7).map((a) => [a.t, a.model])).toEqual([
      [10, '12b5d943'],
      [30, '12b5d943'],
      [30, '732bffa3'],
      [30, '176c5763'],
      [50, '12b5d943'],
      [75, '12b5d943'],
      [75, '176c5763'],
    ]);
    expect(all[0]).toEqual({ t: 10, model: '12b5d943' }); // no token keys: the data has none
  });

  it('reads the variants: no HashOwner, only HashFunction, and the original 1..1440 numbering', () => {
    const noOwner = readTrace(tmpFile('a.csv', variant(['HashApp', 'HashFunction', 'Trigger'], 3)));
    const onlyFn = readTrace(tmpFile('b.csv', variant(['HashFunction'], 3)));
    for (const t of [noOwner, onlyFn]) {
      expect(t.info.format).toBe('azure-functions-2019');
      expect(t.info.models).toHaveLength(6);
      expect(t.info.spanS).toBe(180);
      expect(times(t, '12b5d943')).toEqual([10, 30, 50, 75, 105]);
    }
    const original = ['HashFunction,1,2', 'abcdef0123,2,0', 'abcdef0456,0,1'].join('\n');
    expect(collect(readTrace(tmpFile('c.csv', original))).map((a) => [a.t, a.model])).toEqual([
      [15, 'abcdef01'],
      [45, 'abcdef01'],
      [90, 'abcdef04'],
    ]);
  });

  it('lengthens ids only where the first 8 chars collide', () => {
    const f = tmpFile('c.csv', ['HashFunction,1', 'abcdef0123,1', 'abcdef0145,1', '99999999aa,1'].join('\n'));
    expect(readTrace(f).info.models).toEqual(['abcdef012', 'abcdef014', '99999999']);
  });

  it('generates lazily, a minute at a time (the first arrival needs no more than its minute)', () => {
    const batches = readTrace(SAMPLE).batches()[Symbol.iterator]();
    const first = batches.next();
    expect(first.done).toBe(false);
    expect(Array.from(first.value!.t)).toEqual([10, 30, 30, 30, 50]);
  });
});
