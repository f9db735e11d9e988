/**
 * Wall-clock timestamps: ISO-8601 (`2023-11-16T18:17:03.97996Z`, offsets
 * allowed) and the Azure LLM form (`2023-11-16 18:17:03.9799600`, a space and
 * 100 ns digits). A time without a zone is taken as UTC so that replays do
 * not depend on the machine's time zone.
 *
 * Whole seconds and the fraction are kept apart: an epoch time (~1.7e9 s) with
 * 7 fractional digits needs 17 significant digits, one more than a double
 * holds. Subtracting the first row's whole seconds first keeps the 100 ns digits.
 */

export interface WallTime {
  /** Whole seconds since the Unix epoch (UTC). */
  sec: number;
  /** Fraction of a second, [0, 1). */
  frac: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses a wall-clock timestamp, or returns undefined if it is not one. */
export function parseWallClock(text: string): WallTime | undefined {
  return parseFixedWidth(text) ?? parseIso(text);
}

// The last calendar day seen by the fast path: log rows share their date.
let cachedDay = '';
let cachedDayS = 0;

/**
 * Fast path for `YYYY-MM-DD HH:MM:SS[.fff...]` (space or T, no zone), the form
 * of every Azure LLM row. Cost note: with the general regex, timestamps were
 * half the cost of reading Azure LLM rows (~1.3 µs a row); this path reads the
 * digits directly and computes the date once per day, halving the total.
 * Anything unusual (zones, leap seconds, bad dates) falls back to parseIso.
 */
function parseFixedWidth(text: string): WallTime | undefined {
  const sep = text.charCodeAt(10);
  if (text.length < 19 || (sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const frac = text.length === 19 ? 0 : text.charCodeAt(19) === 46 ? Number(`0${text.slice(19)}`) : NaN;
  const h = twoDigits(text, 11);
  const mi = twoDigits(text, 14);
  const s = twoDigits(text, 17);
  if (!(frac >= 0 && frac < 1) || !(h <= 23 && mi <= 59 && s <= 59)) return undefined;
  const day = text.slice(0, 10);
  if (day !== cachedDay) {
    const d = parseIso(day);
    if (!d) return undefined;
    cachedDay = day;
    cachedDayS = d.sec;
  }
  return { sec: cachedDayS + h * 3600 + mi * 60 + s, frac };
}

/** Two ASCII digits at i, or NaN. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

function parseIso(text: string): WallTime | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d && s < 60) return undefined; // e.g. 2023-02-30
  return { sec: ms / 1000 - offsetS(m[8]), frac: m[7] === undefined ? 0 : Number(`0${m[7]}`) };
}

/** Seconds from `origin` to `w`, precise to the input's digits. */
export function secondsSince(w: WallTime, origin: WallTime): number {
  return w.sec - origin.sec + (w.frac - origin.frac);
}

function offsetS(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
}
