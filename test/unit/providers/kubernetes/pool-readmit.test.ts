/**
 * The pool side of a called-off scale-down: a replica the provider marked
 * draining and then reports ready again takes requests again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { modelFromYaml, PoolHarness } from '../../../helpers/pool-harness.js';

let h: PoolHarness;
afterEach(() => h?.close());

describe('ModelPool: draining -> ready', () => {
  it('routes to the replica again and accounts it idle, without a second cold start', async () => {
    h = new PoolHarness(modelFromYaml('models:\n  - name: m\n    scaling: { maxReplicas: 2 }\n'));
    h.replica('r1', 'starting');
    h.clock.advance(5000);
    h.replica('r1', 'ready');
    h.replica('r1', 'draining');
    expect(h.pool.admit()).toBeUndefined();
    h.replica('r1', 'ready');
    expect(h.pool.admit()?.endpoint.id).toBe('r1');
    const text = await h.registry.metrics();
    expect(text).toMatch(/^pilotlight_replica_cold_start_seconds_count\{model="m"\} 1$/m);
    expect(h.pool.status().replicaList.map((r) => r.state)).toEqual(['ready']);
  });
});
