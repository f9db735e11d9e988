/**
 * Format detection from a path: a folder, or a file named
 * chunk-<client>-trace.csv, is ServeGen; any other file is recognised by its
 * first non-blank line (a header, a JSON object, or a data row). Near
 * matches are claimed on purpose (a `TIMESTAMP` first column is Azure LLM
 * even if the other columns are wrong), so the reader reports the exact
 * column problem instead of "unknown format".
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { isDecimal, splitCsv } from './fields.js';
import { firstLine } from './line-reader.js';
import { looksLikeTimestamp, PLAIN_COLUMNS } from './plain-csv.js';
import { SERVEGEN_FILE, serveGenFiles } from './servegen-parse.js';
import { TraceError } from './trace-error.js';
import type { TraceFormat } from './types.js';

/** What each format looks like, in the order detection tries them (also the "tried" list of the error). */
export const FORMAT_SIGNATURES: Record<TraceFormat, string> = {
  'azure-llm-2023': 'CSV header TIMESTAMP,ContextTokens,GeneratedTokens',
  'azure-functions-2019': 'CSV header [HashOwner,HashApp,]HashFunction[,Trigger],<minute columns>',
  'azure-functions-2021': 'CSV header app,func,end_timestamp,duration',
  mooncake: 'JSON lines with timestamp, input_length, output_length',
  servegen: 'a folder of chunk-<client>-trace.csv, or one such file',
  csv: 'CSV timestamp[,model,prompt_tokens,output_tokens], header optional',
  jsonl: 'JSON lines with timestamp (or t)[, model, prompt_tokens, output_tokens]',
};

export function detectFormat(path: string): TraceFormat {
  let dir: boolean;
  try {
    dir = statSync(path).isDirectory();
  } catch (err) {
    throw new TraceError(path, undefined, `cannot read the trace: ${(err as Error).message}`, { cause: err });
  }
  if (dir) {
    serveGenFiles(path); // throws with a clear message when the folder has no client files
    return 'servegen';
  }
  if (SERVEGEN_FILE.test(basename(path))) return 'servegen';
  const first = firstLine(path);
  if (!first) throw new TraceError(path, 1, `empty file; expected a trace: ${tried()}`);
  const found = first.text.trimStart().startsWith('{') ? detectJson(first.text) : detectCsv(splitCsv(first.text));
  if (!found) throw new TraceError(path, first.line, `unknown trace format; tried ${tried()}; pass the format option to choose one`);
  return found;
}

function detectJson(text: string): TraceFormat | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  if ('input_length' in o || 'output_length' in o || 'hash_ids' in o) return 'mooncake';
  if ('timestamp' in o || 't' in o) return 'jsonl';
  return undefined;
}

function detectCsv(f: string[]): TraceFormat | undefined {
  const has = (name: string): boolean => f.includes(name);
  if (f[0] === 'TIMESTAMP' || has('ContextTokens') || has('GeneratedTokens')) return 'azure-llm-2023';
  if (has('HashFunction') || has('HashApp') || has('HashOwner')) return 'azure-functions-2019';
  if ((f[0] === 'app' && f[1] === 'func') || has('end_timestamp')) return 'azure-functions-2021';
  if (f.length === 6 && isDecimal(f[0] ?? '') && ['Gamma', 'Weibull', ''].includes(f[3] ?? '-')) return 'servegen';
  if (looksLikeTimestamp(f[0] ?? '')) return 'csv';
  const lower = f.map((x) => x.toLowerCase());
  if (lower.includes('t') || lower.some((x) => (PLAIN_COLUMNS as readonly string[]).includes(x))) return 'csv';
  return undefined;
}

function tried(): string {
  return Object.entries(FORMAT_SIGNATURES)
    .map(([name, looks]) => `${name} (${looks})`)
    .join(', ');
}
