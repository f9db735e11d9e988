/**
 * Growable typed-array columns: used to hold rows that must be sorted in
 * memory and to materialise a whole trace. Doubling keeps appends amortised
 * O(1); trim() copies once at the end so no slack memory stays behind.
 */
import type { ArrivalBatch } from './types.js';

export class GrowableColumns {
  length = 0;
  t: Float64Array;
  model: Uint32Array;
  promptTokens: Int32Array | undefined;
  outputTokens: Int32Array | undefined;

  constructor(
    withTokens: boolean,
    capacity = 1024,
  ) {
    const c = Math.max(16, capacity);
    this.t = new Float64Array(c);
    this.model = new Uint32Array(c);
    this.promptTokens = withTokens ? new Int32Array(c) : undefined;
    this.outputTokens = withTokens ? new Int32Array(c) : undefined;
  }

  push(t: number, model: number, prompt: number, output: number): void {
    if (this.length === this.t.length) this.grow(this.length * 2);
    const i = this.length++;
    this.t[i] = t;
    this.model[i] = model;
    if (this.promptTokens) this.promptTokens[i] = prompt;
    if (this.outputTokens) this.outputTokens[i] = output;
  }

  /** Appends a whole batch with bulk copies. */
  append(b: ArrivalBatch): void {
    const need = this.length + b.length;
    if (need > this.t.length) this.grow(Math.max(need, this.t.length * 2));
    this.t.set(b.t.subarray(0, b.length), this.length);
    this.model.set(b.model.subarray(0, b.length), this.length);
    for (const [mine, theirs] of [[this.promptTokens, b.promptTokens], [this.outputTokens, b.outputTokens]] as const) {
      if (!mine) continue;
      if (theirs) mine.set(theirs.subarray(0, b.length), this.length);
      else mine.fill(-1, this.length, need);
    }
    this.length = need;
  }

  /** Shrinks the arrays to exactly `length` elements. */
  trim(): void {
    if (this.t.length !== this.length) this.grow(this.length);
  }

  private grow(capacity: number): void {
    const copy = <A extends Float64Array | Uint32Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a.subarray(0, Math.min(a.length, capacity)));
      return b;
    };
    this.t = copy(this.t, (n) => new Float64Array(n));
    this.model = copy(this.model, (n) => new Uint32Array(n));
    if (this.promptTokens) this.promptTokens = copy(this.promptTokens, (n) => new Int32Array(n));
    if (this.outputTokens) this.outputTokens = copy(this.outputTokens, (n) => new Int32Array(n));
  }
}
