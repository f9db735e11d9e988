/**
 * Golden files: `pilotlight simulate` on a small fixed trace must print the
 * same bytes (text table and JSON) as the committed files. A difference
 * means a behaviour change: review it, then regenerate with
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/sim/golden.test.ts
 * The policy list is explicit so that registering a new policy in POLICIES
 * does not change these files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../../src/cli/simulate.js';

const ARGS = [
  '--trace', 'test/fixtures/sim/small.csv',
  '--policies', 'keepalive-60s,keepalive-300s,keepalive-600s,knative,keda-http,dedicated,oracle,reactive,predictive',
  '--cold-start', '30s', '--cold-start-sigma', '0.3', '--concurrency', '4', '--max-replicas', '4', '--seed', '7',
];

async function stdoutOf(argv: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    expect(await simulateCommand(argv)).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out;
}

function checkGolden(file: string, actual: string): void {
  const path = `test/fixtures/sim/golden/${file}`;
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, actual);
  const expected = readFileSync(path, 'utf8');
  expect(actual, `${path} differs from this run: review the change, then regenerate with UPDATE_GOLDEN=1 npx vitest run test/unit/sim/golden.test.ts`).toBe(expected);
}

describe('golden report of test/fixtures/sim/small.csv', () => {
  afterEach(() => vi.restoreAllMocks());

  it('text table', async () => {
    checkGolden('small.txt', await stdoutOf(ARGS));
  });

  it('JSON', async () => {
    const json = await stdoutOf([...ARGS, '--json']);
    checkGolden('small.json', json);
    const doc = JSON.parse(json) as { policies: { policy: string; coldStartFraction: number; gpuSeconds: number }[] };
    expect(doc.policies.map((p) => p.policy)).toEqual(ARGS[3]?.split(','));
    for (const p of doc.policies) expect(typeof p.coldStartFraction === 'number' && typeof p.gpuSeconds === 'number').toBe(true);
  });
});
