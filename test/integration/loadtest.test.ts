/**
 * The built-in load runner against a real gateway with modelsim replicas: a
 * burst at zero (cold start, queue overflow) then a steady rate. The runner's
 * counts must equal the gateway's own metrics exactly: both count the same
 * requests, one from each end of the wire.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurveFile } from '../../src/loadtest/curve.js';
import { runLoadtest } from '../../src/loadtest/runner.js';
import type { Summary } from '../../src/loadtest/summary.js';
import { modelsimCommand, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const run = promisify(execFile);
let gw: TestGateway;
let dir: string;

/** Sum of a metric's samples whose labels include `labels` (e.g. every code of one model). */
function total(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

beforeAll(async () => {
  gw = await startTestGateway(`
models:
  - name: lt
    provider:
      type: local
      command: ${modelsimCommand('--startup-delay 1500ms')}
      probeInterval: 100ms
    scaling: { maxReplicas: 2, targetConcurrency: 4, maxConcurrencyPerReplica: 8, scaledownWindow: 60s }
    queue: { maxPending: 10, timeout: 30s }
`);
  dir = mkdtempSync(join(tmpdir(), 'pilotlight-loadtest-'));
  // 20 requests within 300 ms at zero replicas: 10 wait for the cold start
  // (queue.maxPending 10), 10 are refused with queue_full. Then 8/s for 3 s.
  writeFileSync(
    join(dir, 'curve.json'),
    JSON.stringify({
      name: 'it-burst',
      duration: '5s',
      request: { model: 'lt', stream: 0.5, promptTokens: 40, outputTokens: 8 },
      bursts: [{ at: '0s', requests: 20, over: '300ms' }],
      segments: [{ start: '2s', duration: '3s', rate: 8 }],
    }),
  );
});

afterAll(async () => {
  await gw?.close();
});

describe('pilotlight loadtest against a gateway', () => {
  it('reports the same requests, errors and cold starts as the gateway counts', async () => {
    const before = await scrape(gw);
    expect(total(before, 'pilotlight_requests_total', { model: 'lt' })).toBe(0);
    const result = await runLoadtest({ curve: loadCurveFile(join(dir, 'curve.json')), target: gw.v1, adminUrl: gw.adminUrl, seed: 11 });
    const s = result.summary;
    const text = await scrape(gw);

    expect(s.requests.sent).toBe(s.plannedRequests);
    expect(s.droppedRequests).toBe(0);
    expect(total(text, 'pilotlight_requests_total', { model: 'lt' })).toBe(s.requests.sent);
    expect(total(text, 'pilotlight_requests_total', { model: 'lt', code: '200' })).toBe(s.requests.ok);
    expect(total(text, 'pilotlight_requests_total', { model: 'lt', code: '503' })).toBe(s.errors.byStatus['503'] ?? 0);
    // The burst overflowed the queue, and exactly those requests were refused.
    expect(s.errors.byCode.queue_full).toBeGreaterThan(0);
    expect(total(text, 'pilotlight_errors_total', { model: 'lt', code: 'queue_full' })).toBe(s.errors.byCode.queue_full);
    expect(total(text, 'pilotlight_errors_total', { model: 'lt' })).toBe(s.requests.failed);
    // The rest of the burst waited for the first replica.
    expect(s.coldStarts.count).toBeGreaterThan(0);
    expect(total(text, 'pilotlight_cold_start_requests_total', { model: 'lt' })).toBe(s.coldStarts.count);
    expect(total(text, 'pilotlight_cold_start_wait_seconds_count', { model: 'lt' })).toBe(s.coldStarts.count);
    // Their waits (x-pilotlight-queue-wait-ms, whole ms) are the gateway's
    // cold-start-wait observations: the same sum, the same histogram.
    const waitsS = result.results.filter((r) => r.coldStart && r.replica !== undefined).map((r) => (r.queueWaitMs ?? NaN) / 1000);
    expect(waitsS).toHaveLength(s.coldStarts.count);
    expect(s.coldStarts.waitMs.p50).toBeGreaterThan(1000); // the modelsim replica takes 1.5 s to start
    const waitSum = total(text, 'pilotlight_cold_start_wait_seconds_sum', { model: 'lt' });
    expect(Math.abs(waitsS.reduce((a, b) => a + b, 0) - waitSum)).toBeLessThanOrEqual(0.0005 * waitsS.length + 1e-6);
    for (const le of ['0.5', '1', '2', '5', '10']) {
      expect(waitsS.filter((w) => w <= Number(le)).length, `cold-start waits <= ${le}s`).toBe(total(text, 'pilotlight_cold_start_wait_seconds_bucket', { model: 'lt', le }));
    }
    // The summary's mean wait, times the count, is the gateway's sum.
    expect(Math.abs(((s.coldStarts.waitMs.mean ?? NaN) * s.coldStarts.count) / 1000 - waitSum)).toBeLessThanOrEqual(0.0005 * waitsS.length + 1e-6);
    // Latency: the client's interval (sent -> last byte) holds the gateway's
    // (received -> finished) for every request, so the runner's total is at
    // least the gateway's, and not much more (loopback, one process).
    const gwLatencyS = total(text, 'pilotlight_request_duration_seconds_sum', { model: 'lt' });
    const runnerLatencyS = result.results.reduce((a, r) => a + r.latencyMs, 0) / 1000;
    expect(total(text, 'pilotlight_request_duration_seconds_count', { model: 'lt' })).toBe(s.requests.sent);
    expect(runnerLatencyS).toBeGreaterThanOrEqual(gwLatencyS - 0.001 * s.requests.sent);
    expect(runnerLatencyS - gwLatencyS).toBeLessThanOrEqual(0.25 * s.requests.sent);
    expect(s.latencyMs.count).toBe(s.requests.ok);
    expect(s.latencyMs.p50 ?? 0).toBeGreaterThan(0);
    // Streamed requests got a first token; the admin API saw the replica start and come up.
    expect(s.ttftMs.count).toBe(result.results.filter((r) => r.ok && r.stream).length);
    expect(s.ttftMs.count).toBeGreaterThan(0);
    expect(result.replicaSamples.some((p) => p.starting > 0 || p.pending > 0)).toBe(true);
    expect(Math.max(...result.replicaSamples.map((p) => p.ready))).toBeGreaterThan(0);
    expect(result.adminErrors).toBe(0);
  });

  it('the CLI prints the summary as JSON and writes a self-contained HTML report', async () => {
    const before = await scrape(gw);
    const html = join(dir, 'report.html');
    const { stdout, stderr } = await run(process.execPath, ['dist/cli/main.js', 'loadtest', '--curve', join(dir, 'curve.json'), '--target', gw.apiUrl, '--admin', gw.adminUrl, '--time-scale', '0.5', '--seed', '4', '--json', '--html', html]);
    expect(stderr).toBe(''); // not a TTY: no progress bar
    const s = JSON.parse(stdout) as Summary;
    const after = await scrape(gw);
    const delta = (labels: Record<string, string>): number => total(after, 'pilotlight_requests_total', labels) - total(before, 'pilotlight_requests_total', labels);
    expect(s).toMatchObject({ curve: 'it-burst', model: 'lt', seed: 4, timeScale: 0.5, durationS: 2.5 });
    expect(delta({ model: 'lt' })).toBe(s.requests.sent);
    expect(delta({ model: 'lt', code: '200' })).toBe(s.requests.ok);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('Replicas: desired');
    expect(page).toContain(`${s.requests.sent} sent of ${s.plannedRequests} planned`);
    expect(page).not.toMatch(/<script|<link|src="http/);
  });

  it('counts errors by OpenAI code: an unknown model is model_not_found, as the gateway counts it', async () => {
    const before = await scrape(gw);
    const { stdout } = await run(process.execPath, ['dist/cli/main.js', 'loadtest', '--curve', join(dir, 'curve.json'), '--target', gw.apiUrl, '--model', 'no-such-model', '--time-scale', '0.2', '--json']);
    const s = JSON.parse(stdout) as Summary;
    const after = await scrape(gw);
    expect(s.requests.ok).toBe(0);
    expect(s.errors.byCode).toEqual({ model_not_found: s.requests.sent });
    // Requests for no model are counted without a model label.
    const count = (t: string): number => total(t, 'pilotlight_errors_total', { model: '', code: 'model_not_found' });
    expect(count(after) - count(before)).toBe(s.requests.sent);
  });

  it('rejects a bad curve with the file and field, exit code 2', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'b', bursts: [{ at: 'noon', requests: 5 }] }));
    const err = await run(process.execPath, ['dist/cli/main.js', 'loadtest', '--curve', join(dir, 'bad.json'), '--target', gw.apiUrl]).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain(`${join(dir, 'bad.json')}: bursts[0].at: expected a duration like "90s"`);
  });
});
