/**
 * Filling ArrivalBatches. Batches are fresh arrays each time (never reused),
 * so a consumer may keep one after asking for the next; at 16 Ki arrivals a
 * batch is ~330 KB, so the allocation is noise next to parsing. `full` is a
 * hint for when to hand a batch over; push() grows past it rather than lose
 * arrivals (one input can yield many, e.g. rateScale 50).
 */
import type { ArrivalBatch } from './types.js';

export const BATCH_SIZE = 1 << 14;

export class BatchBuilder {
  private batch: ArrivalBatch;

  constructor(
    private readonly withTokens: boolean,
    private readonly capacity = BATCH_SIZE,
  ) {
    this.batch = this.fresh();
  }

  get length(): number {
    return this.batch.length;
  }

  get full(): boolean {
    return this.batch.length >= this.capacity;
  }

  push(t: number, model: number, prompt = -1, output = -1): void {
    if (this.batch.length === this.batch.t.length) this.grow();
    const b = this.batch;
    const i = b.length++;
    b.t[i] = t;
    b.model[i] = model;
    if (b.promptTokens) b.promptTokens[i] = prompt;
    if (b.outputTokens) b.outputTokens[i] = output;
  }

  /** Hands over the filled batch (trimmed views) and starts a new one. */
  take(): ArrivalBatch {
    const b = this.batch;
    this.batch = this.fresh();
    const n = b.length;
    return {
      length: n,
      t: b.t.subarray(0, n),
      model: b.model.subarray(0, n),
      promptTokens: b.promptTokens?.subarray(0, n),
      outputTokens: b.outputTokens?.subarray(0, n),
    };
  }

  private grow(): void {
    const b = this.batch;
    const c = b.t.length * 2;
    const t = new Float64Array(c);
    const model = new Uint32Array(c);
    t.set(b.t);
    model.set(b.model);
    const widen = (a: Int32Array | undefined): Int32Array | undefined => {
      if (!a) return undefined;
      const w = new Int32Array(c);
      w.set(a);
      return w;
    };
    this.batch = { length: b.length, t, model, promptTokens: widen(b.promptTokens), outputTokens: widen(b.outputTokens) };
  }

  private fresh(): ArrivalBatch {
    const c = this.capacity;
    return {
      length: 0,
      t: new Float64Array(c),
      model: new Uint32Array(c),
      promptTokens: this.withTokens ? new Int32Array(c) : undefined,
      outputTokens: this.withTokens ? new Int32Array(c) : undefined,
    };
  }
}
