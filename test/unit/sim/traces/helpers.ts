/** Shared helpers for the trace reader tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { TraceError, type Arrival, type Trace } from '../../../../src/sim/traces/index.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/traces/', import.meta.url));

export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

/** Where the full public traces live (present in CI too); see /work/shared/traces/README.md. */
export const TRACES_DIR = process.env['PILOTLIGHT_TRACES_DIR'] ?? '/work/shared/traces';

let scratch: string | undefined;

// Each test file gets its own module instance, so this removes that file's temporary traces.
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** Writes `content` to a fresh file (or `rel` path inside a fresh folder) and returns its path. */
export function tmpFile(rel: string, content: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'pilotlight-traces-'));
  const dir = mkdtempSync(join(scratch, 'case-'));
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function collect(trace: Trace): Arrival[] {
  return [...trace.arrivals()];
}

export function times(trace: Trace, model?: string): number[] {
  return collect(trace)
    .filter((a) => model === undefined || a.model === model)
    .map((a) => a.t);
}

/** The TraceError that fn throws (fails the test if it throws nothing or something else). */
export function traceError(fn: () => unknown): TraceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TraceError) return err;
    throw err;
  }
  throw new Error('expected a TraceError, nothing was thrown');
}

export function isSorted(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[i - 1]!) return false;
  return true;
}

/** First n items of an iterable, without consuming more. */
export function take<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const x of items) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}
