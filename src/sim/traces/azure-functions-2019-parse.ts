/**
 * Parsing the Azure Functions 2019 per-minute count tables into a compact,
 * minute-major sparse matrix. Layouts seen in the wild:
 *
 *   HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440     (the original daily files)
 *   HashOwner,HashApp,HashFunction,Trigger,480,...,959      (InVitro's 500-function sample)
 *   HashApp,HashFunction,Trigger,1,...  /  HashFunction,1,... (other published subsets)
 *
 * The header is split into leading id columns (names) and trailing minute
 * columns (integers, consecutive). Most cells are 0 (the median function is
 * idle 92 % of minutes), so only non-zero cells are stored: ~12 bytes each.
 */
import { parseCount, splitCsv } from './fields.js';
import { readLines } from './line-reader.js';
import { TraceError } from './trace-error.js';

export const ID_COLUMNS = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger'] as const;

export interface FunctionCounts {
  /** Full HashFunction per function, in file order. */
  hashes: string[];
  /** The first minute column's label (480 in the sample); minute m is column label firstMinute + m. */
  firstMinute: number;
  minutes: number;
  /** Non-zero cells grouped by minute: cells minuteStart[m] .. minuteStart[m+1], functions ascending. */
  minuteStart: Int32Array;
  cellFn: Uint32Array;
  cellCount: Uint32Array;
}

interface Header {
  idIndex: Map<string, number>;
  firstMinute: number;
  minutes: number;
}

export function parseFunctionCounts(file: string): FunctionCounts {
  let header: Header | undefined;
  const hashes: string[] = [];
  const byIdentity = new Map<string, { fn: number; line: number }>();
  const cells: number[] = []; // (minute, fn, count) triples
  for (const { text, line } of readLines(file)) {
    if (line === 1) {
      header = parseHeader(file, text);
      continue;
    }
    if (text.trim() === '' || !header) continue;
    const f = splitCsv(text);
    const width = header.idIndex.size + header.minutes;
    if (f.length !== width) throw new TraceError(file, line, `expected ${width} fields (${header.idIndex.size} id columns + ${header.minutes} minutes), got ${f.length}`);
    const hash = f[header.idIndex.get('HashFunction')!]!;
    if (hash === '') throw new TraceError(file, line, 'column HashFunction: expected a function id, got ""');
    const identity = ['HashOwner', 'HashApp', 'HashFunction'].map((c) => (header!.idIndex.has(c) ? f[header!.idIndex.get(c)!] : '')).join('/');
    const seen = byIdentity.get(identity);
    if (seen) throw new TraceError(file, line, `repeats the function of line ${seen.line} (same ${[...header.idIndex.keys()].filter((c) => c !== 'Trigger').join(', ')})`);
    const fn = hashes.push(hash) - 1;
    byIdentity.set(identity, { fn, line });
    for (let m = 0; m < header.minutes; m++) {
      const cell = f[header.idIndex.size + m]!;
      if (cell === '0') continue; // the common case, skip the regex
      const k = parseCount(cell, { file, line, column: String(header.firstMinute + m) }, 'a non-negative integer count');
      if (k > 0) cells.push(m, fn, k);
    }
  }
  if (!header) throw new TraceError(file, 1, 'empty file; expected a header HashOwner,HashApp,HashFunction,Trigger,<minute columns>');
  if (hashes.length === 0) throw new TraceError(file, undefined, 'no functions in the file (only a header)');
  return { hashes, firstMinute: header.firstMinute, minutes: header.minutes, ...minuteMajor(cells, header.minutes) };
}

function parseHeader(file: string, text: string): Header {
  const names = splitCsv(text);
  const idIndex = new Map<string, number>();
  let i = 0;
  for (; i < names.length && !/^\d+$/.test(names[i]!); i++) {
    const n = names[i]!;
    if (!(ID_COLUMNS as readonly string[]).includes(n)) {
      throw new TraceError(file, 1, `unknown column ${JSON.stringify(n)}; expected id columns from ${ID_COLUMNS.join(',')} followed by minute columns (e.g. 1..1440)`);
    }
    if (idIndex.has(n)) throw new TraceError(file, 1, `column ${n} appears twice`);
    idIndex.set(n, i);
  }
  if (!idIndex.has('HashFunction')) throw new TraceError(file, 1, `expected a HashFunction column; expected columns like ${ID_COLUMNS.join(',')},1,...,1440`);
  const minuteNames = names.slice(i);
  if (minuteNames.length === 0) throw new TraceError(file, 1, 'expected minute columns (integers such as 1..1440) after the id columns');
  const firstMinute = Number(minuteNames[0]);
  minuteNames.forEach((n, j) => {
    if (n !== String(firstMinute + j)) {
      throw new TraceError(file, 1, `minute columns must be consecutive integers: expected ${firstMinute + j} after ${firstMinute + j - 1}, got ${JSON.stringify(n)}`);
    }
  });
  return { idIndex, firstMinute, minutes: minuteNames.length };
}

/** Counting sort of (minute, fn, count) triples by minute; fn order within a minute is preserved (ascending). */
function minuteMajor(cells: number[], minutes: number): Pick<FunctionCounts, 'minuteStart' | 'cellFn' | 'cellCount'> {
  const n = cells.length / 3;
  const minuteStart = new Int32Array(minutes + 1);
  for (let c = 0; c < n; c++) minuteStart[cells[3 * c]! + 1]!++;
  for (let m = 0; m < minutes; m++) minuteStart[m + 1]! += minuteStart[m]!;
  const next = minuteStart.slice(0, minutes);
  const cellFn = new Uint32Array(n);
  const cellCount = new Uint32Array(n);
  for (let c = 0; c < n; c++) {
    const at = next[cells[3 * c]!]!++;
    cellFn[at] = cells[3 * c + 1]!;
    cellCount[at] = cells[3 * c + 2]!;
  }
  return { minuteStart, cellFn, cellCount };
}
