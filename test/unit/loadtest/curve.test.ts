import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CurveError, expectedArrivals, loadCurveFile, parseCurve } from '../../../src/loadtest/curve.js';

function problems(text: string, file = 'c.json'): string[] {
  try {
    parseCurve(text, file);
  } catch (err) {
    if (err instanceof CurveError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a CurveError');
}

describe('curve parsing', () => {
  it('reads durations, rates in every unit, token ranges and defaults', () => {
    const c = parseCurve(
      JSON.stringify({
        name: 'x',
        request: { model: 'm', stream: 0.25, promptTokens: { min: 10, max: 20 } },
        segments: [{ start: '1h', duration: '30m', rate: '120/h', endRate: '3/m' }, { start: '0s', duration: '10s', rate: 0.5 }],
        bursts: [{ at: '2h', requests: 100, over: '5m' }, { at: '90s', requests: 3 }],
        sessions: { steps: 4, thinkTime: { min: '1s', max: '3s' }, contextGrowthTokens: 100 },
      }),
      'x.json',
    );
    expect(c.segments).toEqual([
      { startS: 3600, durationS: 1800, rate: 120 / 3600, endRate: 3 / 60 },
      { startS: 0, durationS: 10, rate: 0.5, endRate: 0.5 },
    ]);
    expect(c.bursts).toEqual([
      { atS: 7200, requests: 100, overS: 300 },
      { atS: 90, requests: 3, overS: 1 },
    ]);
    expect(c.request).toEqual({ model: 'm', api: 'chat', streamFraction: 0.25, promptTokens: { min: 10, max: 20 }, outputTokens: { min: 128, max: 128 } });
    expect(c.sessions).toEqual({ steps: { min: 4, max: 4 }, thinkTimeS: { min: 1, max: 3 }, contextGrowthTokens: 100 });
    // duration defaults to the end of the last segment or burst: 2h + 5m
    expect(c.durationS).toBe(7500);
    expect(expectedArrivals(c)).toBeCloseTo(((120 / 3600 + 3 / 60) / 2) * 1800 + 5 + 103, 9);
  });

  it('names the file and the field of every problem, all at once', () => {
    const p = problems(
      JSON.stringify({
        name: 'bad',
        duration: '1h',
        request: { api: 'embeddings', promptTokens: { min: 50, max: 10 } },
        segments: [{ start: '10 minutes', duration: '2h', rate: '5/day' }],
        bursts: [{ at: '0s', requests: -1, colour: 'red' }],
      }),
      'curves/bad.json',
    );
    expect(p.every((l) => l.startsWith('curves/bad.json: '))).toBe(true);
    const text = p.join('\n');
    expect(text).toContain('request.api:');
    expect(text).toContain('segments[0].start: expected a duration like "90s"');
    expect(text).toContain('segments[0].rate: expected requests per second (a number) or "N/s", "N/m", "N/h", got "5/day"');
    expect(text).toContain('bursts[0].requests:');
    expect(text).toMatch(/bursts\[0\]: Unrecognized key: "colour"/);
  });

  it('reports cross-field problems: inverted ranges, nothing to send, parts past the duration', () => {
    expect(problems(JSON.stringify({ name: 'x', request: { promptTokens: { min: 50, max: 10 } }, bursts: [{ at: '0s', requests: 1 }] }))).toEqual([
      'c.json: request.promptTokens: min 50 is greater than max 10',
    ]);
    expect(problems(JSON.stringify({ name: 'x' }))).toEqual(['c.json: (top level): the curve sends nothing: give segments, bursts or a trace']);
    expect(problems(JSON.stringify({ name: 'x', duration: '1m', segments: [{ start: '30s', duration: '1m', rate: 1 }] }))).toEqual([
      "c.json: segments[0]: ends at 90s, after the curve's duration (60s)",
    ]);
    expect(problems('{"name": ')[0]).toMatch(/^c\.json: not valid JSON: /);
  });

  it('loads a trace relative to the curve file, and names the curve when the trace is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curve-'));
    writeFileSync(join(dir, 't.csv'), 'timestamp,model,prompt_tokens\n100,a,5\n101.5,,7\n');
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ name: 't', trace: { file: 't.csv' } }));
    const c = loadCurveFile(join(dir, 'c.json'));
    expect(c.trace?.rows).toEqual([{ t: 0, model: 'a', promptTokens: 5 }, { t: 1.5, promptTokens: 7 }]);
    expect(c.durationS).toBe(1.5);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 't', trace: { file: 'missing.csv' } }));
    expect(() => loadCurveFile(join(dir, 'bad.json'))).toThrow(/bad\.json: trace\.file: .*missing\.csv/);
  });

  it('every shipped curve parses', () => {
    for (const name of ['document-day', 'agentic', 'monthly-batch', 'trace-replay', 'smoke']) {
      const c = loadCurveFile(`loadtest/curves/${name}.json`);
      expect(c.name).toBe(name);
      expect(expectedArrivals(c)).toBeGreaterThan(0);
    }
    const day = loadCurveFile('loadtest/curves/document-day.json');
    expect(day.bursts.map((b) => [b.atS / 3600, b.requests])).toEqual([
      [9, 1000],
      [14, 50],
      [17, 2000],
    ]);
  });
});
