/**
 * `pilotlight simulate` as users run it (node dist/cli/main.js; vitest's
 * global setup builds dist): exit codes, and errors that name file and line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BAD = 'test/fixtures/sim/bad';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/cli/main.js', 'simulate', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pilotlight simulate: bad input exits 2 with the file and line', () => {
  it.each([
    [`${BAD}/AzureLLMInferenceTrace_columns.csv`, `${BAD}/AzureLLMInferenceTrace_columns.csv:1: expected columns TIMESTAMP,ContextTokens,GeneratedTokens, got TIMESTAMP,Context,Generated`],
    [`${BAD}/unsorted.csv`, `${BAD}/unsorted.csv:4: rows must be sorted by time: this row is at -0.500000 s, before line 3 at 1.000000 s`],
    [`${BAD}/empty.csv`, `${BAD}/empty.csv:1: empty file; expected a trace`],
    [`${BAD}/missing.csv`, `${BAD}/missing.csv`],
  ])('%s', async (file, message) => {
    const r = await cli('--trace', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pilotlight simulate: ${message}`);
  });

  it('sorts an unsorted log when asked to', async () => {
    const r = await cli('--trace', `${BAD}/unsorted.csv`, '--unsorted', 'sort', '--policies', 'oracle', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trace: { requests: 3, warnings: expect.arrayContaining([expect.stringContaining('sorted 3 rows')]) } });
  });

  it.each([
    [[], 'simulate needs --trace PATH'],
    [['--trace', 'x.csv', '--service', 'fast'], '--service: expected a time, a per-token time, or both'],
    [['--trace', 'x.csv', '--policies', 'keepalive-60s,magic'], 'unknown policy "magic"'],
    [['--trace', 'x.csv', '--cold-start', '1m', '--cold-start-profile', 'tiny'], '--cold-start and --cold-start-profile: give one of them'],
    [['--trace', 'x.csv', '--cold-start-profile', 'nope'], 'unknown profile "nope"'],
    [['--trace', 'x.csv', '--window', 'soon'], '--window: expected START-END'],
    [['--trace', 'x.csv', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('usage error %j', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('pilotlight simulate: a run', () => {
  it('prints one JSON document and writes a self-contained HTML report', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'pl-sim-')), 'report.html');
    const r = await cli('--trace', 'test/fixtures/sim/small.csv', '--policies', 'keepalive-60s,reactive,oracle', '--cold-start-profile', 'tiny', '--json', '--html', html);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { world: { coldStart: { medianMs: number } }; policies: { policy: string; coldStartFraction: number; gpuSeconds: number }[] };
    expect(doc.world.coldStart.medianMs).toBe(500); // the tiny profile's cold start
    expect(doc.policies.map((p) => p.policy)).toEqual(['keepalive-60s', 'reactive', 'oracle']);
    expect(doc.policies.every((p) => p.gpuSeconds > 0 && p.coldStartFraction >= 0)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)).toHaveLength(4);
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
