/**
 * Azure LLM inference trace 2023 (Splitwise, ISCA'24), e.g.
 * `AzureLLMInferenceTrace_code.csv`:
 *
 *   TIMESTAMP,ContextTokens,GeneratedTokens
 *   2023-11-16 18:17:03.9799600,4808,10
 *   2023-11-16 18:17:04.0319600,3180,8      -> t = 0.052 s
 *
 * One row is one request; t = seconds since the first row. No model column:
 * one model, named by options.defaultModel or from the file name
 * (`AzureLLMInferenceTrace_code.csv` -> `azure-llm-code`).
 */
import { basename } from 'node:path';
import { parseCount, splitCsv } from './fields.js';
import { readLines } from './line-reader.js';
import type { ResolvedOptions } from './options.js';
import { rowSource, type ModelNames, type Row } from './row-source.js';
import type { TraceSource } from './source.js';
import { TraceError } from './trace-error.js';
import { modelNameFromFile } from './model-names.js';
import { parseWallClock, secondsSince, type WallTime } from './wall-clock.js';

export const AZURE_LLM_COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const;

export function azureLlmSource(file: string, opts: ResolvedOptions): TraceSource {
  const model = opts.defaultModel ?? azureLlmModelName(file);
  return rowSource({
    format: 'azure-llm-2023',
    file,
    hasTokens: true,
    order: 'sorted',
    unsorted: opts.unsorted,
    parse: (models) => parseAzureLlm(file, model, models),
  });
}

/** `AzureLLMInferenceTrace_code_1week.csv` -> `azure-llm-code-1week`; other names are kebab-cased. */
export function azureLlmModelName(file: string): string {
  const m = /^AzureLLMInferenceTrace_(.+)\.csv$/i.exec(basename(file));
  return m ? `azure-llm-${modelNameFromFile(m[1] ?? '')}` : modelNameFromFile(file);
}

function* parseAzureLlm(file: string, model: string, models: ModelNames): Generator<Row> {
  const id = models.id(model);
  let origin: WallTime | undefined;
  for (const { text, line } of readLines(file)) {
    if (line === 1) {
      checkHeader(file, text);
      continue;
    }
    if (text.trim() === '') continue;
    const f = splitCsv(text);
    if (f.length !== 3) throw new TraceError(file, line, `expected 3 fields (${AZURE_LLM_COLUMNS.join(',')}), got ${f.length}`);
    const when = parseWallClock(f[0]!);
    if (!when) throw new TraceError(file, line, `column TIMESTAMP: expected a time like 2023-11-16 18:17:03.9799600, got ${JSON.stringify(f[0])}`);
    origin ??= when;
    const prompt = parseCount(f[1]!, { file, line, column: 'ContextTokens' });
    const output = parseCount(f[2]!, { file, line, column: 'GeneratedTokens' });
    yield { t: secondsSince(when, origin), model: id, prompt, output, line };
  }
}

function checkHeader(file: string, text: string): void {
  const got = splitCsv(text);
  if (got.length !== 3 || AZURE_LLM_COLUMNS.some((c, i) => got[i]?.toLowerCase() !== c.toLowerCase())) {
    throw new TraceError(file, 1, `expected columns ${AZURE_LLM_COLUMNS.join(',')}, got ${text.slice(0, 80)}`);
  }
}
