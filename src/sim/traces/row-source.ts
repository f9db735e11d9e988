/**
 * A TraceSource for formats where one row is one request (Azure LLM, Azure
 * Functions 2021, Mooncake, plain csv/jsonl). Each pass re-reads the file, so
 * memory stays flat however long the trace is; scan() is one extra pass that
 * validates every row up front, so errors surface before a simulation starts
 * rather than an hour into it.
 *
 * Time order: formats that are logs in time order must be sorted; a row out
 * of order is an error naming both lines, unless options.unsorted = 'sort',
 * which (like Azure Functions 2021, whose rows are unordered by nature) loads
 * the rows into typed arrays and sorts them stably by time.
 */
import { BATCH_SIZE, BatchBuilder } from './batch.js';
import { GrowableColumns } from './columns.js';
import type { SourceScan, TraceSource } from './source.js';
import { TraceError } from './trace-error.js';
import type { ArrivalBatch, TraceFormat } from './types.js';

export interface Row {
  /** Seconds from trace start. */
  t: number;
  model: number;
  /** -1 when not recorded. */
  prompt: number;
  output: number;
  line: number;
}

/** Model names assigned in order of first appearance, so every pass over a file agrees. */
export class ModelNames {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(initial: readonly string[] = []) {
    for (const n of initial) this.id(n);
  }

  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

export interface RowFormat {
  format: TraceFormat;
  file: string;
  hasTokens: boolean;
  /** 'sorted': a time-ordered log (checked); 'any': rows in any order, always sorted in memory. */
  order: 'sorted' | 'any';
  unsorted: 'error' | 'sort';
  /** A fresh pass over the file, in file order. */
  parse(models: ModelNames): Iterable<Row>;
  /** Optional rewrite of the time-sorted rows (Mooncake spreading). */
  transform?: (rows: Iterable<Row>) => Iterable<Row>;
}

export function rowSource(fmt: RowFormat): TraceSource {
  const inMemory = fmt.order === 'any' || fmt.unsorted === 'sort';
  let loaded: Loaded | undefined;
  const load = (): Loaded => (loaded ??= loadSorted(fmt));
  const sortedRows = (): { rows: Iterable<Row>; names: string[] } => {
    if (inMemory) {
      const l = load();
      return { rows: rowsOf(l.columns), names: l.names };
    }
    const models = new ModelNames();
    return { rows: checkOrder(fmt.file, fmt.parse(models)), names: models.names };
  };
  const timeline = (): { rows: Iterable<Row>; names: string[] } => {
    const s = sortedRows();
    return { rows: fmt.transform ? fmt.transform(s.rows) : s.rows, names: s.names };
  };
  return {
    format: fmt.format,
    file: fmt.file,
    scalesRate: false,
    scan(startS, endS) {
      const { rows, names } = timeline();
      const scan = scanRows(fmt, rows, names, startS, endS);
      if (loaded && loaded.moved > 0 && fmt.order === 'sorted') scan.warnings.push(`sorted ${loaded.moved} rows that were out of time order`);
      if (loaded && loaded.shiftS > 0) scan.warnings.push(`the earliest arrival was ${loaded.shiftS} s before the trace start; all times shifted so it is at 0`);
      return scan;
    },
    batches() {
      return packRows(timeline().rows, fmt.hasTokens);
    },
  };
}

function scanRows(fmt: RowFormat, rows: Iterable<Row>, names: string[], startS: number, endS: number): SourceScan {
  const counts: number[] = [];
  let spanS = 0;
  let tokens = false;
  let any = false;
  for (const r of rows) {
    any = true;
    if (r.t >= startS && r.t < endS) counts[r.model] = (counts[r.model] ?? 0) + 1;
    if (r.t > spanS) spanS = r.t;
    if (r.prompt >= 0 || r.output >= 0) tokens = true;
  }
  if (!any) throw new TraceError(fmt.file, undefined, 'no requests in the file (only a header or blank lines)');
  return { models: names, counts: Float64Array.from(names, (_, i) => counts[i] ?? 0), spanS, exact: true, hasTokens: fmt.hasTokens && tokens, warnings: [] };
}

function* checkOrder(file: string, rows: Iterable<Row>): Generator<Row> {
  let prevT = -Infinity;
  let prevLine = 0;
  for (const r of rows) {
    if (r.t < prevT) {
      throw new TraceError(
        file,
        r.line,
        `rows must be sorted by time: this row is at ${r.t.toFixed(6)} s, before line ${prevLine} at ${prevT.toFixed(6)} s ` +
          `(--unsorted sort, or the trace option unsorted: 'sort', sorts the rows in memory)`,
      );
    }
    prevT = r.t;
    prevLine = r.line;
    yield r;
  }
}

interface Loaded {
  columns: GrowableColumns;
  names: string[];
  /** Rows whose position changed. */
  moved: number;
  /** Seconds added to every time so that none is negative. */
  shiftS: number;
}

function loadSorted(fmt: RowFormat): Loaded {
  const models = new ModelNames();
  const raw = new GrowableColumns(true);
  for (const r of fmt.parse(models)) raw.push(r.t, r.model, r.prompt, r.output);
  const order = new Uint32Array(raw.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Stable: equal times keep file order.
  order.sort((a, b) => raw.t[a]! - raw.t[b]! || a - b);
  // Rebased formats measure from the first row, which need not be the earliest;
  // and an Azure 2021 invocation may have started before the trace did.
  const shiftS = order.length > 0 ? Math.max(0, -raw.t[order[0]!]!) : 0;
  const sorted = new GrowableColumns(true, raw.length);
  let moved = 0;
  for (let i = 0; i < order.length; i++) {
    const j = order[i]!;
    if (j !== i) moved++;
    sorted.push(raw.t[j]! + shiftS, raw.model[j]!, raw.promptTokens![j]!, raw.outputTokens![j]!);
  }
  return { columns: sorted, names: models.names, moved, shiftS };
}

function* rowsOf(c: GrowableColumns): Generator<Row> {
  for (let i = 0; i < c.length; i++) {
    yield { t: c.t[i]!, model: c.model[i]!, prompt: c.promptTokens![i]!, output: c.outputTokens![i]!, line: 0 };
  }
}

function* packRows(rows: Iterable<Row>, withTokens: boolean): Generator<ArrivalBatch> {
  const b = new BatchBuilder(withTokens, BATCH_SIZE);
  for (const r of rows) {
    b.push(r.t, r.model, r.prompt, r.output);
    if (b.full) yield b.take();
  }
  if (b.length > 0) yield b.take();
}
