/**
 * Field parsing shared by the readers. Deliberately stricter than Number():
 * Number('') is 0 and Number('0x1f') is 31, and either would turn a broken
 * row into a plausible-looking arrival.
 */
import { TraceError } from './trace-error.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Splits one CSV line. Trims spaces and one pair of surrounding double quotes;
 * quoted commas are not supported. Cost note: runs once per row of every CSV
 * trace, so fields are only copied when they actually need trimming.
 */
export function splitCsv(text: string): string[] {
  const parts = text.split(',');
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i]!;
    if (p.length === 0) continue;
    if (p.charCodeAt(0) <= 32 || p.charCodeAt(p.length - 1) <= 32) p = p.trim();
    if (p.length >= 2 && p.charCodeAt(0) === 34 && p.charCodeAt(p.length - 1) === 34) p = p.slice(1, -1);
    parts[i] = p;
  }
  return parts;
}

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Where a field came from, for error messages. */
export interface FieldAt {
  file: string;
  line: number;
  column: string;
}

export function parseDecimal(text: string, at: FieldAt): number {
  if (!DECIMAL.test(text)) throw new TraceError(at.file, at.line, `column ${at.column}: expected a number, got ${quote(text)}`);
  return Number(text);
}

/** A non-negative integer that fits in an Int32 (token counts, invocation counts). */
export function parseCount(text: string, at: FieldAt, what = 'a non-negative integer'): number {
  // A digit loop rather than a regex: this runs for every cell of the count tables.
  let n = text.length > 0 && text.length <= 10 ? 0 : NaN;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      n = NaN;
      break;
    }
    n = n * 10 + d;
  }
  if (!(n <= 0x7fffffff)) throw new TraceError(at.file, at.line, `column ${at.column}: expected ${what}, got ${quote(text)}`);
  return n;
}

/** Optional token count: empty means "not recorded" (-1). */
export function parseOptionalCount(text: string | undefined, at: FieldAt): number {
  return text === undefined || text === '' ? -1 : parseCount(text, at, 'a token count (non-negative integer)');
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
