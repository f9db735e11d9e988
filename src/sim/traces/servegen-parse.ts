/**
 * Reading ServeGen per-client rate tables (`chunk-<client>-trace.csv`, no
 * header), one row per window:
 *
 *   window_start_s, rate_rps, iat_cv, family, shape, scale
 *   0,1.3316666666666668,8.598383725990791,Weibull,0.3753486140101707,0.3967677807107179
 *   600,0,0,,0,0
 *
 * All clients must share one window grid (same length, starts on a common
 * origin); that is what lets generation go window by window.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDecimal, splitCsv } from './fields.js';
import { readLines } from './line-reader.js';
import { modelNameFromFile } from './model-names.js';
import { TraceError } from './trace-error.js';

export const SERVEGEN_FILE = /^chunk-(\d+)-trace\.csv$/;
export const SERVEGEN_COLUMNS = 'window_start_s,rate_rps,iat_cv,family,shape,scale';

/** family codes */
export const NONE = 0;
export const GAMMA = 1;
export const WEIBULL = 2;

export interface ClientTable {
  name: string;
  file: string;
  /** Per window of the shared grid: expected arrivals (rate × window length), family, shape, scale. */
  count: Float64Array;
  family: Uint8Array;
  shape: Float64Array;
  scale: Float64Array;
}

export interface ServeGenData {
  clients: ClientTable[];
  originS: number;
  windowS: number;
  windows: number;
}

interface RawRow {
  start: number;
  rate: number;
  family: number;
  shape: number;
  scale: number;
  line: number;
}

/** The client files of a ServeGen folder (or a single file), ordered by client number. */
export function serveGenFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .map((f) => SERVEGEN_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => join(path, m[0]));
  if (files.length === 0) throw new TraceError(path, undefined, 'no chunk-<client>-trace.csv files in this folder; a ServeGen trace is one model folder such as data/language/m-large');
  return files;
}

export function clientName(file: string): string {
  const m = SERVEGEN_FILE.exec(basename(file));
  return m ? `client-${m[1]}` : modelNameFromFile(file);
}

export function parseServeGen(path: string): ServeGenData {
  const files = serveGenFiles(path);
  const raw = files.map((f) => ({ file: f, rows: readClientRows(f) }));
  const grid = sharedGrid(path, raw);
  const clients = raw.map(({ file, rows }) => {
    const t: ClientTable = { name: clientName(file), file, count: new Float64Array(grid.windows), family: new Uint8Array(grid.windows), shape: new Float64Array(grid.windows), scale: new Float64Array(grid.windows) };
    for (const r of rows) {
      const w = Math.round((r.start - grid.originS) / grid.windowS);
      t.count[w] = r.rate * grid.windowS;
      t.family[w] = r.family;
      t.shape[w] = r.shape;
      t.scale[w] = r.scale;
    }
    return t;
  });
  return { clients, ...grid };
}

function readClientRows(file: string): RawRow[] {
  const rows: RawRow[] = [];
  for (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const f = splitCsv(text);
    if (f.length !== 6) throw new TraceError(file, line, `expected 6 fields (${SERVEGEN_COLUMNS}), got ${f.length}`);
    const at = (column: string): { file: string; line: number; column: string } => ({ file, line, column });
    const start = parseDecimal(f[0]!, at('window_start_s'));
    const rate = parseDecimal(f[1]!, at('rate_rps'));
    if (rate < 0 || start < 0) throw new TraceError(file, line, `columns window_start_s and rate_rps must be >= 0`);
    const family = f[3] === 'Gamma' ? GAMMA : f[3] === 'Weibull' ? WEIBULL : f[3] === '' ? NONE : -1;
    if (family < 0) throw new TraceError(file, line, `column family: expected Gamma, Weibull or empty, got ${JSON.stringify(f[3])}`);
    if (rate > 0 && family === NONE) throw new TraceError(file, line, `column family: rate_rps is ${f[1]} but no inter-arrival family is given`);
    const shape = family === NONE ? 0 : parseDecimal(f[4]!, at('shape'));
    const scale = family === NONE ? 0 : parseDecimal(f[5]!, at('scale'));
    if (family !== NONE && !(shape > 0 && scale > 0 && Number.isFinite(shape) && Number.isFinite(scale))) throw new TraceError(file, line, `columns shape and scale must be > 0 for ${f[3]}`);
    const prev = rows.at(-1);
    if (prev && start <= prev.start) throw new TraceError(file, line, `window_start_s ${f[0]} is not after the previous window (line ${prev.line})`);
    rows.push({ start, rate, family, shape, scale, line });
  }
  if (rows.length === 0) throw new TraceError(file, undefined, `empty file; expected rows of ${SERVEGEN_COLUMNS}`);
  return rows;
}

/** The window length and origin every client shares; errors name the first row that disagrees. */
function sharedGrid(path: string, raw: { file: string; rows: RawRow[] }[]): Omit<ServeGenData, 'clients'> {
  let windowS = 0;
  for (const { rows } of raw) if (rows.length > 1) windowS = windowS || rows[1]!.start - rows[0]!.start;
  windowS ||= 600; // single-window files: ServeGen's 10-minute windows
  const originS = Math.min(...raw.map((r) => r.rows[0]!.start));
  let windows = 0;
  for (const { file, rows } of raw) {
    for (const r of rows) {
      const w = (r.start - originS) / windowS;
      if (Math.abs(w - Math.round(w)) > 1e-6) throw new TraceError(file, r.line, `window_start_s ${r.start} is not on the ${windowS} s window grid shared by ${basename(path)}`);
      windows = Math.max(windows, Math.round(w) + 1);
    }
  }
  return { originS, windowS, windows };
}
