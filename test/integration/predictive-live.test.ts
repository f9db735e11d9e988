/**
 * The predictive policy live in the gateway, with modelsim replicas started
 * as processes: a burst every 5 s. Once it has learned the rhythm, it
 * releases the replica after each burst and starts one just ahead of the
 * next, so the burst's first request finds a ready replica. What it learned
 * survives a restart of the gateway (the embedded default's state file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { adminModel, metric, modelsimCommand, scrape, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'pilotlight-predictive-'));
const statePath = join(dir, 'state.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = `
autoscaler: { tickInterval: 100ms }
models:
  - name: bursty
    provider: { type: local, command: ${modelsimCommand('--startup-delay 800ms')}, probeInterval: 50ms }
    scaling:
      policy: predictive
      maxReplicas: 2
      targetConcurrency: 4
      scaledownWindow: 30s
      predictive: { coldStart: 1s, leadMargin: 500ms, minHistory: 3 }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function burst(gw: TestGateway): Promise<string[]> {
  const rs = await Promise.all(
    [0, 1, 2].map(() =>
      request(`${gw.v1}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'bursty', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }) }).then(async (r) => {
        await r.body.dump();
        if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
        return String(r.headers['x-pilotlight-cold-start']);
      }),
    ),
  );
  return rs;
}

describe('predictive warm-up, live', () => {
  let gw: TestGateway | undefined;

  it('learns a repeating burst and pre-warms ahead of it, releasing the replica in between', async () => {
    gw = await startTestGateway(CONFIG, { statePath });
    const cold: boolean[] = [];
    const idleBetween: boolean[] = [];
    for (let b = 0; b < 8; b++) {
      const t0 = performance.now();
      cold.push((await burst(gw)).includes('true'));
      await sleep(2500 - (performance.now() - t0));
      // Mid-gap: has the replica been released (not simply kept warm)?
      idleBetween.push((await adminModel(gw, 'bursty')).replicaList.length === 0);
      await sleep(5000 - (performance.now() - t0));
    }
    // The first bursts cold-start (nothing learned yet); the last three find a warm replica.
    expect(cold[0]).toBe(true);
    expect(cold.slice(-3)).toEqual([false, false, false]);
    // And the replica was released between those bursts: pre-warmed, not kept warm.
    expect(idleBetween.slice(-4, -1)).toEqual([true, true, true]);
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_scale_events_total', { model: 'bursty', direction: 'up', reason: 'prewarm' })).toBeGreaterThanOrEqual(3);
    expect(metric(text, 'pilotlight_forecast_concurrency', { model: 'bursty' })).toBeDefined();
    await gw.close();
    gw = undefined;
  });

  it('keeps what it learned across a restart', async () => {
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { models: Record<string, { policy: string; state: { gaps: { gaps: number[] }; coldStartMs: number } }> };
    const s = saved.models.bursty!;
    expect(s.policy).toBe('predictive');
    expect(s.state.gaps.gaps.length).toBeGreaterThanOrEqual(5);
    for (const g of s.state.gaps.gaps.slice(-3)) expect(g).toBeGreaterThan(4000); // ~5 s between bursts
    expect(s.state.coldStartMs).toBeGreaterThan(500);
    // A new gateway continues from it. Its first burst cold-starts (no replica
    // yet). A gateway that had learned nothing would now hold the replica for
    // the reactive fallback's 30 s scaledownWindow, through the whole 5 s gap,
    // so the next burst being warm alone proves nothing. Only the restored gap
    // model explains releasing the replica mid-gap and then pre-warming it
    // ahead of the next burst.
    gw = await startTestGateway(CONFIG, { statePath });
    const t0 = performance.now();
    await burst(gw);
    // Watch the gap through the admin API until just before the next burst.
    const seen: { ms: number; replicas: number; desired: number | undefined; reason: string | undefined }[] = [];
    while (performance.now() - t0 < 4900) {
      const m = await adminModel(gw, 'bursty');
      seen.push({ ms: Math.round(performance.now() - t0), replicas: m.replicaList.length, desired: m.desired, reason: m.lastScaleReason });
      await sleep(50);
    }
    await sleep(5000 - (performance.now() - t0));
    const timeline = seen.map((x) => `${x.ms}ms: ${x.replicas} replicas, desired ${x.desired} (${x.reason})`).join('\n');
    const released = seen.findIndex((x) => x.replicas === 0 && x.desired === 0);
    expect(released, `the replica should be released mid-gap (restored gap model), not held by the reactive fallback:\n${timeline}`).toBeGreaterThanOrEqual(0);
    expect(seen.slice(released).some((x) => x.desired === 1), `and started again after that, ahead of the next burst:\n${timeline}`).toBe(true);
    expect((await burst(gw)).includes('true')).toBe(false);
    // This gateway's own counters (a fresh registry): it released on the gap model and pre-warmed on it.
    const text = await scrape(gw);
    expect(metric(text, 'pilotlight_scale_events_total', { model: 'bursty', direction: 'down', reason: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'pilotlight_scale_events_total', { model: 'bursty', direction: 'up', reason: 'prewarm' })).toBeGreaterThanOrEqual(1);
    await gw.close();
  });
});
