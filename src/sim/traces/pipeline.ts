/**
 * From source arrivals to what the simulator replays, per arrival in order:
 *
 *   1. modelMap      source model -> output model, or dropped
 *   2. rateScale     (row formats only; count formats scale at the source)
 *   3. window        keep startS <= t < endS (source seconds), stop after endS
 *   4. re-base and timeScale:  t' = (t - startS) · timeScale
 *   5. maxArrivals   a hard bound, an error when crossed
 *
 * rateScale r on row formats: every arrival gets c = floor(r) copies, plus one
 * with probability frac(r); so r < 1 keeps each arrival with probability r.
 * The coin for the k-th arrival of source model s is unitAt(seed, s, k): it
 * does not depend on the window or on other models. The c copies of an
 * arrival at t are spread evenly up to the next kept arrival t_next:
 * t + (t_next - t)·j/c, j = 0..c-1, so doubled traffic fills the gaps instead
 * of stacking pairs on one instant, and order is preserved. The last arrival
 * of the stream has nothing to spread towards; its copies share its time.
 * Example: r = 2, arrivals at 0 s and 1 s -> 0, 0.5, 1, 1.
 *
 * Cost note: this runs once per arrival (3 M for the Azure Functions sample):
 * no allocation per arrival, just typed-array reads and writes.
 */
import { BatchBuilder } from './batch.js';
import { unitAt } from './random.js';
import { TraceError } from './trace-error.js';
import type { ArrivalBatch } from './types.js';

export interface PipelinePlan {
  file: string;
  /** source model -> output model, -1 = dropped. */
  map: Int32Array;
  startS: number;
  endS: number;
  timeScale: number;
  /** 1 unless the pipeline (not the source) applies rateScale. */
  rateScale: number;
  seed: number;
  maxArrivals: number;
  withTokens: boolean;
}

type Emit = (t: number, model: number, prompt: number, output: number) => void;

export function* runPipeline(batches: Iterable<ArrivalBatch>, p: PipelinePlan): Generator<ArrivalBatch> {
  const out = new BatchBuilder(p.withTokens);
  let emitted = 0;
  const emit: Emit = (t, model, prompt, output) => {
    if (t < p.startS || t >= p.endS) return;
    if (++emitted > p.maxArrivals) throw tooMany(p);
    out.push((t - p.startS) * p.timeScale, model, prompt, output);
  };
  const rep = p.rateScale === 1 ? undefined : new Replicator(p, emit);
  let done = false;
  for (const b of batches) {
    for (let i = 0; i < b.length && !done; i++) {
      const m = p.map[b.model[i]!]!;
      if (m < 0) continue;
      const t = b.t[i]!;
      const prompt = b.promptTokens ? b.promptTokens[i]! : -1;
      const output = b.outputTokens ? b.outputTokens[i]! : -1;
      if (rep) rep.add(t, b.model[i]!, m, prompt, output);
      else emit(t, m, prompt, output);
      done = t >= p.endS;
    }
    // Pass each batch on at once, so a consumer that stops early never makes the source generate more.
    if (out.length > 0) yield out.take();
    if (done) break;
  }
  rep?.finish();
  if (out.length > 0) yield out.take();
}

export function tooMany(p: Pick<PipelinePlan, 'file' | 'maxArrivals'>, expected?: number): TraceError {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const what = expected === undefined ? `more than maxArrivals (${fmt(p.maxArrivals)})` : `~${fmt(expected)} arrivals, more than maxArrivals (${fmt(p.maxArrivals)})`;
  return new TraceError(p.file, undefined, `this replay would yield ${what}; narrow it with window, rateScale < 1 or modelMap { kind: 'top', rest: 'drop' }, or raise maxArrivals`);
}

/** rateScale for row formats: copies, and where they go (file comment). */
class Replicator {
  private readonly whole: number;
  private readonly frac: number;
  private readonly ordinal = new Map<number, number>();
  // The arrival waiting for its successor's time (copies = 0: none waiting).
  private t = 0;
  private model = 0;
  private prompt = -1;
  private output = -1;
  private copies = 0;

  constructor(
    private readonly p: PipelinePlan,
    private readonly emit: Emit,
  ) {
    this.whole = Math.floor(p.rateScale);
    this.frac = p.rateScale - this.whole;
  }

  add(t: number, source: number, model: number, prompt: number, output: number): void {
    const k = this.ordinal.get(source) ?? 0;
    this.ordinal.set(source, k + 1);
    this.flush(t);
    this.t = t;
    this.model = model;
    this.prompt = prompt;
    this.output = output;
    this.copies = this.whole + (unitAt(this.p.seed, 0x7a7e, source, k) < this.frac ? 1 : 0);
  }

  finish(): void {
    this.flush(this.t);
  }

  private flush(next: number): void {
    for (let j = 0; j < this.copies; j++) this.emit(this.t + ((next - this.t) * j) / this.copies, this.model, this.prompt, this.output);
    this.copies = 0;
  }
}
