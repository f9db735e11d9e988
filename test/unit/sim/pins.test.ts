/**
 * The correctness pins: figures computed independently of this code base
 * (by the task's author, and re-derived in Python while writing it) for a
 * deliberately simple world: one replica per model, unlimited concurrency,
 * fixed service and cold-start times. Keep-alive: held from the arrival that
 * starts it until K after it last finished serving; requests arriving while
 * it starts wait. Oracle: held while serving, across gaps shorter than a
 * cold start, and one cold start before each longer gap's next arrival (and
 * before the first). The traces live in /work/shared/traces (CI has them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simPolicy } from '../../../src/sim/catalogue.js';
import { simulate, type SimulationResult } from '../../../src/sim/simulate.js';
import { loadTrace } from '../../../src/sim/traces/index.js';
import { TRACES_DIR, world } from './helpers.js';

/** Within 1 %, or within the rounding of the quoted figure (0.19 % quotes 2 decimals: +-0.005). */
function near(actual: number, quoted: number, decimals: number): void {
  const tolerance = Math.max(0.01 * Math.abs(quoted), 0.5 * 10 ** -decimals);
  expect(Math.abs(actual - quoted), `${actual} vs ${quoted}`).toBeLessThanOrEqual(tolerance);
}

function byName(r: SimulationResult, name: string) {
  const p = r.policies.find((x) => x.policy === name);
  if (!p) throw new Error(`no ${name}`);
  return p;
}

const POLICIES = ['keepalive-60s', 'keepalive-300s', 'keepalive-600s', 'oracle'].map(simPolicy);

describe('correctness pins', () => {
  it('the traces are present', () => {
    expect(existsSync(TRACES_DIR), `${TRACES_DIR} (set PILOTLIGHT_TRACES_DIR)`).toBe(true);
  });

  it('Azure Functions 2019 sample (500 functions as models), 120 s cold start, 1 s service', () => {
    const cols = loadTrace(join(TRACES_DIR, 'azure-functions-2019-sample/invocations.csv'));
    expect(cols.length).toBe(3_037_902);
    const r = simulate(cols, { policies: POLICIES, world: () => world({ coldMs: 120_000, serviceMs: 1000 }) });
    const k600 = byName(r, 'keepalive-600s').gpuSeconds;
    const ratio = (name: string): number => byName(r, name).gpuSeconds / k600;
    near(byName(r, 'keepalive-300s').coldStartFraction * 100, 0.92, 2);
    near(ratio('keepalive-300s'), 0.88, 2);
    near(byName(r, 'keepalive-60s').coldStartFraction * 100, 2.14, 2);
    near(ratio('keepalive-60s'), 0.63, 2);
    expect(byName(r, 'oracle').coldStartRequests).toBe(0);
    near(ratio('oracle'), 0.58, 2);
  }, 120_000);

  it('Azure LLM 2023 code trace, 30 s cold start, 0.2 s + 0.03 s per output token', () => {
    const cols = loadTrace(join(TRACES_DIR, 'azure-llm-2023/AzureLLMInferenceTrace_code.csv'));
    const r = simulate(cols, { policies: POLICIES, world: () => world({ coldMs: 30_000, serviceMs: 200, perTokenMs: 30 }) });
    near(byName(r, 'keepalive-60s').coldStartFraction * 100, 20.8, 1);
    near(byName(r, 'keepalive-60s').gpuSeconds, 2900, 0);
    near(byName(r, 'keepalive-300s').coldStartFraction * 100, 0.19, 2);
    near(byName(r, 'keepalive-300s').gpuSeconds, 3753, 0);
    expect(byName(r, 'oracle').coldStartFraction).toBe(0);
    near(byName(r, 'oracle').gpuSeconds, 2375, 0);
  });
});
