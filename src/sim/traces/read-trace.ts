/**
 * readTrace: detect the format, validate the options, scan the source once
 * (errors surface here, with file and line), resolve modelMap, and hand back
 * the info plus lazy generators of the arrivals.
 *
 *   const trace = readTrace('invocations.csv', { modelMap: { kind: 'top', n: 20 } });
 *   trace.info.models;                 // 21 names, the last one 'other'
 *   for (const a of trace.arrivals())  // { t, model } sorted by t, generated as you go
 */
import { azureFunctions2019Source } from './azure-functions-2019.js';
import { azureFunctions2021Source } from './azure-functions-2021.js';
import { azureLlmSource } from './azure-llm.js';
import { detectFormat } from './detect.js';
import { resolveModelMap } from './model-map.js';
import { mooncakeSource } from './mooncake.js';
import { checkFormatOption, resolveOptions, type ResolvedOptions, type TraceOptions } from './options.js';
import { runPipeline, tooMany } from './pipeline.js';
import { plainCsvSource } from './plain-csv.js';
import { plainJsonlSource } from './plain-jsonl.js';
import { serveGenSource } from './servegen.js';
import type { SourceScan, TraceSource } from './source.js';
import type { Arrival, ArrivalBatch, Trace, TraceFormat, TraceInfo } from './types.js';

export function readTrace(path: string, options: TraceOptions = {}): Trace {
  const format = checkFormatOption(path, options.format) ?? detectFormat(path);
  const opts = resolveOptions(path, options, format);
  const source = openSource(path, format, opts);
  const scan = source.scan(opts.startS, opts.endS);
  const map = resolveModelMap(path, scan.models, scan.counts, opts.modelMap);
  const info = describe(source, scan, map.names, map.index, opts);
  if (info.requests > opts.maxArrivals) throw tooMany({ file: path, maxArrivals: opts.maxArrivals }, info.requests);
  const keep = Uint8Array.from(map.index, (i) => (i >= 0 ? 1 : 0));
  const batches = (): Iterable<ArrivalBatch> =>
    runPipeline(source.batches({ startS: opts.startS, endS: opts.endS, keep, rateScale: opts.rateScale, seed: opts.seed }), {
      file: path,
      map: map.index,
      startS: opts.startS,
      endS: opts.endS,
      timeScale: opts.timeScale,
      rateScale: source.scalesRate ? 1 : opts.rateScale,
      seed: opts.seed,
      maxArrivals: opts.maxArrivals,
      withTokens: info.hasTokens,
    });
  return { info, batches, arrivals: () => toArrivals(batches(), info.models) };
}

function openSource(path: string, format: TraceFormat, opts: ResolvedOptions): TraceSource {
  switch (format) {
    case 'azure-llm-2023':
      return azureLlmSource(path, opts);
    case 'azure-functions-2019':
      return azureFunctions2019Source(path);
    case 'azure-functions-2021':
      return azureFunctions2021Source(path);
    case 'mooncake':
      return mooncakeSource(path, opts);
    case 'servegen':
      return serveGenSource(path);
    case 'csv':
      return plainCsvSource(path, opts);
    case 'jsonl':
      return plainJsonlSource(path, opts);
  }
}

function describe(source: TraceSource, scan: SourceScan, models: string[], index: Int32Array, opts: ResolvedOptions): TraceInfo {
  let kept = 0;
  for (let i = 0; i < index.length; i++) if (index[i]! >= 0) kept += scan.counts[i]!;
  const exact = scan.exact && opts.rateScale === 1;
  const requests = Math.round(kept * opts.rateScale);
  const spanS = Math.max(0, Math.min(opts.endS, scan.spanS) - opts.startS) * opts.timeScale;
  const warnings = [...scan.warnings];
  if (requests === 0) warnings.push('no arrivals in the selected window and models');
  return { format: source.format, file: source.file, models, sourceModels: scan.models.length, requests, requestsExact: exact, spanS, hasTokens: scan.hasTokens, warnings };
}

/** Batches to Arrival objects. Token keys are present only when recorded. */
export function* toArrivals(batches: Iterable<ArrivalBatch>, models: readonly string[]): Generator<Arrival> {
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const a: Arrival = { t: b.t[i]!, model: models[b.model[i]!]! };
      const p = b.promptTokens?.[i] ?? -1;
      const o = b.outputTokens?.[i] ?? -1;
      if (p >= 0) a.promptTokens = p;
      if (o >= 0) a.outputTokens = o;
      yield a;
    }
  }
}
