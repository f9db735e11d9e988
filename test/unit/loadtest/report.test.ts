/**
 * What a run ends with on screen and on disk: the summary table, the
 * progress bar, and the HTML report's three lanes on one time axis (offered
 * load, replicas from the admin API, latency). Built from a hand-made run so
 * every mark can be counted.
 */
import { describe, expect, it } from 'vitest';
import type { ReplicaSample } from '../../../src/loadtest/admin-poller.js';
import type { PlannedArrival } from '../../../src/loadtest/arrivals.js';
import { formatProgress, formatSummary } from '../../../src/loadtest/format.js';
import { renderHtmlReport } from '../../../src/loadtest/report-html.js';
import type { RunResult } from '../../../src/loadtest/runner.js';
import { summarize, type RequestResult } from '../../../src/loadtest/summary.js';

const step = { promptTokens: 10, outputTokens: 5, stream: true, thinkMs: 0 };
/** 10 arrivals in the first second, 2 more at 5 s. */
const plan: PlannedArrival[] = [...Array.from({ length: 10 }, (_, i) => i * 90), 5000, 5500].map((atMs, index) => ({ index, atMs, source: 'bursts[0]', model: 'm', steps: [step] }));
/** The first 6 waited for a cold start (served), 2 were refused (queue_full), the rest ok. */
const results: RequestResult[] = plan.map((a) => {
  const base = { arrival: a.index, step: 0, model: 'm', stream: true, scheduledMs: a.atMs, sentMs: a.atMs + 1 };
  if (a.index < 6) return { ...base, status: 200, ok: true, latencyMs: 3000 + a.index, ttftMs: 2900, coldStart: true, queueWaitMs: 2800 - a.index * 100, replica: 'm-1' };
  if (a.index < 8) return { ...base, status: 503, ok: false, latencyMs: 2, coldStart: false, errorCode: 'queue_full' };
  return { ...base, status: 200, ok: true, latencyMs: 120, ttftMs: 40, coldStart: false, queueWaitMs: 0, replica: 'm-1' };
});
const sample = (tMs: number, s: Partial<ReplicaSample>): ReplicaSample => ({ tMs, desired: 0, pending: 0, starting: 0, ready: 0, draining: 0, queued: 0, inflight: 0, ...s });
const replicaSamples = [
  sample(0, {}),
  sample(1000, { desired: 2, starting: 2, queued: 6 }),
  sample(2000, { desired: 2, starting: 1, ready: 1 }),
  sample(3000, { desired: 2, ready: 2 }),
  sample(6000, { desired: 1, ready: 1, draining: 1 }),
];

function run(over: Partial<RunResult> = {}): RunResult {
  const summary = summarize(results, {
    curve: 'unit <&> "curve"',
    target: 'http://gw:8080',
    model: 'm',
    seed: 3,
    timeScale: 0.01,
    durationS: 6,
    elapsedS: 6.2,
    plannedArrivals: plan.length,
    plannedRequests: plan.length,
    droppedArrivals: 0,
    droppedRequests: 0,
  });
  return { summary, results, plan, replicaSamples, adminErrors: 0, ...over };
}

const count = (html: string, re: RegExp): number => [...html.matchAll(new RegExp(re.source, 'g'))].length;

describe('summary table', () => {
  it('prints the run\'s numbers, one row each', () => {
    const text = formatSummary(run().summary);
    expect(text).toContain('12 sent of 12 planned');
    expect(text).toMatch(/ok +10 \(83\.3%\)/);
    expect(text).toMatch(/errors +2: queue_full 2/);
    expect(text).toMatch(/cold starts +6 requests waited for a replica to start \(50\.0%\)/);
    expect(text).toMatch(/cold-start wait +p50 2\.55s {2}p95 2\.77s {2}p99 2\.79s {2}max 2\.80s {2}\(n=6\)/);
    expect(text).toMatch(/TTFT +p50 2\.90s .*\(n=10\)/);
    expect(text).toMatch(/latency +p50 3\.00s .*max 3\.00s {2}\(n=10\)/);
    expect(text).toMatch(/rate +offered 2\.00\/s, achieved 2\.00\/s, ok 1\.61\/s/);
  });
});

describe('progress bar', () => {
  it('fills with elapsed time and counts what is in flight', () => {
    const line = formatProgress({ elapsedMs: 1500, durationMs: 6000, plannedRequests: 12, sent: 7, done: 4, inFlight: 3, failed: 1, dropped: 2 }, 20);
    expect(line).toBe('[#####...............]  25%  7/12 sent  3 in flight  1 failed  2 dropped  1.5s/6.0s');
    expect(formatProgress({ elapsedMs: 9000, durationMs: 6000, plannedRequests: 1, sent: 1, done: 1, inFlight: 0, failed: 0, dropped: 0 }, 4)).toMatch(/^\[####\] 100% /);
  });
});

describe('HTML report', () => {
  it('is one self-contained page: the summary, then load, replicas and latency on one time axis', () => {
    const html = renderHtmlReport(run());
    expect(html).not.toMatch(/<script|<link|<img|src="http/);
    expect(html).toContain('pilotlight loadtest: unit &#60;&#38;&#62; &#34;curve&#34;');
    expect(html).toContain(formatSummary(run().summary).split('\n')[2]?.replace(/"/g, '&#34;'));
    const titles = [...html.matchAll(/class="title">([^<]*)</g)].map((m) => m[1]);
    expect(titles).toHaveLength(3);
    expect(titles[0]).toMatch(/^Offered load/);
    expect(titles[1]).toMatch(/^Replicas: desired/);
    expect(titles[2]).toMatch(/^Latency/);
    // One x axis: the three lanes share their tick labels.
    const xlabs = [...html.matchAll(/class="xlab">([^<]*)</g)].map((m) => m[1]);
    expect(xlabs.length % 3).toBe(0);
    const third = xlabs.length / 3;
    expect(xlabs.slice(0, third)).toEqual(xlabs.slice(third, 2 * third));
    expect(xlabs.slice(0, third)).toEqual(xlabs.slice(2 * third));
  });

  it('draws every sampled replica state, each cold-start request and each failure', () => {
    const html = renderHtmlReport(run());
    for (const cls of ['desired', 'pending', 'starting', 'ready', 'draining']) expect(count(html, new RegExp(`<path d="M[^"]*" class="${cls}"/>`, 'g')), cls).toBe(1);
    // A step line: one horizontal-then-vertical move per sample after the first.
    const ready = /<path d="(M[^"]*)" class="ready"\/>/.exec(html)?.[1] ?? '';
    expect(count(ready, /V/g)).toBe(replicaSamples.length - 1);
    expect(count(html, /class="cold"/g)).toBe(6);
    expect(count(html, /class="faildot"/g)).toBe(2);
    expect(count(html, /class="offered"/g)).toBeGreaterThanOrEqual(2);
    for (const cls of ['ok', 'p50', 'p95', 'ttft']) expect(html, cls).toMatch(new RegExp(`<path d="M[^"]*" class="${cls}"/>`));
  });

  it('says when replicas were not sampled, and how many admin polls failed', () => {
    expect(renderHtmlReport(run({ replicaSamples: [] }))).toContain('Replicas: not sampled (pass --admin URL)');
    expect(renderHtmlReport(run({ adminErrors: 3 }))).toContain('3 admin API polls failed');
  });
});
