/**
 * Mooncake (Kimi) FAST'25 traces, JSON lines:
 *
 *   {"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, ...]}
 *
 * `timestamp` is milliseconds from trace start (kept as the origin). The
 * published timestamps are quantised to ~3 s steps (1,180 distinct values for
 * 12,031 requests), so replayed as-is every step would be one burst. With
 * spreadQuantized (default) the k rows sharing timestamp T are spread over the
 * step to the next distinct timestamp T' with the midpoint rule used for Azure
 * Functions minutes:
 *
 *   t_i = T + step * (i + 0.5) / k,   i = 0..k-1 in file order,
 *   step = min(T' - T, T - T_prev)
 *
 * The min keeps a real silence silent: after a gap longer than the quantum,
 * the group before it still spreads over one quantum only. The last group uses
 * the previous step; a file with one distinct timestamp is left as it is.
 * Example: 3 rows at 0 ms, next distinct 3000 ms -> 0.5 s, 1.5 s, 2.5 s.
 */
import { basename } from 'node:path';
import { readLines } from './line-reader.js';
import { modelNameFromFile } from './model-names.js';
import type { ResolvedOptions } from './options.js';
import { rowSource, type ModelNames, type Row } from './row-source.js';
import type { TraceSource } from './source.js';
import { TraceError } from './trace-error.js';

export function mooncakeSource(file: string, opts: ResolvedOptions): TraceSource {
  const model = opts.defaultModel ?? mooncakeModelName(file);
  return rowSource({
    format: 'mooncake',
    file,
    hasTokens: true,
    order: 'sorted',
    unsorted: opts.unsorted,
    parse: (models) => parseMooncake(file, model, models),
    ...(opts.spreadQuantized ? { transform: spreadQuantized } : {}),
  });
}

/** `conversation_trace.jsonl` -> `mooncake-conversation`. */
export function mooncakeModelName(file: string): string {
  const base = modelNameFromFile(basename(file)).replace(/-trace$/, '');
  return base.startsWith('mooncake') ? base : `mooncake-${base}`;
}

function* parseMooncake(file: string, model: string, models: ModelNames): Generator<Row> {
  const id = models.id(model);
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const o = parseJsonObject(file, line, text);
    const ms = o['timestamp'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TraceError(file, line, `key timestamp: expected milliseconds >= 0, got ${JSON.stringify(ms)}`);
    yield { t: ms / 1000, model: id, prompt: tokenKey(file, line, o, 'input_length'), output: tokenKey(file, line, o, 'output_length'), line };
  }
}

export function parseJsonObject(file: string, line: number, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new TraceError(file, line, `invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TraceError(file, line, 'expected a JSON object per line');
  return v as Record<string, unknown>;
}

function tokenKey(file: string, line: number, o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TraceError(file, line, `key ${key}: expected a token count (integer >= 0), got ${JSON.stringify(v)}`);
  return v;
}

/** The spreading rule above, streaming with one group of lookahead. */
export function* spreadQuantized(rows: Iterable<Row>): Generator<Row> {
  let group: Row[] = [];
  let prevStep = Infinity;
  for (const r of rows) {
    const head = group[0];
    if (head !== undefined && r.t !== head.t) {
      const nextStep = r.t - head.t;
      yield* spreadGroup(group, Math.min(nextStep, prevStep));
      prevStep = nextStep;
      group = [];
    }
    group.push(r);
  }
  yield* spreadGroup(group, prevStep === Infinity ? 0 : prevStep);
}

function* spreadGroup(group: Row[], stepS: number): Generator<Row> {
  const k = group.length;
  for (let i = 0; i < k; i++) {
    const r = group[i]!;
    yield { ...r, t: r.t + (stepS * (i + 0.5)) / k };
  }
}
