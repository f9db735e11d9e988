import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../../src/sim/traces/index.js';
import { collect, fixture, isSorted, take, tmpFile } from './helpers.js';

const FOLDER = fixture('servegen-m-large');
const W = 600;

/** Expected arrivals per window (rate x 600) of one fixture client. */
function perWindow(client: number): number[] {
  return readFileSync(`${FOLDER}/chunk-${client}-trace.csv`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Math.round(Number(l.split(',')[1]) * W));
}

function countByWindow(ts: number[]): number[] {
  const out = new Array<number>(12).fill(0);
  for (const t of ts) out[Math.floor(t / W)]!++;
  return out;
}

describe('ServeGen', () => {
  it('makes each client file a model and expects rate x window arrivals', () => {
    const { info } = readTrace(FOLDER);
    const expected = [0, 66, 95].map((c) => perWindow(c).reduce((a, b) => a + b, 0));
    expect(info).toMatchObject({ format: 'servegen', models: ['client-0', 'client-66', 'client-95'], sourceModels: 3, requestsExact: false, spanS: 12 * W, hasTokens: false });
    expect(info.requests).toBe(expected.reduce((a, b) => a + b, 0));
  });

  it('generates exactly rate x 600 arrivals in each window (an integer in the data), inside the window, sorted', () => {
    const all = collect(readTrace(FOLDER));
    expect(isSorted(all.map((a) => a.t))).toBe(true);
    for (const c of [0, 66, 95]) {
      const ts = all.filter((a) => a.model === `client-${c}`).map((a) => a.t);
      expect(countByWindow(ts)).toEqual(perWindow(c));
      expect(ts.every((t) => t > 0 && t < 12 * W)).toBe(true);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = collect(readTrace(FOLDER, { seed: 7 }));
    const b = collect(readTrace(FOLDER, { seed: 7 }));
    const c = collect(readTrace(FOLDER, { seed: 8 }));
    expect(b).toEqual(a);
    expect(c).toHaveLength(a.length);
    expect(c.map((x) => x.t)).not.toEqual(a.map((x) => x.t));
  });

  it('keeps the fitted burstiness: a Gamma(0.81) window has inter-arrival CV near its iat_cv of 1.11', () => {
    // client 66, window 6000 s: rate 0.58667 (352 requests), Gamma shape 0.8119, iat_cv 1.1098.
    const ts = collect(readTrace(FOLDER, { window: { startS: 6000, endS: 6600 } })).filter((a) => a.model === 'client-66').map((a) => a.t);
    expect(ts).toHaveLength(352);
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const cv = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length) / mean;
    expect(cv).toBeGreaterThan(0.9);
    expect(cv).toBeLessThan(1.35);
  });

  it('a window is a slice of the same realisation (per client-window seeding)', () => {
    const full = collect(readTrace(FOLDER)).filter((a) => a.t >= 1200 && a.t < 2400);
    const part = collect(readTrace(FOLDER, { window: { startS: 1200, endS: 2400 } }));
    expect(part).toEqual(full.map((a) => ({ ...a, t: a.t - 1200 })));
  });

  it('scales the rate at the source: each window gets floor or ceil of rate x 600 x rateScale', () => {
    const ts = collect(readTrace(FOLDER, { rateScale: 0.5 })).filter((a) => a.model === 'client-95').map((a) => a.t);
    countByWindow(ts).forEach((n, w) => {
      const x = perWindow(95)[w]! * 0.5;
      expect([Math.floor(x), Math.ceil(x)]).toContain(n);
    });
  });

  it('reads a single client file too', () => {
    const { info } = readTrace(`${FOLDER}/chunk-95-trace.csv`);
    expect(info.models).toEqual(['client-95']);
    expect(info.format).toBe('servegen');
  });

  it('is lazy: a later window far too big to generate is never touched by a consumer that stops early', () => {
    // Window 2 implies 6e11 arrivals: allocating them would throw a RangeError at once.
    const f = tmpFile('lazy/chunk-1-trace.csv', ['0,0.01,1,Gamma,1,1', '600,1000000000,1,Gamma,1,1', ''].join('\r\n'));
    const trace = readTrace(dirname(f), { maxArrivals: Infinity });
    expect(trace.info.requests).toBe(6e11 + 6);
    expect(take(trace.arrivals(), 6).map((a) => a.model)).toEqual(new Array(6).fill('client-1'));
    expect(() => take(trace.arrivals(), 7)).toThrow(RangeError);
  });
});
