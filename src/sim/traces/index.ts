/**
 * The public face of the trace readers (docs/traces.md). The simulator needs
 * only these; the per-format files are internals.
 */
export { readTrace } from './read-trace.js';
export { loadTrace, materializeTrace } from './materialize.js';
export { detectFormat, FORMAT_SIGNATURES } from './detect.js';
export { minuteArrivalS } from './azure-functions-2019.js';
export { TraceError } from './trace-error.js';
export { DEFAULT_MAX_ARRIVALS, type ModelMapSpec, type TraceOptions, type TraceWindow } from './options.js';
export { TRACE_FORMATS, type Arrival, type ArrivalBatch, type ArrivalColumns, type Trace, type TraceFormat, type TraceInfo } from './types.js';
