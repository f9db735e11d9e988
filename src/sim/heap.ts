/**
 * A binary min-heap of simulation events in parallel typed arrays: no object
 * per event, so a million completions cost no garbage.
 *
 * Order: time, then kind priority, then insertion order. The priority makes
 * simultaneous events deterministic and meaningful: a request that finishes
 * at t frees its slot before one arriving at t is admitted, a replica ready at
 * t serves a request arriving at t, and a policy tick at t sees both.
 *
 * Cost note: push/pop are O(log n) with n = events pending for one model
 * (its requests in flight, starting replicas and one tick).
 */
export const EV_COMPLETE = 0;
export const EV_READY = 1;
/** Arrivals are not in the heap (they stream from the sorted trace); this is their rank. */
export const EV_ARRIVAL = 2;
export const EV_TICK = 3;

const SEQ_SPAN = 2 ** 40;

export class EventHeap {
  private time = new Float64Array(256);
  private order = new Float64Array(256);
  private data = new Int32Array(256);
  private n = 0;
  private seq = 0;
  /** Kind and payload of the event last popped. */
  kind = 0;
  payload = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): number {
    return this.n > 0 ? (this.time[0] as number) : Infinity;
  }

  peekKind(): number {
    return this.n > 0 ? Math.floor((this.order[0] as number) / SEQ_SPAN) : -1;
  }

  push(t: number, kind: number, payload: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const o = kind * SEQ_SPAN + this.seq++;
    const { time, order, data } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p] as number;
      if (pt < t || (pt === t && (order[p] as number) < o)) break;
      time[i] = pt;
      order[i] = order[p] as number;
      data[i] = data[p] as number;
      i = p;
    }
    time[i] = t;
    order[i] = o;
    data[i] = payload;
  }

  /** Removes the earliest event; returns its time and sets `kind` and `payload`. */
  pop(): number {
    const { time, order, data } = this;
    const t = time[0] as number;
    this.kind = Math.floor((order[0] as number) / SEQ_SPAN);
    this.payload = data[0] as number;
    const last = --this.n;
    if (last > 0) this.siftDown(time[last] as number, order[last] as number, data[last] as number, last);
    return t;
  }

  clear(): void {
    this.n = 0;
    this.seq = 0;
  }

  private siftDown(t: number, o: number, d: number, n: number): void {
    const { time, order, data } = this;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && less(time[r] as number, order[r] as number, time[c] as number, order[c] as number)) c = r;
      if (!less(time[c] as number, order[c] as number, t, o)) break;
      time[i] = time[c] as number;
      order[i] = order[c] as number;
      data[i] = data[c] as number;
      i = c;
    }
    time[i] = t;
    order[i] = o;
    data[i] = d;
  }

  private grow(): void {
    const size = this.time.length * 2;
    const time = new Float64Array(size);
    const order = new Float64Array(size);
    const data = new Int32Array(size);
    time.set(this.time);
    order.set(this.order);
    data.set(this.data);
    this.time = time;
    this.order = order;
    this.data = data;
  }
}

function less(ta: number, oa: number, tb: number, ob: number): boolean {
  return ta < tb || (ta === tb && oa < ob);
}
