/**
 * A whole trace in typed arrays: what the simulator replays when speed
 * matters. 10–20 bytes per arrival (8 time, 2 or 4 model, 2×4 tokens when
 * the format has them), against ~100 for an Arrival object; the Azure
 * Functions sample (3.04 M arrivals, no tokens) is ~30 MB.
 */
import { GrowableColumns } from './columns.js';
import { readTrace } from './read-trace.js';
import type { TraceOptions } from './options.js';
import type { ArrivalColumns, Trace } from './types.js';

/** Reads every arrival of `trace` into columns (bounded by its maxArrivals). */
export function materializeTrace(trace: Trace): ArrivalColumns {
  const { info } = trace;
  // Pre-size from the scan; an inexact estimate just means one more doubling.
  const cols = new GrowableColumns(info.hasTokens, Math.min(info.requests + 16, 1 << 26));
  for (const b of trace.batches()) cols.append(b);
  cols.trim();
  const model = info.models.length <= 0x10000 ? Uint16Array.from(cols.model) : cols.model;
  // The scan's count may be an expectation (ServeGen, rateScale != 1): report what was generated.
  const exact = { ...info, requests: cols.length, requestsExact: true };
  return { info: exact, length: cols.length, t: cols.t, model, promptTokens: cols.promptTokens, outputTokens: cols.outputTokens };
}

/** readTrace + materializeTrace. */
export function loadTrace(path: string, options: TraceOptions = {}): ArrivalColumns {
  return materializeTrace(readTrace(path, options));
}
