import { describe, expect, it } from 'vitest';
import { emptyGapModel, hazard, nextFlip, recordGap } from '../../../../src/autoscaler/predictive/gap-model.js';
import { emptyRateProfile, forecastRate, observeArrivals } from '../../../../src/autoscaler/predictive/rate-profile.js';
import { scheduleFloor } from '../../../../src/autoscaler/predictive/schedule.js';
import { emptyTrend, forecastDemand, observeDemand } from '../../../../src/autoscaler/predictive/trend.js';
import { cronMatches, parseCron } from '../../../../src/core/cron.js';
import { ManualClock } from '../../../../src/core/clock.js';

const S = 1000;

describe('idle-gap model', () => {
  it('keeps short gaps apart, so bursts do not push the long gaps out of memory', () => {
    let m = emptyGapModel();
    for (let burst = 0; burst < 4; burst++) {
      for (let i = 0; i < 60; i++) m = recordGap(m, 1 * S, 8, 30 * S); // 1 s gaps inside a burst
      m = recordGap(m, 1800 * S, 8, 30 * S); // 30 min between bursts
    }
    expect(m.gaps).toEqual([1800 * S, 1800 * S, 1800 * S, 1800 * S]);
    expect(m.short.length).toBe(8);
    expect(m.shortW / (m.shortW + m.longW)).toBeGreaterThan(0.9);
  });

  it('remembers a sliding window of the newest gaps', () => {
    let m = emptyGapModel();
    for (let i = 0; i < 300; i++) m = recordGap(m, 1000 + i, 128);
    expect(m.gaps.length).toBe(128);
    expect(m.gaps[0]).toBe(1172);
    expect(m.gaps.at(-1)).toBe(1299);
  });
});

describe('hazard over the lead', () => {
  const L = 125 * S;
  const model = (...gs: number[]) => gs.reduce((m, g) => recordGap(m, g, 128, L), emptyGapModel());
  const warm = (h: number | undefined) => h !== undefined && h >= 0.1;

  it('is conditioned on the time already idle', () => {
    const m = model(20 * S, 20 * S, 20 * S, 1800 * S, 1800 * S);
    expect(hazard(m, 0, L, 5 * S)).toBeGreaterThan(0.5); // most gaps so far were short
    expect(hazard(m, 30 * S, L, 5 * S)).toBe(0); // past the short mode, only the long gaps remain
    expect(hazard(m, 1700 * S, L, 5 * S)).toBe(1); // the long gaps come due
    expect(hazard(m, 2000 * S, L, 5 * S)).toBeUndefined(); // longer than any gap seen (+10 %): no opinion
  });

  it('finds exactly when the warm/cold answer flips', () => {
    const m = model(600 * S, 600 * S, 600 * S);
    expect(nextFlip(m, 0, L, warm)).toBeCloseTo(475 * S, -1); // pre-warm at 600 - 125 s
    expect(nextFlip(m, 480 * S, L, warm, 5 * S)).toBeCloseTo(665 * S, -1); // stop holding 10 % (+ grace) after the usual end
    expect(nextFlip(model(200 * S), 300 * S, L, warm)).toBe(Infinity);
  });
});

describe('rate profile', () => {
  it('learns an hour of the week after seeing it twice, and forecasts it', () => {
    const monday9 = Date.UTC(2026, 2, 2, 9, 0, 0); // a Monday
    let p = emptyRateProfile();
    for (const week of [0, 1]) {
      const start = monday9 + week * 7 * 24 * 3600 * S;
      p = observeArrivals(p, start, 0);
      for (let m = 0; m < 60; m++) p = observeArrivals(p, start + m * 60 * S, 120); // 2 req/s
      p = observeArrivals(p, start + 3600 * S + 1, 0); // close the hour
    }
    expect(forecastRate(p, monday9 + 14 * 24 * 3600 * S + 120 * S)).toBeCloseTo(2, 5);
    // A Monday-10 hour was seen twice too (silent), so it forecasts 0.
    expect(forecastRate(p, monday9 + 14 * 24 * 3600 * S + 3600 * S)).toBe(0);
  });

  it('makes no forecast before it has seen the hour twice', () => {
    const p = observeArrivals(observeArrivals(emptyRateProfile(), 0, 5), 3600 * S, 0);
    expect(forecastRate(p, 60 * S)).toBeUndefined();
  });
});

describe('trend', () => {
  it('extrapolates a sustained ramp over the lead', () => {
    let t = emptyTrend();
    for (let s = 0; s < 300; s++) t = observeDemand(t, s / 10, S); // +0.1 per second
    const f = forecastDemand(t, 125 * S);
    // newest bucket averages 28.5 (270..299 s); slope 0.1/s; over 125 + 15 s -> +14
    expect(f).toBeCloseTo(28.45 + 14, 1);
  });

  it('ignores a one-off jump, and flat or falling demand', () => {
    let t = emptyTrend();
    for (let s = 0; s < 75; s++) t = observeDemand(t, 0, S); // the jump lands mid-bucket
    for (let s = 0; s < 150; s++) {
      t = observeDemand(t, 15, S);
      expect(forecastDemand(t, 125 * S)).toBeUndefined();
    }
    for (let s = 0; s < 120; s++) t = observeDemand(t, 5, S);
    expect(forecastDemand(t, 125 * S)).toBeUndefined();
  });

  it('treats a long quiet stretch as flat', () => {
    const t = observeDemand(emptyTrend(), 0, 3600 * S);
    expect(t.buckets).toEqual([0, 0, 0, 0]);
    expect(forecastDemand(t, 125 * S)).toBeUndefined();
  });
});

describe('warm-up schedules', () => {
  it('parses cron fields with lists, ranges and steps', () => {
    const c = parseCron('*/15 9-17 * * 1-5');
    expect([...c.minute]).toEqual([0, 15, 30, 45]);
    expect([...c.hour].length).toBe(9);
    expect(() => parseCron('61 * * * *')).toThrow('"61" is outside 0-59');
    expect(() => parseCron('* * *')).toThrow('must have 5 fields');
  });

  it('matches in the given time zone', () => {
    const c = parseCron('45 8 * * 1-5');
    const monday0845Paris = Date.UTC(2026, 2, 2, 7, 45); // CET = UTC+1
    expect(cronMatches(c, monday0845Paris, 'Europe/Paris')).toBe(true);
    expect(cronMatches(c, monday0845Paris, 'UTC')).toBe(false);
    expect(cronMatches(c, Date.UTC(2026, 2, 1, 7, 45), 'Europe/Paris')).toBe(false); // Sunday
  });

  it('holds the floor from the lead before the start until the window ends', () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 7, 30)); // Monday 08:30 Paris
    const w = [{ cron: '45 8 * * 1-5', durationMs: 9 * 3600 * S, minReplicas: 2, timezone: 'Europe/Paris' }];
    const lead = 5 * 60 * S;
    expect(scheduleFloor(w, clock.now(), lead)).toBe(0); // 08:30: not yet (warm from 08:40)
    clock.advance(10 * 60 * S); // 08:40
    expect(scheduleFloor(w, clock.now(), lead)).toBe(2);
    clock.advance(9 * 3600 * S); // 17:40
    expect(scheduleFloor(w, clock.now(), lead)).toBe(2);
    clock.advance(5 * 60 * S); // 17:45: over
    expect(scheduleFloor(w, clock.now(), lead)).toBe(0);
  });
});
