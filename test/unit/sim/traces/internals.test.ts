import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../../../src/sim/traces/batch.js';
import { readLines } from '../../../../src/sim/traces/line-reader.js';
import { mergeRuns } from '../../../../src/sim/traces/merge-runs.js';
import { modelNameFromFile, shortIds } from '../../../../src/sim/traces/model-names.js';
import { Rng, unitAt } from '../../../../src/sim/traces/random.js';
import { parseWallClock, secondsSince } from '../../../../src/sim/traces/wall-clock.js';
import { tmpFile } from './helpers.js';

describe('random', () => {
  it('is a pure function of seed and counters', () => {
    expect(unitAt(1, 2, 3)).toBe(unitAt(1, 2, 3));
    expect(unitAt(1, 2, 3)).not.toBe(unitAt(1, 2, 4));
    expect(unitAt(2 ** 40, 1)).not.toBe(unitAt(0, 1)); // high bits of the seed count
    const a = new Rng(9, 1);
    const b = new Rng(9, 1);
    expect([a.open01(), a.open01()]).toEqual([b.open01(), b.open01()]);
  });

  it.each([
    ['Gamma(0.5, 2)', (r: Rng) => Math.exp(r.logGamma(0.5, 2)), 1, 2],
    ['Gamma(3, 0.5)', (r: Rng) => Math.exp(r.logGamma(3, 0.5)), 1.5, 0.75],
    ['Weibull(0.5, 1)', (r: Rng) => Math.exp(r.logWeibull(0.5, 1)), 2, 20],
    ['Weibull(2, 3)', (r: Rng) => Math.exp(r.logWeibull(2, 3)), 3 * 0.886227, 9 * (1 - 0.785398)],
  ])('samples %s with the right mean and variance', (_name, draw, mean, variance) => {
    const rng = new Rng(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = draw(rng);
      s += x;
      s2 += x * x;
    }
    const m = s / n;
    expect(m / mean).toBeGreaterThan(0.97);
    expect(m / mean).toBeLessThan(1.03);
    expect((s2 / n - m * m) / variance).toBeGreaterThan(0.85);
    expect((s2 / n - m * m) / variance).toBeLessThan(1.15);
  });

  it('keeps tiny Gamma shapes finite in log space (ServeGen has shape 0.007)', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 1000; i++) expect(Number.isFinite(rng.logGamma(0.007, 1))).toBe(true);
  });
});

describe('mergeRuns', () => {
  it('merges sorted runs, ties to the run listed first', () => {
    const out = new BatchBuilder(false, 4);
    const runs = [
      { model: 0, times: Float64Array.of(1, 3, 5), length: 3 },
      { model: 1, times: Float64Array.of(1, 2), length: 2 },
      { model: 2, times: Float64Array.of(), length: 0 },
      { model: 3, times: Float64Array.of(0, 6), length: 2 },
    ];
    const batches = [...mergeRuns(runs, out), out.take()];
    expect(batches.map((b) => b.length)).toEqual([4, 3]);
    expect(batches.flatMap((b) => Array.from(b.t))).toEqual([0, 1, 1, 2, 3, 5, 6]);
    expect(batches.flatMap((b) => Array.from(b.model))).toEqual([3, 0, 1, 1, 0, 0, 3]);
  });
});

describe('names', () => {
  it('derives kebab-case model names from files', () => {
    expect(modelNameFromFile('/x/conversation_trace.jsonl')).toBe('conversation-trace');
    expect(modelNameFromFile('MyTrace v2.csv')).toBe('my-trace-v2');
  });

  it('shortens hashes to 8 chars, longer only on collision, suffixes for duplicates', () => {
    expect(shortIds(['aaaaaaaa11', 'aaaaaaaa12', 'bbbbbbbbcc', 'same', 'same'])).toEqual(['aaaaaaaa11', 'aaaaaaaa12', 'bbbbbbbb', 'same', 'same-2']);
  });
});

describe('wall clock', () => {
  it('parses ISO-8601 and the Azure form as UTC, with offsets', () => {
    const base = parseWallClock('2024-05-10T12:00:00Z')!;
    expect(secondsSince(parseWallClock('2024-05-10 12:00:01.2500000')!, base)).toBe(1.25);
    expect(secondsSince(parseWallClock('2024-05-10T14:00:00+02:00')!, base)).toBe(0);
    expect(secondsSince(parseWallClock('2024-05-10T11:30:00-0030')!, base)).toBe(0);
    expect(secondsSince(parseWallClock('2024-05-11')!, base)).toBe(12 * 3600);
    expect(parseWallClock('2023-02-30T00:00:00Z')).toBeUndefined();
    expect(parseWallClock('12:00')).toBeUndefined();
  });
});

describe('readLines', () => {
  it('strips BOM and CR, numbers lines from 1, copes with no final newline and multi-byte text across chunks', () => {
    const long = 'é'.repeat(700_000); // 1.4 MB: crosses the 1 MiB chunk boundary inside a character
    const f = tmpFile('l.txt', `\ufeffa\r\n\r\n${long}\nlast`);
    expect([...readLines(f)].map((l) => [l.line, l.text.length > 10 ? l.text.length : l.text])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 700_000],
      [4, 'last'],
    ]);
  });
});
