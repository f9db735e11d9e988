/**
 * The run as one self-contained HTML page (inline SVG and CSS, no scripts,
 * no network): the summary table, then three lanes on one time axis, so
 * cause and effect line up vertically:
 *
 *   offered load   arrivals the curve offered per second (bars), ok and
 *                  failed responses per second (by send time)
 *   replicas       desired / pending / starting / ready / draining, sampled
 *                  from /admin/models
 *   latency        p50 / p95 latency and p95 TTFT of requests sent in each
 *                  bin; every cold-start request and every failure as a dot
 */
import type { RunResult } from './runner.js';
import { quantileSorted } from './stats.js';
import type { RequestResult } from './summary.js';
import { axes, bars, dots, esc, line, niceMax, stepLine, type Lane } from './svg.js';
import { formatSummary } from './format.js';

const WIDTH = 1000;
const LEFT = 70;
const PLOT_W = WIDTH - LEFT - 20;
const LANE_H = 170;
const GAP = 60;
const BINS = 120;
const MAX_DOTS = 3000;

function binned<T>(items: readonly T[], at: (t: T) => number, binS: number, n: number): T[][] {
  const out: T[][] = Array.from({ length: n }, () => []);
  for (const it of items) out[Math.min(n - 1, Math.max(0, Math.floor(at(it) / binS)))]?.push(it);
  return out;
}

