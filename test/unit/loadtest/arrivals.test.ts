import { describe, expect, it } from 'vitest';
import { arrivalTimes, planArrivals, plannedRequests } from '../../../src/loadtest/arrivals.js';
import { parseCurve, type Curve } from '../../../src/loadtest/curve.js';

const curve = (o: object): Curve => parseCurve(JSON.stringify({ name: 't', request: { model: 'm' }, ...o }), 't.json');

describe('arrival generation', () => {
  it('is a pure function of the seed', () => {
    const c = curve({ segments: [{ start: '0s', duration: '1h', rate: 0.5 }], bursts: [{ at: '10m', requests: 50, over: '1m' }] });
    const a = planArrivals(c, { seed: 42, timeScale: 1 });
    expect(planArrivals(c, { seed: 42, timeScale: 1 })).toEqual(a);
    expect(planArrivals(c, { seed: 43, timeScale: 1 }).map((x) => x.atMs)).not.toEqual(a.map((x) => x.atMs));
  });

  it('matches the rate in expectation: counts over many seeds within 4 standard errors', () => {
    // Poisson: mean = variance = λ·d. Constant 2/s for 100 s -> 200 per run.
    const c = curve({ segments: [{ start: '0s', duration: '100s', rate: 2 }] });
    const runs = 200;
    const counts = Array.from({ length: runs }, (_, s) => arrivalTimes(c, s).length);
    const mean = counts.reduce((a, b) => a + b, 0) / runs;
    expect(Math.abs(mean - 200)).toBeLessThan(4 * Math.sqrt(200 / runs));
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1);
    expect(variance / 200).toBeGreaterThan(0.7); // Poisson, not a fixed grid
    expect(variance / 200).toBeLessThan(1.3);
  });

  it('follows a linear ramp: 0 -> 4/s over 100 s puts 1/4 of the arrivals in the first half', () => {
    const c = curve({ segments: [{ start: '0s', duration: '100s', rate: 0, endRate: 4 }] });
    let first = 0;
    let all = 0;
    for (let s = 0; s < 50; s++) {
      const t = arrivalTimes(c, s).map((a) => a.t);
      all += t.length;
      first += t.filter((x) => x < 50).length;
    }
    // expected total 50 × 200 = 10000; first half ∫0^50 0.04t dt = 50 per run
    expect(Math.abs(all - 10_000)).toBeLessThan(4 * Math.sqrt(10_000));
    expect(Math.abs(first / all - 0.25)).toBeLessThan(0.02);
  });

  it('sends exactly the burst size, inside the burst window, in time order', () => {
    const c = curve({ bursts: [{ at: '9h', requests: 1000, over: '2m' }, { at: '17h', requests: 2000, over: '5m' }] });
    const t = arrivalTimes(c, 7);
    expect(t.length).toBe(3000);
    expect(t.filter((a) => a.source === 'bursts[0]').every((a) => a.t >= 9 * 3600 && a.t <= 9 * 3600 + 120)).toBe(true);
    expect(t.every((a, i) => i === 0 || (t[i - 1]?.t ?? 0) <= a.t)).toBe(true);
  });

  it('compresses time without changing what is sent', () => {
    const c = curve({ segments: [{ start: '0s', duration: '24h', rate: '30/h' }], bursts: [{ at: '9h', requests: 100, over: '1m' }] });
    const real = planArrivals(c, { seed: 3, timeScale: 1 });
    const fast = planArrivals(c, { seed: 3, timeScale: 0.001 });
    expect(fast.length).toBe(real.length);
    fast.forEach((a, i) => {
      expect(a.atMs).toBeCloseTo((real[i]?.atMs ?? NaN) * 0.001, 6);
      expect(a.steps.map((s) => s.promptTokens)).toEqual(real[i]?.steps.map((s) => s.promptTokens));
    });
    expect(fast[fast.length - 1]?.atMs).toBeLessThan(86_400);
  });

  it('plans sessions: steps, growing prompts, scaled think times', () => {
    const c = curve({
      request: { model: 'm', promptTokens: 1000, outputTokens: 10 },
      bursts: [{ at: '0s', requests: 20 }],
      sessions: { steps: { min: 2, max: 5 }, thinkTime: { min: '2s', max: '4s' }, contextGrowthTokens: 300 },
    });
    const plan = planArrivals(c, { seed: 1, timeScale: 0.5 });
    for (const a of plan) {
      expect(a.steps.length).toBeGreaterThanOrEqual(2);
      expect(a.steps.length).toBeLessThanOrEqual(5);
      expect(a.steps.map((s) => s.promptTokens)).toEqual(a.steps.map((_, k) => 1000 + 300 * k));
      expect(a.steps[0]?.thinkMs).toBe(0);
      for (const s of a.steps.slice(1)) expect(s.thinkMs >= 1000 && s.thinkMs <= 2000).toBe(true);
    }
    expect(plannedRequests(plan)).toBe(plan.reduce((n, a) => n + a.steps.length, 0));
  });

  it('takes model and sizes from trace rows, and lets --model override every model', () => {
    const c = parseCurve(JSON.stringify({ name: 't', request: { model: 'dflt', promptTokens: 9 }, trace: { file: 'x.csv' } }), 't.json', () => [
      { t: 0, model: 'a', promptTokens: 5 },
      { t: 2 },
    ]);
    const plan = planArrivals(c, { seed: 1, timeScale: 1 });
    expect(plan.map((a) => [a.atMs, a.model, a.steps[0]?.promptTokens])).toEqual([
      [0, 'a', 5],
      [2000, 'dflt', 9],
    ]);
    expect(planArrivals(c, { seed: 1, timeScale: 1, model: 'x' }).map((a) => a.model)).toEqual(['x', 'x']);
  });

  it('streams the configured fraction of requests', () => {
    const c = curve({ request: { model: 'm', stream: 0.3 }, bursts: [{ at: '0s', requests: 5000 }] });
    const streamed = planArrivals(c, { seed: 9, timeScale: 1 }).filter((a) => a.steps[0]?.stream).length;
    expect(Math.abs(streamed / 5000 - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / 5000));
  });
});
