/**
 * The predictive policy's goals, checked on real traffic: the 500-function
 * Azure Functions sample in the pinned world (one replica per function,
 * unlimited concurrency, 1 s of service, 120 s cold start).
 *
 * - Pareto-dominates fixed keep-alive 300 s and Knative KPA: no more
 *   cold-start-delayed requests, no more GPU-seconds.
 * - At most a third of keep-alive 300 s's cold-start-delayed requests,
 *   counting those after each function's first cold start (the first is
 *   unavoidable for every policy without history: 14,371 requests, 0.47 % of
 *   the trace, more than a third of keep-alive 300 s's total on their own).
 * - Within 1.3 x the oracle's GPU-seconds.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simPolicy } from '../../../src/sim/catalogue.js';
import { simulate } from '../../../src/sim/simulate.js';
import { loadTrace } from '../../../src/sim/traces/index.js';
import { TRACES_DIR, world } from './helpers.js';

describe('predictive policy on the Azure Functions sample', () => {
  it('dominates keep-alive 300 s and Knative, with a third of the avoidable cold starts, near the oracle', () => {
    const cols = loadTrace(join(TRACES_DIR, 'azure-functions-2019-sample/invocations.csv'));
    const r = simulate(cols, {
      policies: ['keepalive-300s', 'knative', 'oracle', 'predictive'].map(simPolicy),
      world: () => world({ coldMs: 120_000, serviceMs: 1000, scaling: { policy: 'predictive' } }),
    });
    const by = (n: string) => r.policies.find((p) => p.policy === n)!;
    const [ka, kn, or, pr] = [by('keepalive-300s'), by('knative'), by('oracle'), by('predictive')];
    for (const base of [ka, kn]) {
      expect(pr.coldStartRequests).toBeLessThanOrEqual(base.coldStartRequests);
      expect(pr.gpuSeconds).toBeLessThanOrEqual(base.gpuSeconds);
    }
    // The first cold start of every function is the same for all of them.
    expect(ka.coldStartRequests - ka.coldStartRequestsAfterFirst).toBe(14_371);
    expect(pr.coldStartRequests - pr.coldStartRequestsAfterFirst).toBe(14_371);
    expect(pr.coldStartRequestsAfterFirst).toBeLessThanOrEqual(ka.coldStartRequestsAfterFirst / 3);
    expect(pr.gpuSeconds).toBeLessThanOrEqual(1.3 * or.gpuSeconds);
  }, 240_000);
});
