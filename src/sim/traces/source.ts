/**
 * The interface each format implements. A source speaks in *source* terms:
 * times are seconds from the trace's own start, models are indices into the
 * source's own names (functions, clients). The pipeline (pipeline.ts) turns
 * that into what the simulator sees: mapped models, window, time and rate
 * scaling, and the maxArrivals bound.
 */
import type { ArrivalBatch, TraceFormat } from './types.js';

/** One validating pass over the source, restricted to [startS, endS). */
export interface SourceScan {
  /** Source model names; batches() model indices point here. */
  models: string[];
  /** Arrivals per source model inside the window (expected values when !exact). */
  counts: Float64Array;
  /** Span of the whole source trace in seconds (its last arrival, or its last period's end). */
  spanS: number;
  exact: boolean;
  hasTokens: boolean;
  warnings: string[];
}

export interface SourcePlan {
  /** Hints: a source may skip work wholly outside [startS, endS); the pipeline filters exactly. */
  startS: number;
  endS: number;
  /** keep[i] = 0: source model i is dropped by modelMap; a source may skip generating it. */
  keep: Uint8Array;
  /** Applied by the source only when it declares scalesRate. */
  rateScale: number;
  seed: number;
}

export interface TraceSource {
  readonly format: TraceFormat;
  readonly file: string;
  /**
   * Count formats (Azure Functions 2019, ServeGen) scale the rate at the
   * source, where it keeps their arrival rules intact; row formats leave it to
   * the pipeline's thinning/replication.
   */
  readonly scalesRate: boolean;
  scan(startS: number, endS: number): SourceScan;
  /** Arrivals sorted by t (ties in a fixed order), with source model indices. */
  batches(plan: SourcePlan): Iterable<ArrivalBatch>;
}
