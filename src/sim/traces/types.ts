/**
 * The shapes every trace reader produces. A trace, whatever its file format,
 * becomes one stream of arrivals sorted by `t`, described by a `TraceInfo`.
 * docs/traces.md documents each format and option.
 */

export const TRACE_FORMATS = [
  'azure-llm-2023',
  'azure-functions-2019',
  'azure-functions-2021',
  'mooncake',
  'servegen',
  'csv',
  'jsonl',
] as const;

export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** One request arrival. Tokens are absent when the trace does not record them. */
export interface Arrival {
  /** Seconds from the start of the replay (trace start, or window start), after timeScale. */
  t: number;
  model: string;
  promptTokens?: number;
  outputTokens?: number;
}

export interface TraceInfo {
  format: TraceFormat;
  /** The path that was read (a folder for ServeGen). */
  file: string;
  /** Output model names after modelMap; an arrival's model index points here. */
  models: string[];
  /** Functions / clients / models in the source before modelMap. */
  sourceModels: number;
  /**
   * Arrivals that arrivals() yields. Exact when `requestsExact`; otherwise the
   * expected value (ServeGen generates arrivals; rateScale != 1 is random).
   */
  requests: number;
  requestsExact: boolean;
  /** Length of the replayed span in seconds (window and timeScale applied). */
  spanS: number;
  /** Whether arrivals carry promptTokens/outputTokens. */
  hasTokens: boolean;
  /** Things the reader did that a user should know about (e.g. sorted rows). */
  warnings: string[];
}

/**
 * Arrivals in columnar form, a chunk at a time. Internal currency between the
 * readers and the pipeline: typed arrays keep a 3 M-arrival replay free of
 * per-arrival objects. Tokens use -1 for "not recorded".
 */
export interface ArrivalBatch {
  length: number;
  t: Float64Array;
  model: Uint32Array;
  promptTokens: Int32Array | undefined;
  outputTokens: Int32Array | undefined;
}

export interface Trace {
  info: TraceInfo;
  /** Lazily generated arrivals, sorted by t. Each call starts a fresh pass. */
  arrivals(): Iterable<Arrival>;
  /** The same stream as columnar chunks; model is an index into info.models. */
  batches(): Iterable<ArrivalBatch>;
}

/** A whole trace in typed arrays, for fast replay (see materializeTrace). */
export interface ArrivalColumns {
  info: TraceInfo;
  length: number;
  /** Seconds, sorted ascending. */
  t: Float64Array;
  /** Index into info.models: Uint16Array when there are at most 65,536 models. */
  model: Uint16Array | Uint32Array;
  /** -1 where a row has no token count; undefined when the trace has none at all. */
  promptTokens: Int32Array | undefined;
  outputTokens: Int32Array | undefined;
}
