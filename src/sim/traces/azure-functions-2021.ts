/**
 * Azure Functions invocation trace 2021 (Zhang et al., SOSP'21):
 *
 *   app,func,end_timestamp,duration
 *   7b2c...,e3cd...,0.07949090003967285,0.078     -> arrival 0.0014909 s, model e3cdb488
 *
 * One row is one invocation; arrival = end_timestamp - duration (seconds from
 * the trace's own start). Rows are ordered by completion, not arrival, so they
 * are always sorted in memory (stable: equal arrivals keep file order). Each
 * function is a model, named by the short id of `func` (first 8 hex chars,
 * longer only where two would collide), like Azure Functions 2019.
 */
import { parseDecimal, splitCsv } from './fields.js';
import { readLines } from './line-reader.js';
import { shortIds } from './model-names.js';
import { rowSource, type ModelNames, type Row } from './row-source.js';
import type { TraceSource } from './source.js';
import { TraceError } from './trace-error.js';

export const AZURE_2021_COLUMNS = ['app', 'func', 'end_timestamp', 'duration'] as const;

export function azureFunctions2021Source(file: string): TraceSource {
  const inner = rowSource({ format: 'azure-functions-2021', file, hasTokens: false, order: 'any', unsorted: 'sort', parse: (models) => parse2021(file, models) });
  return {
    ...inner,
    scan(startS, endS) {
      const scan = inner.scan(startS, endS);
      return { ...scan, models: shortIds(scan.models) };
    },
  };
}

function* parse2021(file: string, models: ModelNames): Generator<Row> {
  for (const { text, line } of readLines(file)) {
    if (line === 1) {
      const got = splitCsv(text);
      if (got.length !== 4 || AZURE_2021_COLUMNS.some((c, i) => got[i] !== c)) throw new TraceError(file, 1, `expected columns ${AZURE_2021_COLUMNS.join(',')}, got ${text.slice(0, 80)}`);
      continue;
    }
    if (text.trim() === '') continue;
    const f = splitCsv(text);
    if (f.length !== 4) throw new TraceError(file, line, `expected 4 fields (${AZURE_2021_COLUMNS.join(',')}), got ${f.length}`);
    if (f[1] === '') throw new TraceError(file, line, 'column func: expected a function id, got ""');
    const end = parseDecimal(f[2]!, { file, line, column: 'end_timestamp' });
    const duration = parseDecimal(f[3]!, { file, line, column: 'duration' });
    if (duration < 0) throw new TraceError(file, line, `column duration: expected seconds >= 0, got ${f[3]}`);
    yield { t: end - duration, model: models.id(f[1]!), prompt: -1, output: -1, line };
  }
}
