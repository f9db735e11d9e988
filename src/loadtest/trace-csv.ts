/**
 * Plain CSV traces for replay: `timestamp[,model,prompt_tokens,output_tokens]`,
 * the same format the simulator reads (docs/traces.md, "Plain CSV"). With a
 * header, columns come in any order (`timestamp` or `t` required); without
 * one, fields are positional and trailing ones may be omitted. Timestamps are
 * numbers (seconds, or ms with timestampUnit "ms") or ISO-8601 strings; rows
 * must be in time order. `t` is re-based on the first row.
 *
 * The loadtest layer may not import sim/, so this is a small reader of its
 * own; test/unit/loadtest checks it against the simulator's fixtures.
 */

export interface TraceRow {
  /** Seconds since the first row. */
  t: number;
  model?: string;
  promptTokens?: number;
  outputTokens?: number;
}

const COLUMNS = ['timestamp', 'model', 'prompt_tokens', 'output_tokens'] as const;
type Column = (typeof COLUMNS)[number];

export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function headerColumns(fields: string[], file: string): Column[] {
  return fields.map((f) => {
    const name = f === 't' ? 'timestamp' : f;
    if (!(COLUMNS as readonly string[]).includes(name)) throw new TraceError(`${file}:1: unknown column "${f}" (known: t, ${COLUMNS.join(', ')})`);
    return name as Column;
  });
}

export function readTraceCsv(text: string, file: string, unit: 's' | 'ms' = 's'): TraceRow[] {
  const lines = text.split(/\r?\n/);
  const first = (lines[0] ?? '').split(',').map(unquote);
  const hasHeader = first.length > 0 && Number.isNaN(Number(first[0])) && Number.isNaN(Date.parse(first[0] ?? ''));
  const columns: Column[] = hasHeader ? headerColumns(first, file) : [...COLUMNS];
  if (!columns.includes('timestamp')) throw new TraceError(`${file}:1: the header has no timestamp column`);
  const rows: TraceRow[] = [];
  let base: number | undefined;
  let prev = -Infinity;
  let kind: 'number' | 'iso' | undefined;
  for (let i = hasHeader ? 1 : 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `${file}:${i + 1}`;
    const fields = line.split(',').map(unquote);
    if (fields.length > columns.length) throw new TraceError(`${where}: ${fields.length} fields, expected at most ${columns.length}`);
    const row: Partial<Record<Column, string>> = {};
    fields.forEach((f, k) => {
      const c = columns[k];
      if (c && f !== '') row[c] = f;
    });
    const ts = row.timestamp;
    if (ts === undefined) throw new TraceError(`${where}: missing timestamp`);
    const isNumber = !Number.isNaN(Number(ts));
    if (kind !== undefined && kind !== (isNumber ? 'number' : 'iso')) throw new TraceError(`${where}: mixes numeric and ISO-8601 timestamps`);
    kind = isNumber ? 'number' : 'iso';
    const abs = isNumber ? Number(ts) * (unit === 'ms' ? 0.001 : 1) : isoSeconds(ts, where);
    if (abs < prev) throw new TraceError(`${where}: timestamp ${ts} is earlier than the row before (the trace must be sorted by time)`);
    prev = abs;
    base ??= abs;
    const out: TraceRow = { t: abs - base };
    if (row.model !== undefined) out.model = row.model;
    if (row.prompt_tokens !== undefined) out.promptTokens = tokenCount(row.prompt_tokens, `${where}: prompt_tokens`);
    if (row.output_tokens !== undefined) out.outputTokens = tokenCount(row.output_tokens, `${where}: output_tokens`);
    rows.push(out);
  }
  if (rows.length === 0) throw new TraceError(`${file}: no rows`);
  return rows;
}

function isoSeconds(ts: string, where: string): number {
  // No zone means UTC, as in the simulator's reader.
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(ts) ? ts : `${ts}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new TraceError(`${where}: timestamp "${ts}" is neither a number nor an ISO-8601 time`);
  return ms / 1000;
}

function tokenCount(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new TraceError(`${what}: expected a whole number of tokens, got "${v}"`);
  return n;
}
