/**
 * The predictive policy must not flap inside a busy stretch. Every minute a
 * burst of 12 requests (3 replicas at 4 each) is followed by single requests
 * 10 s apart; between them the model is idle for a few seconds, far shorter
 * than the 35 s warm-up lead. Keeping warm through such a pause must not drop
 * below what the reactive policy still holds: before the fix it fell to the
 * learned typical peak (~1) at every pause, cancelling the replicas the burst
 * had started, only for the next burst to start them again (186 starts in 40
 * minutes against the reactive policy's 14).
 */
import { describe, expect, it } from 'vitest';
import { simPolicy } from '../../../src/sim/catalogue.js';
import { simulate } from '../../../src/sim/simulate.js';
import { columns, world } from './helpers.js';

function trace(): [number, string][] {
  const rows: [number, string][] = [[0, 'm']];
  for (let c = 0; c < 40; c++) {
    const t0 = 200 + c * 60;
    for (let i = 0; i < 12; i++) rows.push([t0 + i * 0.01, 'm']);
    for (let k = 1; k < 6; k++) rows.push([t0 + 10 * k, 'm']);
  }
  return rows;
}

describe('predictive policy inside a busy stretch', () => {
  it('keeps the replicas a burst started through short pauses instead of cancelling and restarting them', () => {
    const r = simulate(columns(trace()), {
      policies: ['reactive', 'predictive'].map(simPolicy),
      world: () => world({ coldMs: 30_000, serviceMs: 3000, cap: 4, maxReplicas: 10, scaling: { targetConcurrency: 4 } }),
    });
    const [reactive, predictive] = r.policies;
    expect(reactive?.replicaStarts).toBe(14);
    // 1 for the first request, 3 for the first burst, and a few more as the
    // learned model settles: nowhere near one set per pause.
    expect(predictive?.replicaStarts).toBeLessThanOrEqual(reactive?.replicaStarts ?? 0);
    expect(predictive?.coldStartRequests).toBe(reactive?.coldStartRequests);
    expect(predictive?.gpuSeconds).toBeLessThan(reactive?.gpuSeconds ?? 0);
  });
});
