/**
 * Plain JSON lines, one request per line, sorted by time:
 *
 *   {"timestamp": 0.0, "model": "llama-8b", "prompt_tokens": 512, "output_tokens": 128}
 *   {"t": "2024-05-10T12:00:00.25Z"}                 -> defaultModel, no tokens
 *
 * Keys: `timestamp` or `t` (exactly one), optional `model`, `prompt_tokens`,
 * `output_tokens`. Other keys are errors, so a misspelt key is caught rather
 * than silently ignored.
 */
import { readLines } from './line-reader.js';
import { parseJsonObject } from './mooncake.js';
import { modelNameFromFile } from './model-names.js';
import type { ResolvedOptions } from './options.js';
import { PlainClock } from './plain-time.js';
import { rowSource, type ModelNames, type Row } from './row-source.js';
import type { TraceSource } from './source.js';
import { TraceError } from './trace-error.js';

export const PLAIN_JSONL_KEYS = ['timestamp', 't', 'model', 'prompt_tokens', 'output_tokens'] as const;

export function plainJsonlSource(file: string, opts: ResolvedOptions): TraceSource {
  const model = opts.defaultModel ?? modelNameFromFile(file);
  return rowSource({ format: 'jsonl', file, hasTokens: true, order: 'sorted', unsorted: opts.unsorted, parse: (models) => parseJsonl(file, opts, model, models) });
}

function* parseJsonl(file: string, opts: ResolvedOptions, defaultModel: string, models: ModelNames): Generator<Row> {
  const clock = new PlainClock(file, opts.timestampUnit);
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const o = parseJsonObject(file, line, text);
    for (const k of Object.keys(o)) {
      if (!(PLAIN_JSONL_KEYS as readonly string[]).includes(k)) throw new TraceError(file, line, `unknown key ${JSON.stringify(k)}; expected ${PLAIN_JSONL_KEYS.join(', ')}`);
    }
    if (('timestamp' in o) === ('t' in o)) throw new TraceError(file, line, 'expected exactly one of the keys timestamp, t');
    const key = 'timestamp' in o ? 'timestamp' : 't';
    const t = clock.seconds(o[key], line, `key ${key}`);
    const name = o['model'];
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TraceError(file, line, `key model: expected a non-empty string, got ${JSON.stringify(name)}`);
    yield { t, model: models.id(name ?? defaultModel), prompt: tokens(file, line, o, 'prompt_tokens'), output: tokens(file, line, o, 'output_tokens'), line };
  }
}

function tokens(file: string, line: number, o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) return -1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new TraceError(file, line, `key ${key}: expected a token count (integer >= 0), got ${JSON.stringify(v)}`);
  return v;
}
