/**
 * Inline SVG charts for the HTML report: a multi-series line chart over
 * time and a labelled scatter plot. No dependency, no script: the report is
 * one self-contained file.
 */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export interface Series {
  name: string;
  values: readonly number[];
  color: string;
}

export interface Point {
  label: string;
  x: number;
  y: number;
  color: string;
}

const W = 760;
const H = 260;
const PAD = { left: 64, right: 150, top: 16, bottom: 40 };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** About five round tick values from 0 to at least max: 0, 20, 40 ... */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3))));
const px = (v: number): string => v.toFixed(1);

function frame(xTicks: number[], yTicks: number[], sx: (v: number) => number, sy: (v: number) => number, xLabel: string, yLabel: string): string {
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${px(sy(t))}" y2="${px(sy(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${px(sy(t) + 4)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of xTicks) parts.push(`<text x="${px(sx(t))}" y="${H - PAD.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#999"/>`);
  parts.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  return parts.join('');
}

function svg(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img"><title>${escapeHtml(title)}</title>${body}</svg>`;
}

/** Series share an x axis of equal steps (`stepX` units per point). */
export function lineChart(title: string, series: readonly Series[], stepX: number, xLabel: string, yLabel: string): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const xMax = n * stepX;
  const yTicks = niceTicks(Math.max(0, ...series.flatMap((s) => s.values)));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const sx = (v: number): number => PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const sy = (v: number): number => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, i) => {
    const pts = s.values.map((v, k) => `${px(sx((k + 0.5) * stepX))},${px(sy(v))}`).join(' ');
    const ly = PAD.top + 12 + i * 14;
    return (
      `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts}"/>` +
      `<line x1="${W - PAD.right + 10}" x2="${W - PAD.right + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>` +
      `<text x="${W - PAD.right + 30}" y="${ly}">${escapeHtml(s.name)}</text>`
    );
  });
  return svg(title, frame(niceTicks(xMax).filter((t) => t <= xMax), yTicks, sx, sy, xLabel, yLabel) + lines.join(''));
}

export function scatter(title: string, points: readonly Point[], xLabel: string, yLabel: string): string {
  const xTicks = niceTicks(Math.max(0, ...points.map((p) => p.x)));
  const yTicks = niceTicks(Math.max(0, ...points.map((p) => p.y)));
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const sx = (v: number): number => PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const sy = (v: number): number => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  // Labels go in a legend: points of similar policies sit on top of each other.
  const dots = points.map((p, i) => {
    const ly = PAD.top + 12 + i * 14;
    return (
      `<circle cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="5" fill="${p.color}" fill-opacity="0.8"><title>${escapeHtml(p.label)}</title></circle>` +
      `<circle cx="${W - PAD.right + 18}" cy="${ly - 4}" r="5" fill="${p.color}"/><text x="${W - PAD.right + 30}" y="${ly}">${escapeHtml(p.label)}</text>`
    );
  });
  return svg(title, frame(xTicks, yTicks, sx, sy, xLabel, yLabel) + dots.join(''));
}