function fmtMs(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}s` : `${Math.round(v)}ms`;
}

/** Every k-th item so that at most `max` remain (keeps the page light on long runs). */
function thin<T>(items: readonly T[], max: number): T[] {
  const k = Math.ceil(items.length / max);
  return k <= 1 ? [...items] : items.filter((_, i) => i % k === 0);
}

function loadLane(run: RunResult, lane: Lane, binS: number): string {
  const rate = (xs: unknown[][]): number[] => xs.map((b) => b.length / binS);
  const offered = rate(binned(run.plan, (a) => a.atMs / 1000, binS, BINS));
  const ok = rate(binned(run.results.filter((r) => r.ok), (r) => r.sentMs / 1000, binS, BINS));
  const failed = rate(binned(run.results.filter((r) => !r.ok), (r) => r.sentMs / 1000, binS, BINS));
  const l = { ...lane, yMax: niceMax(Math.max(...offered, ...ok, ...failed, 0.001)) };
  const mid = (i: number): number => (i + 0.5) * binS;
  return [
    axes(l, 'Offered load (arrivals/s, bars) · ok responses/s (green) · failed/s (red)', (v) => `${Number(v.toPrecision(3))}/s`),
    bars(l, binS, offered, 'offered'),
    line(l, ok.map((v, i) => [mid(i), v]), 'ok'),
    bars(l, binS, failed, 'failed'),
  ].join('');
}

function replicaLane(run: RunResult, lane: Lane): string {
  const s = run.replicaSamples;
  if (s.length === 0) return `${axes({ ...lane, yMax: 1 }, 'Replicas: not sampled (pass --admin URL)', String)}`;
  const l = { ...lane, yMax: niceMax(Math.max(1, ...s.map((p) => Math.max(p.desired ?? 0, p.starting + p.ready + p.pending + p.draining)))) };
  const pts = (f: (p: (typeof s)[number]) => number): [number, number][] => s.map((p) => [p.tMs / 1000, f(p)]);
  return [
    axes(l, 'Replicas: desired (dashed) · pending (grey) · starting (orange) · ready (green) · draining (brown)', (v) => String(v)),
    stepLine(l, pts((p) => p.pending), 'pending'),
    stepLine(l, pts((p) => p.starting), 'starting'),
    stepLine(l, pts((p) => p.ready), 'ready'),
    stepLine(l, pts((p) => p.draining), 'draining'),
    stepLine(l, pts((p) => p.desired ?? 0), 'desired'),
  ].join('');
}

function latencyLane(run: RunResult, lane: Lane, binS: number): string {
  const ok = run.results.filter((r) => r.ok);
  const bins = binned(ok, (r) => r.sentMs / 1000, binS, BINS);
  const q = (rs: RequestResult[], f: (r: RequestResult) => number | undefined, p: number): number | null => {
    const v = rs.map(f).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
    return quantileSorted(v, p) ?? null;
  };
  const p50 = bins.map((b, i): [number, number | null] => [(i + 0.5) * binS, q(b, (r) => r.latencyMs, 0.5)]);
  const p95 = bins.map((b, i): [number, number | null] => [(i + 0.5) * binS, q(b, (r) => r.latencyMs, 0.95)]);
  const ttft = bins.map((b, i): [number, number | null] => [(i + 0.5) * binS, q(b, (r) => (r.stream ? r.ttftMs : undefined), 0.95)]);
  const cold = thin(run.results.filter((r) => r.coldStart && r.ok), MAX_DOTS).map((r): [number, number] => [r.sentMs / 1000, r.latencyMs]);
  const failed = thin(run.results.filter((r) => !r.ok), MAX_DOTS).map((r): [number, number] => [r.sentMs / 1000, r.latencyMs]);
  const all = [...p95.map((p) => p[1] ?? 0), ...cold.map((c) => c[1]), ...failed.map((c) => c[1])];
  const l = { ...lane, yMax: niceMax(Math.max(1, ...all)) };
  return [
    axes(l, 'Latency by send time: p50 (blue) · p95 (purple) · TTFT p95 (teal) · cold-start requests (orange dots) · failures (red dots)', fmtMs),
    line(l, p50, 'p50'),
    line(l, p95, 'p95'),
    line(l, ttft, 'ttft'),
    dots(l, cold, 'cold'),
    dots(l, failed, 'faildot'),
  ].join('');
}

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;overflow:auto}
.title{font-weight:600;font-size:13px}.grid{stroke:#e4e4e4}.ylab{font-size:11px;text-anchor:end;dominant-baseline:middle}.xlab{font-size:11px;text-anchor:middle}
.offered{fill:#9ecae1}.failed{fill:#d62728}.ok{fill:none;stroke:#2ca02c;stroke-width:2}
.pending{fill:none;stroke:#999;stroke-width:2}.starting{fill:none;stroke:#ff7f0e;stroke-width:2}.ready{fill:none;stroke:#2ca02c;stroke-width:2.5}.draining{fill:none;stroke:#8c564b;stroke-width:2}.desired{fill:none;stroke:#222;stroke-width:1.5;stroke-dasharray:5 4}
.p50{fill:none;stroke:#1f77b4;stroke-width:2}.p95{fill:none;stroke:#9467bd;stroke-width:2}.ttft{fill:none;stroke:#17becf;stroke-width:2}.cold{fill:#ff7f0e;opacity:.6}.faildot{fill:#d62728;opacity:.7}`;

export function renderHtmlReport(run: RunResult): string {
  const s = run.summary;
  const lastS = Math.max(s.durationS, s.elapsedS, ...run.replicaSamples.map((p) => p.tMs / 1000));
  const binS = Math.max(lastS / BINS, 0.001);
  const lane = (i: number): Lane => ({ top: 30 + i * (LANE_H + GAP), height: LANE_H, left: LEFT, width: PLOT_W, xMax: binS * BINS, yMax: 1 });
  const height = 30 + 3 * (LANE_H + GAP);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="load, replicas and latency over time">${loadLane(run, lane(0), binS)}${replicaLane(run, lane(1))}${latencyLane(run, lane(2), binS)}</svg>`;
  const admin = run.adminErrors > 0 ? `<p>${run.adminErrors} admin API polls failed; gaps in the replica lane are those.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pilotlight loadtest: ${esc(s.curve)}</title><style>${CSS}</style></head>
<body><h1>pilotlight loadtest: ${esc(s.curve)}</h1>
<pre>${esc(formatSummary(s))}</pre>
${admin}${svg}
<p>Time axis: seconds since the run started (the curve's time × ${s.timeScale}). Each bin is ${binS.toFixed(3)} s.</p>
</body></html>
`;
}
