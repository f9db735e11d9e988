/**
 * The load runner's library API (what `pilotlight loadtest` uses):
 *
 *   const curve = loadCurveFile('loadtest/curves/document-day.json');
 *   const run = await runLoadtest({ curve, target: 'http://127.0.0.1:8080', timeScale: 0.001, adminUrl: 'http://127.0.0.1:9090' });
 *   process.stdout.write(formatSummary(run.summary));
 *   writeFileSync('report.html', renderHtmlReport(run));
 */
export { CurveError, expectedArrivals, loadCurveFile, parseCurve, type Curve } from './curve.js';
export { arrivalTimes, planArrivals, plannedRequests, type PlannedArrival, type PlanOptions } from './arrivals.js';
export { runLoadtest, normalizeTarget, DEFAULT_MAX_IN_FLIGHT, type Progress, type RunOptions, type RunResult } from './runner.js';
export { summarize, type RequestResult, type Summary } from './summary.js';
export { formatProgress, formatSummary } from './format.js';
export { renderHtmlReport } from './report-html.js';
export { percentiles, quantileSorted } from './stats.js';
export { readTraceCsv, TraceError, type TraceRow } from './trace-csv.js';
