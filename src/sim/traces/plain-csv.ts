/**
 * Plain CSV: `timestamp[,model,prompt_tokens,output_tokens]`, one request
 * per row, sorted by time.
 *
 *   timestamp,model,prompt_tokens,output_tokens      (header optional)
 *   0.0,llama-8b,512,128
 *   0.25,,300,                                       -> defaultModel, no output tokens
 *
 * With a header the columns may come in any order and any subset that has a
 * timestamp (`timestamp` or `t`); unknown column names are errors, so a typo
 * does not silently drop a column. Without a header, fields are positional.
 * A header is recognised by its first field not being a timestamp.
 */
import { isDecimal, parseOptionalCount, splitCsv } from './fields.js';
import { readLines } from './line-reader.js';
import { modelNameFromFile } from './model-names.js';
import type { ResolvedOptions } from './options.js';
import { PlainClock } from './plain-time.js';
import { rowSource, type ModelNames, type Row } from './row-source.js';
import type { TraceSource } from './source.js';
import { TraceError } from './trace-error.js';
import { parseWallClock } from './wall-clock.js';

export const PLAIN_COLUMNS = ['timestamp', 'model', 'prompt_tokens', 'output_tokens'] as const;
type Column = (typeof PLAIN_COLUMNS)[number];

export function plainCsvSource(file: string, opts: ResolvedOptions): TraceSource {
  const model = opts.defaultModel ?? modelNameFromFile(file);
  return rowSource({ format: 'csv', file, hasTokens: true, order: 'sorted', unsorted: opts.unsorted, parse: (models) => parseCsv(file, opts, model, models) });
}

/** True when a first field looks like data, i.e. the file has no header. */
export function looksLikeTimestamp(field: string): boolean {
  return isDecimal(field) || parseWallClock(field) !== undefined;
}

function* parseCsv(file: string, opts: ResolvedOptions, defaultModel: string, models: ModelNames): Generator<Row> {
  const clock = new PlainClock(file, opts.timestampUnit);
  let columns: readonly Column[] | undefined;
  let headed = false;
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const f = splitCsv(text);
    if (columns === undefined) {
      headed = !looksLikeTimestamp(f[0] ?? '');
      columns = headed ? headerColumns(file, line, f) : PLAIN_COLUMNS;
      if (headed) continue;
    }
    if (headed ? f.length !== columns.length : f.length > columns.length) {
      throw new TraceError(file, line, `expected ${headed ? '' : 'at most '}${columns.length} fields (${columns.join(',')}), got ${f.length}`);
    }
    yield rowFrom(file, line, f, columns, clock, models, defaultModel);
  }
}

function rowFrom(file: string, line: number, f: string[], columns: readonly Column[], clock: PlainClock, models: ModelNames, defaultModel: string): Row {
  const get = (c: Column): string | undefined => {
    const i = columns.indexOf(c);
    return i < 0 ? undefined : f[i];
  };
  const t = clock.seconds(get('timestamp') ?? '', line, 'column timestamp');
  const name = get('model');
  return {
    t,
    model: models.id(name === undefined || name === '' ? defaultModel : name),
    prompt: parseOptionalCount(get('prompt_tokens'), { file, line, column: 'prompt_tokens' }),
    output: parseOptionalCount(get('output_tokens'), { file, line, column: 'output_tokens' }),
    line,
  };
}

function headerColumns(file: string, line: number, names: string[]): Column[] {
  const expected = `expected a header of timestamp[,model,prompt_tokens,output_tokens] (or a first row starting with a timestamp)`;
  const out: Column[] = [];
  for (const raw of names) {
    const n = raw.toLowerCase() === 't' ? 'timestamp' : raw.toLowerCase();
    if (!(PLAIN_COLUMNS as readonly string[]).includes(n)) throw new TraceError(file, line, `unknown column ${JSON.stringify(raw)}; ${expected}`);
    if (out.includes(n as Column)) throw new TraceError(file, line, `column ${JSON.stringify(raw)} appears twice`);
    out.push(n as Column);
  }
  if (!out.includes('timestamp')) throw new TraceError(file, line, `no timestamp column; ${expected}`);
  return out;
}
