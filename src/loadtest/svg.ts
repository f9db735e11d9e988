/**
 * Just enough SVG for the report's timeline: linear scales, axes with round
 * ticks, step lines, bars and dots. No dependency; the report must open
 * from a file with no network.
 */

export interface Lane {
  /** Top of the plotting area, px. */
  top: number;
  height: number;
  left: number;
  width: number;
  xMax: number;
  yMax: number;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const x = (l: Lane, v: number): number => l.left + (l.xMax > 0 ? (v / l.xMax) * l.width : 0);
export const y = (l: Lane, v: number): number => l.top + l.height - (l.yMax > 0 ? (Math.min(v, l.yMax) / l.yMax) * l.height : 0);

/** 1, 2 or 5 × 10^k steps giving about `n` ticks up to max. */
export function ticks(max: number, n = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A round upper bound for an axis (the last tick at or above max). */
export function niceMax(max: number): number {
  const t = ticks(max);
  const last = t[t.length - 1] ?? 1;
  return last >= max && last > 0 ? last : max > 0 ? max : 1;
}

export function axes(l: Lane, title: string, unit: (v: number) => string): string {
  const parts: string[] = [`<text x="${l.left}" y="${l.top - 8}" class="title">${esc(title)}</text>`];
  for (const v of ticks(l.yMax, 4)) {
    const py = y(l, v).toFixed(1);
    parts.push(`<line x1="${l.left}" x2="${l.left + l.width}" y1="${py}" y2="${py}" class="grid"/>`, `<text x="${l.left - 6}" y="${py}" class="ylab">${esc(unit(v))}</text>`);
  }
  for (const v of ticks(l.xMax, 10)) {
    const px = x(l, v).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${l.top}" y2="${l.top + l.height}" class="grid"/>`, `<text x="${px}" y="${l.top + l.height + 14}" class="xlab">${esc(`${v}s`)}</text>`);
  }
  return parts.join('');
}

/** A step line through (t, v) points: the value holds until the next sample. */
export function stepLine(l: Lane, pts: readonly [number, number][], cls: string): string {
  if (pts.length === 0) return '';
  let d = '';
  pts.forEach(([t, v], i) => {
    const px = x(l, t).toFixed(1);
    const py = y(l, v).toFixed(1);
    d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
  });
  return `<path d="${d}H${x(l, l.xMax).toFixed(1)}" class="${cls}"/>`;
}

/** A polyline through points, broken where a value is null. */
export function line(l: Lane, pts: readonly [number, number | null][], cls: string): string {
  let d = '';
  let pen = false;
  for (const [t, v] of pts) {
    if (v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(l, t).toFixed(1)},${y(l, v).toFixed(1)}`;
    pen = true;
  }
  return d ? `<path d="${d}" class="${cls}"/>` : '';
}

export function bars(l: Lane, binS: number, values: readonly number[], cls: string): string {
  const w = Math.max(1, x(l, binS) - l.left - 0.5);
  return values
    .map((v, i) => (v > 0 ? `<rect x="${x(l, i * binS).toFixed(1)}" y="${y(l, v).toFixed(1)}" width="${w.toFixed(1)}" height="${(l.top + l.height - y(l, v)).toFixed(1)}" class="${cls}"/>` : ''))
    .join('');
}

export function dots(l: Lane, pts: readonly [number, number][], cls: string): string {
  return pts.map(([t, v]) => `<circle cx="${x(l, t).toFixed(1)}" cy="${y(l, v).toFixed(1)}" r="2" class="${cls}"/>`).join('');
}
