/**
 * Number formatting shared by the text table and the HTML report. Written
 * out rather than Intl-based so the output is the same on every Node build.
 */

/** 1234567.8 -> "1,234,568". */
export function int(x: number): string {
  const s = String(Math.round(Math.abs(x)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return x < 0 && Math.round(x) !== 0 ? `-${grouped}` : grouped;
}

/** 0.20785 -> "20.79%". */
export function percent(f: number, digits = 2): string {
  return `${(f * 100).toFixed(digits)}%`;
}

/** A wait in ms: "0", "850ms", "12.3s", "4.2m". */
export function waitMs(ms: number): string {
  if (ms <= 0) return '0';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60_000).toFixed(1)}m`;
}

/** Dollars: "$0.0042", "$12.34", "$1,234". */
export function dollars(x: number): string {
  if (x === 0) return '$0';
  if (x < 1) return `$${x.toPrecision(2)}`;
  if (x < 1000) return `$${x.toFixed(2)}`;
  return `$${int(x)}`;
}

/** Seconds as "57m18s" / "8h" / "41s". */
export function span(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', r || (!h && !m) ? `${r}s` : ''].join('');
}

/** Milliseconds as a config-style duration: 30000 -> "30s", 200 -> "200ms". */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return ms % 1000 === 0 ? span(ms / 1000) : `${ms / 1000}s`;
}

/** Left-aligned first column, right-aligned others; a blank line never. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
