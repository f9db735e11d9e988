/**
 * Timestamps of the plain csv/jsonl formats: numbers (seconds, or
 * milliseconds with timestampUnit 'ms') or ISO-8601 strings. Either way
 * t = timestamp - first row's timestamp, so the first row is the trace start.
 * One file uses one kind; mixing numbers and ISO times is an error because
 * the two cannot share an origin.
 */
import { isDecimal, quote } from './fields.js';
import { TraceError } from './trace-error.js';
import { parseWallClock, secondsSince, type WallTime } from './wall-clock.js';

export class PlainClock {
  private numericOrigin: number | undefined;
  private wallOrigin: WallTime | undefined;
  private readonly factor: number;

  constructor(
    private readonly file: string,
    unit: 's' | 'ms',
  ) {
    this.factor = unit === 'ms' ? 1e-3 : 1;
  }

  /** Seconds since the first row for a CSV field or a JSON value. */
  seconds(value: unknown, line: number, where: string): number {
    if (typeof value === 'number' && Number.isFinite(value)) return this.numeric(value, line);
    if (typeof value === 'string') {
      if (isDecimal(value)) return this.numeric(Number(value), line);
      const w = parseWallClock(value);
      if (w) return this.wall(w, line);
    }
    const shown = typeof value === 'string' ? quote(value) : JSON.stringify(value);
    throw new TraceError(this.file, line, `${where}: expected a timestamp (seconds as a number, or an ISO-8601 time), got ${shown}`);
  }

  private numeric(v: number, line: number): number {
    if (this.wallOrigin) this.mixed(line);
    this.numericOrigin ??= v;
    // Subtract before scaling: epoch milliseconds keep their sub-ms digits.
    return (v - this.numericOrigin) * this.factor;
  }

  private wall(w: WallTime, line: number): number {
    if (this.numericOrigin !== undefined) this.mixed(line);
    this.wallOrigin ??= w;
    return secondsSince(w, this.wallOrigin);
  }

  private mixed(line: number): never {
    throw new TraceError(this.file, line, 'timestamps mix numbers and ISO-8601 times; use one kind throughout the file');
  }
}
