/**
 * `--html FILE`: one self-contained page (inline CSS and SVG, no script)
 * with the demand, the replicas each policy held and its cold starts over
 * time, and the cost vs cold-start trade-off of every policy on one plot.
 */
import type { SimulationResult } from '../simulate.js';
import { dollars, int, percent, span, waitMs } from './format.js';
import type { RunDescription } from './json.js';
import { escapeHtml, lineChart, PALETTE, scatter, type Series } from './svg.js';
import { textReport } from './text.js';

const CSS = `body{font-family:sans-serif;max-width:980px;margin:24px auto;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}h2{margin-top:28px}pre{font-size:11px;overflow-x:auto;background:#f6f6f6;padding:8px}`;

export function htmlReport(r: SimulationResult, run: RunDescription): string {
  const color = (i: number): string => PALETTE[i % PALETTE.length] ?? '#000';
  const stepMin = r.demand.bucketS / 60;
  const replicas: Series[] = r.policies.map((p, i) => ({ name: p.policy, values: p.timeline.replicas, color: color(i) }));
  const cold: Series[] = r.policies.map((p, i) => ({ name: p.policy, values: p.timeline.coldStarts, color: color(i) }));
  const demand: Series[] = [{ name: 'requests/s', values: r.demand.requestsPerSecond, color: '#333' }];
  const points = r.policies.map((p, i) => ({ label: p.policy, x: p.gpuSeconds / 3600, y: p.coldStartFraction * 100, color: color(i) }));
  const rows = r.policies
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.policy)}</td><td>${int(p.coldStartRequests)}</td><td>${percent(p.coldStartFraction)}</td>` +
        `<td>${percent(p.p75ModelColdStartFraction)}</td><td>${waitMs(p.coldStartWaitMs.p95)}</td><td>${int(p.replicaStarts)}</td>` +
        `<td>${int(p.gpuSeconds / 3600)}</td><td>${int(p.idleGpuSeconds / 3600)}</td><td>${dollars(p.costUsd)}</td><td>${dollars(p.serverlessCostUsd)}</td></tr>`,
    )
    .join('\n');
  const title = `pilotlight simulate: ${r.trace.file}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${int(r.trace.requests)} requests, ${int(r.trace.models.length)} model(s), ${span(r.spanS)}. Dedicated for the peak: ${int(r.dedicated.gpuSeconds / 3600)} GPU-h, ${dollars(r.dedicated.costUsd)}.</p>
<h2>Cost vs cold starts</h2>
<p>Each policy on one plot: down and to the left is better. The oracle marks what is possible at zero cold-start waits.</p>
${scatter('cost vs cold-start trade-off', points, 'GPU-hours held', 'requests that waited for a cold start (%)')}
<table><tr><th>policy</th><th>cold waits</th><th>cold %</th><th>p75 model cold %</th><th>cold wait p95</th><th>starts</th><th>GPU-h held</th><th>idle GPU-h</th><th>cost</th><th>serverless</th></tr>
${rows}</table>
<h2>Demand</h2>
${lineChart('demand over time', demand, stepMin, 'minutes', 'requests per second')}
<h2>Replicas held</h2>
${lineChart('replicas over time', replicas, stepMin, 'minutes', 'replicas (average over bucket)')}
<h2>Cold starts</h2>
${lineChart('cold-start-delayed requests over time', cold, stepMin, 'minutes', 'requests per bucket')}
<h2>Full report</h2>
<pre>${escapeHtml(textReport(r, run))}</pre>
</body></html>
`;
}
