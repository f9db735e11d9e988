import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from '../../../src/telemetry/hot-metrics.js';

const BUCKETS = [0.005, 0.01, 0.1, 1, 10];
const SAMPLES: [string, number][] = [
  ['a', 0],
  ['a', 0.005], // on a bound: counts in that bucket (le is inclusive)
  ['a', 0.0051],
  ['b', 3],
  ['a', 42], // above every bound: +Inf only
  ['b', 0.01],
  ['a', 1],
];

describe('hot metrics export exactly what prom-client would', () => {
  it('histogram: same text for the same observations, series created at zero included', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h = new HotHistogram('x_seconds', 'help text', ['model'], BUCKETS, ours);
    const p = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['model'], buckets: BUCKETS, registers: [theirs] });
    h.zero({ model: 'zero' });
    p.zero({ model: 'zero' });
    const children = { a: h.labels('a'), b: h.labels('b') };
    for (const [m, v] of SAMPLES) {
      children[m as 'a' | 'b'].observe(v);
      p.labels(m).observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('counter: same text, child and object-style increments', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const c = new HotCounter('y_total', 'help', ['model', 'code'], ours);
    const p = new Counter({ name: 'y_total', help: 'help', labelNames: ['model', 'code'], registers: [theirs] });
    c.labels('a', '200').inc();
    p.labels('a', '200').inc();
    c.labels('a', '200').inc(2);
    p.labels('a', '200').inc(2);
    c.inc({ model: '', code: '404' });
    p.inc({ model: '', code: '404' });
    c.labels('b', '503').inc(0);
    p.labels('b', '503').inc(0);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('rejects what prom-client rejects: wrong label count, unknown label, negative or non-finite values', () => {
    const r = new Registry();
    const c = new HotCounter('z_total', 'help', ['model'], r);
    const h = new HotHistogram('z_seconds', 'help', ['model'], BUCKETS, r);
    expect(() => c.labels('a', 'b')).toThrow(/expected 1 label value/);
    expect(() => c.inc({ modle: 'a' })).toThrow(/unknown label "modle"/);
    expect(() => c.labels('a').inc(-1)).toThrow(/>= 0/);
    expect(() => h.labels('a').observe(Number.NaN)).toThrow(/finite/);
    expect(() => new HotCounter('z_total', 'again', ['model'], r)).toThrow(/already been registered/);
  });

  it('resets with the registry', async () => {
    const r = new Registry();
    const h = new HotHistogram('w_seconds', 'help', ['model'], BUCKETS, r);
    h.labels('a').observe(1);
    r.resetMetrics();
    expect(await r.metrics()).not.toContain('model="a"');
  });
});
