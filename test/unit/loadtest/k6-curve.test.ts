/**
 * The k6 scripts and the built-in runner read the same curve files with two
 * readers (k6 cannot import our TypeScript). These tests keep the two in
 * step: the same numbers from every shipped curve, and k6 scenarios that
 * offer the same number of requests the runner's plan expects.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedArrivals, loadCurveFile } from '../../../src/loadtest/curve.js';
import { readTraceCsv, type TraceRow } from '../../../src/loadtest/trace-csv.js';

interface Stage {
  duration: string;
  target: number;
}
interface Scenario {
  executor: string;
  startTime?: string;
  timeUnit?: string;
  rate?: number;
  duration?: string;
  startRate?: number;
  stages?: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}
interface K6Curve {
  name: string;
  durationS: number;
  request: unknown;
  segments: unknown[];
  bursts: unknown[];
  sessions: unknown;
  traceFile: string | undefined;
  traceUnit: 's' | 'ms';
}
interface K6CurveModule {
  parseCurve(text: string): K6Curve;
  parseTraceCsv(text: string, unit?: 's' | 'ms'): TraceRow[];
  expectedArrivals(c: K6Curve, trace: TraceRow[]): number;
  buildScenarios(c: K6Curve, trace: TraceRow[], o: { timeScale: number; preAllocatedVUs: number; maxVUs: number; traceBinS: number }): Record<string, Scenario>;
}

let k6: K6CurveModule;
beforeAll(async () => {
  // Loaded by URL so the root TypeScript program does not compile the k6 JavaScript.
  k6 = (await import(pathToFileURL(resolve('loadtest/lib/curve.js')).href)) as K6CurveModule;
});

const CURVES = ['document-day', 'agentic', 'monthly-batch', 'trace-replay', 'smoke'];
const ms = (d: string | undefined): number => {
  const m = /^(\d+)ms$/.exec(d ?? '');
  if (!m) throw new Error(`not a k6 ms duration: ${d}`);
  return Number(m[1]);
};

/** Iterations k6 starts for a scenario: ∫ rate dt, rate per timeUnit, piecewise linear. */
function k6Iterations(s: Scenario): number {
  const unit = ms(s.timeUnit);
  if (s.executor === 'constant-arrival-rate') return ((s.rate ?? 0) * ms(s.duration)) / unit;
  let prev = s.startRate ?? 0;
  let n = 0;
  for (const st of s.stages ?? []) {
    n += (((prev + st.target) / 2) * ms(st.duration)) / unit;
    prev = st.target;
  }
  return n;
}

describe('k6 curve reader', () => {
  it.each(CURVES)('%s: reads the same curve as the runner', (name) => {
    const file = `loadtest/curves/${name}.json`;
    const ts = loadCurveFile(file);
    const js = k6.parseCurve(readFileSync(file, 'utf8'));
    // k6 does not read a trace's length into durationS (its stages carry it).
    expect(js).toEqual({ name: ts.name, durationS: ts.trace ? js.durationS : ts.durationS, request: ts.request, segments: ts.segments, bursts: ts.bursts, sessions: ts.sessions, traceFile: ts.trace?.file, traceUnit: 's' });
    const trace = js.traceFile ? k6.parseTraceCsv(readFileSync(resolve('loadtest/curves', js.traceFile), 'utf8')) : [];
    expect(trace).toEqual(ts.trace?.rows ?? []);
    expect(k6.expectedArrivals(js, trace)).toBeCloseTo(expectedArrivals(ts), 6);
  });

  it.each(CURVES)('%s: k6 scenarios offer the requests the runner expects, at any time scale', (name) => {
    const file = `loadtest/curves/${name}.json`;
    const ts = loadCurveFile(file);
    const js = k6.parseCurve(readFileSync(file, 'utf8'));
    const trace = ts.trace?.rows ?? [];
    for (const timeScale of [1, 0.01, 0.001]) {
      const scenarios = k6.buildScenarios(js, trace, { timeScale, preAllocatedVUs: 50, maxVUs: 2000, traceBinS: 1 });
      const offered = Object.values(scenarios).reduce((n, s) => n + k6Iterations(s), 0);
      // Integer k6 rates round each segment's rate by at most 0.25 %; bursts and traces are exact.
      expect(Math.abs(offered - expectedArrivals(ts))).toBeLessThanOrEqual(0.005 * expectedArrivals(ts) + 1e-9);
      for (const s of Object.values(scenarios)) {
        expect(['ramping-arrival-rate', 'constant-arrival-rate']).toContain(s.executor);
        expect(ms(s.timeUnit)).toBeGreaterThan(0);
        expect(s.preAllocatedVUs).toBeLessThanOrEqual(s.maxVUs);
      }
    }
  });

  it('scales start times with TIME_SCALE and keeps burst sizes', () => {
    const js = k6.parseCurve(readFileSync('loadtest/curves/document-day.json', 'utf8'));
    const fast = k6.buildScenarios(js, [], { timeScale: 0.001, preAllocatedVUs: 50, maxVUs: 2000, traceBinS: 1 });
    expect(Object.keys(fast)).toEqual(['burst_0', 'burst_1', 'burst_2']);
    expect([fast.burst_0, fast.burst_1, fast.burst_2].map((s) => [s?.startTime, s?.rate, s?.duration])).toEqual([
      ['32400ms', 1000, '120ms'],
      ['50400ms', 50, '60ms'],
      ['61200ms', 2000, '300ms'],
    ]);
  });

  it('replays a trace bin by bin', () => {
    const rows = readTraceCsv('t\n0\n0.2\n0.9\n2.5\n', 'x.csv');
    const js = k6.parseCurve(JSON.stringify({ name: 't', trace: { file: 'x.csv' } }));
    const s = k6.buildScenarios(js, rows, { timeScale: 1, preAllocatedVUs: 50, maxVUs: 100, traceBinS: 1 }).trace;
    expect(s?.stages).toEqual([
      { duration: '0ms', target: 3 },
      { duration: '1000ms', target: 3 },
      { duration: '0ms', target: 0 },
      { duration: '1000ms', target: 0 },
      { duration: '0ms', target: 1 },
      { duration: '1000ms', target: 1 },
    ]);
  });

  it.each([
    ['seconds, no header', 's', '100,llama,10,5\n100.25\n101.5,qwen,,7\n'],
    ['milliseconds, a header in another order', 'ms', 'output_tokens,t,model\n5,1000,llama\n6,1250,\n7,4000,"qwen"\n'],
    ['ISO-8601 times, with and without a zone', 's', 'timestamp,model\n2024-05-10T12:00:00Z,a\n2024-05-10T14:00:01.5+02:00,b\n2024-05-10T12:00:03\n'],
  ] as const)('reads a trace in %s exactly as the runner does', (_name, unit, csv) => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-trace-'));
    writeFileSync(join(dir, 'trace.csv'), csv);
    const curveText = JSON.stringify({ name: 't', request: { model: 'm' }, trace: { file: 'trace.csv', ...(unit === 'ms' ? { timestampUnit: 'ms' } : {}) } });
    writeFileSync(join(dir, 'curve.json'), curveText);
    const ts = loadCurveFile(join(dir, 'curve.json'));
    const js = k6.parseCurve(curveText);
    expect(js.traceUnit).toBe(unit);
    const rows = k6.parseTraceCsv(csv, js.traceUnit);
    expect(rows).toEqual(ts.trace?.rows);
    expect(rows.length).toBe(3);
    expect(rows.every((r) => Number.isFinite(r.t))).toBe(true);
  });
});
