/**
 * k-way merge of per-model sorted runs into one time-ordered stream, with a
 * binary heap of run heads. Cost: O(n log k) for n arrivals over k runs, and
 * no sort of the combined arrays. Ties go to the run listed first (callers
 * list runs by model index), so equal times come out in a fixed order.
 * Yields only full batches; the caller hands over the last partial one.
 */
import type { BatchBuilder } from './batch.js';
import type { ArrivalBatch } from './types.js';

export interface Run {
  model: number;
  /** Ascending times; the run is times[0 .. length). */
  times: Float64Array;
  length: number;
}

export function* mergeRuns(runs: readonly Run[], out: BatchBuilder): Generator<ArrivalBatch> {
  const heads = new Int32Array(runs.length);
  const heap: number[] = [];
  const less = (x: number, y: number): boolean => {
    const tx = runs[x]!.times[heads[x]!]!;
    const ty = runs[y]!.times[heads[y]!]!;
    return tx < ty || (tx === ty && x < y);
  };
  for (let r = 0; r < runs.length; r++) if (runs[r]!.length > 0) push(heap, r, less);
  while (heap.length > 0) {
    const r = heap[0]!;
    const run = runs[r]!;
    out.push(run.times[heads[r]!]!, run.model);
    if (out.full) yield out.take();
    if (++heads[r]! < run.length) siftDown(heap, 0, less);
    else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        siftDown(heap, 0, less);
      }
    }
  }
}

function push(heap: number[], x: number, less: (a: number, b: number) => boolean): void {
  let i = heap.push(x) - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(heap[i]!, heap[p]!)) break;
    [heap[i], heap[p]] = [heap[p]!, heap[i]!];
    i = p;
  }
}

function siftDown(heap: number[], i: number, less: (a: number, b: number) => boolean): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && less(heap[l]!, heap[m]!)) m = l;
    if (r < n && less(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
