/** The end-of-run summary as a plain-text table, and the one-line progress bar. */
import type { Progress } from './runner.js';
import type { Percentiles } from './stats.js';
import type { Summary } from './summary.js';

function ms(v: number | null): string {
  if (v === null) return '-';
  return v >= 10_000 ? `${(v / 1000).toFixed(1)}s` : v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(0)}ms`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function row(label: string, p: Percentiles): string[] {
  return [label, p.count === 0 ? 'n/a' : `p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}  (n=${p.count})`];
}

export function formatSummary(s: Summary): string {
  const errors = Object.entries(s.errors.byCode);
  const rows: string[][] = [
    ['curve', `${s.curve}  (time scale ${s.timeScale}, seed ${s.seed})`],
    ['target', `${s.target}  model ${s.model}`],
    ['duration', `${s.durationS.toFixed(1)}s planned, ${s.elapsedS.toFixed(1)}s elapsed`],
    ['requests', `${s.requests.sent} sent of ${s.plannedRequests} planned${s.droppedRequests > 0 ? `, ${s.droppedRequests} dropped (--max-in-flight)` : ''}`],
    ['ok', `${s.requests.ok} (${pct(s.requests.sent > 0 ? s.requests.ok / s.requests.sent : 0)})`],
    ['errors', errors.length === 0 ? '0' : `${s.requests.failed}: ${errors.map(([c, n]) => `${c} ${n}`).join(', ')}`],
    ['cold starts', `${s.coldStarts.count} requests waited for a replica to start (${pct(s.coldStarts.fraction)})${s.coldStarts.refused > 0 ? `, ${s.coldStarts.refused} refused while waiting` : ''}`],
    row('cold-start wait', s.coldStarts.waitMs),
    row('TTFT', s.ttftMs),
    row('latency', s.latencyMs),
    ['rate', `offered ${s.rate.offeredRps.toFixed(2)}/s, achieved ${s.rate.achievedRps.toFixed(2)}/s, ok ${s.rate.okRps.toFixed(2)}/s`],
    ['send lag', s.sendLagMs.count === 0 ? 'n/a' : `p99 ${ms(s.sendLagMs.p99)} behind plan`],
  ];
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  return rows.map(([k, v]) => `  ${(k ?? '').padEnd(width)}  ${v ?? ''}`).join('\n') + '\n';
}

/** `[#######.......]  45%  1200/3050 sent  30 in flight  2 failed  12.0s/27.0s` */
export function formatProgress(p: Progress, width = 30): string {
  const frac = p.durationMs > 0 ? Math.min(1, p.elapsedMs / p.durationMs) : 1;
  const done = Math.round(frac * width);
  const bar = `[${'#'.repeat(done)}${'.'.repeat(width - done)}]`;
  const dropped = p.dropped > 0 ? `  ${p.dropped} dropped` : '';
  return `${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${p.sent}/${p.plannedRequests} sent  ${p.inFlight} in flight  ${p.failed} failed${dropped}  ${(p.elapsedMs / 1000).toFixed(1)}s/${(p.durationMs / 1000).toFixed(1)}s`;
}
