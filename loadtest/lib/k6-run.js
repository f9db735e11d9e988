// @ts-check
/**
 * What every pilotlight k6 script shares: options from a curve, one
 * iteration (a request, or a whole session), and the custom metrics.
 *
 * Environment (k6 run -e NAME=value):
 *   BASE_URL            gateway API base (default http://127.0.0.1:8080)
 *   CURVE               curve file, relative to the script (default: the script's own)
 *   MODEL               overrides the curve's model (and a trace's)
 *   TIME_SCALE          multiplies every duration: 0.001 plays a day in 86 s (default 1)
 *   SEED                Math.random seed per VU (default 1)
 *   PRE_VUS / MAX_VUS   VU pool per scenario (default 50 / 2000)
 *   TRACE_BIN_S         trace replay bin, in trace seconds (default 1)
 *   MAX_ERROR_RATE      threshold on http_req_failed (default 0.01)
 *   COLD_START_P95_MS   threshold on the p95 cold-start wait (default 600000)
 *   TTFB_P95_MS         threshold on the p95 time to first byte (default 600000)
 */
import { check, randomSeed, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import { buildScenarios, parseCurve, parseTraceCsv, siblingPath } from './curve.js';

/**
 * k6 reads whole bodies, so it cannot see the first token of a stream;
 * `timings.waiting` (request sent -> first response byte) is what it has. For
 * pilotlight that is admission (queue and cold-start wait) plus the
 * replica's first event; use `pilotlight loadtest` for true TTFT.
 */
export const ttfb = new Trend('pilotlight_ttfb', true);
/** x-pilotlight-queue-wait-ms of requests that waited for a replica to start and were then served. */
export const coldStartWait = new Trend('pilotlight_cold_start_wait', true);
export const queueWait = new Trend('pilotlight_queue_wait', true);
/** Fraction of requests that found no ready replica (x-pilotlight-cold-start: true). */
export const coldStartHits = new Rate('pilotlight_cold_start_hits');
/** Failed requests by OpenAI error code (tag `code`). */
export const errors = new Counter('pilotlight_errors');

/**
 * @typedef {import('./curve.js').K6Curve} K6Curve
 * @typedef {import('./curve.js').TraceRow} TraceRow
 * @typedef {{ curve: K6Curve, trace: TraceRow[], base: string, model: string, timeScale: number }} Test
 */

const env = (/** @type {string} */ name, /** @type {string} */ dflt) => __ENV[name] ?? dflt;

/**
 * Call from the script's init code with its own `open`, so relative paths
 * resolve against the script (k6 resolves open() paths at the call site).
 * @returns {Test}
 */
export function loadTest(/** @type {string} */ defaultCurve, /** @type {(path: string) => string} */ read) {
  const file = env('CURVE', defaultCurve);
  const curve = parseCurve(read(file));
  // One parsed copy of the trace, shared read-only by every VU (SharedArray), not one per VU.
  const traceFile = curve.traceFile;
  /** @type {TraceRow[]} */
  const trace = traceFile ? new SharedArray(`trace ${file}`, () => parseTraceCsv(read(siblingPath(file, traceFile)), curve.traceUnit)) : [];
  const model = __ENV.MODEL ?? curve.request.model;
  if (!model && trace.some((r) => r.model === undefined)) throw new Error(`${file}: no model: set request.model in the curve or pass -e MODEL=...`);
  randomSeed(Number(env('SEED', '1')) * 1000 + (typeof __VU === 'number' ? __VU : 0));
  return { curve, trace, base: env('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, '').replace(/\/v1$/, ''), model, timeScale: Number(env('TIME_SCALE', '1')) };
}

/** @returns {import('k6/options').Options} */
export function k6Options(/** @type {Test} */ t) {
  return {
    scenarios: buildScenarios(t.curve, t.trace, {
      timeScale: t.timeScale,
      preAllocatedVUs: Number(env('PRE_VUS', '50')),
      maxVUs: Number(env('MAX_VUS', '2000')),
      traceBinS: Number(env('TRACE_BIN_S', '1')),
    }),
    thresholds: {
      http_req_failed: [`rate<${env('MAX_ERROR_RATE', '0.01')}`],
      checks: ['rate>0.99'],
      pilotlight_cold_start_wait: [`p(95)<${env('COLD_START_P95_MS', '600000')}`],
      pilotlight_ttfb: [`p(95)<${env('TTFB_P95_MS', '600000')}`],
    },
    summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count'],
    tags: { curve: t.curve.name },
  };
}

const randInt = (/** @type {{ min: number, max: number }} */ r) => r.min + Math.floor(Math.random() * (r.max - r.min + 1));
const FILLER = 'the quick brown fox jumps over the lazy dog while the pilot light keeps the boiler warm ';

/** ~4 characters per token, minus the chat template's ~9 (as src/loadtest/request-body.ts). */
export function promptText(/** @type {number} */ tokens, /** @type {number} */ overhead, /** @type {string} */ id) {
  const chars = Math.max(1, tokens - overhead) * 4;
  const head = `[${id}] `;
  return (head + FILLER.repeat(Math.ceil(chars / FILLER.length))).slice(0, chars);
}

/** The OpenAI error code of a failed response (`queue_full`), else `http_<status>`. */
function errorCode(/** @type {import('k6/http').RefinedResponse<'text'>} */ res, /** @type {boolean} */ streamError) {
  try {
    const body = String(res.body ?? '');
    const json = JSON.parse(streamError ? (/^data: (\{"error".*)$/m.exec(body)?.[1] ?? '{}') : body);
    if (typeof json?.error?.code === 'string') return json.error.code;
  } catch {
    // not JSON
  }
  return res.status === 0 ? 'network_error' : `http_${res.status}`;
}

/**
 * One request. Returns true when it succeeded.
 * @param {Test} t
 * @param {{ model: string, promptTokens: number, outputTokens: number, stream: boolean, id: string, sessionId?: string, step?: number }} r
 */
export function sendRequest(t, r) {
  const chat = t.curve.request.api === 'chat';
  const path = chat ? '/v1/chat/completions' : '/v1/completions';
  const body = chat
    ? { model: r.model, messages: [{ role: 'user', content: promptText(r.promptTokens, 9, r.id) }], max_tokens: r.outputTokens, stream: r.stream }
    : { model: r.model, prompt: promptText(r.promptTokens, 1, r.id), max_tokens: r.outputTokens, stream: r.stream };
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (r.sessionId !== undefined) headers['x-session-id'] = r.sessionId;
  const tags = { model: r.model, stream: String(r.stream), name: path, ...(r.step !== undefined ? { step: String(r.step) } : {}) };
  const res = http.post(`${t.base}${path}`, JSON.stringify(body), { headers, tags, timeout: '30m', responseType: 'text' });
  // k6 canonicalises header names (X-Pilotlight-Cold-Start).
  const cold = res.headers['X-Pilotlight-Cold-Start'] === 'true';
  const waitMs = Number(res.headers['X-Pilotlight-Queue-Wait-Ms'] ?? 'NaN');
  const streamError = r.stream && res.status === 200 && /^data: \{"error"/m.test(String(res.body ?? ''));
  ttfb.add(res.timings.waiting, tags);
  coldStartHits.add(cold, tags);
  if (!Number.isNaN(waitMs)) queueWait.add(waitMs, tags);
  if (cold && res.headers['X-Pilotlight-Replica'] !== undefined) coldStartWait.add(waitMs, tags);
  const ok = check(res, { 'status is 2xx': (x) => x.status >= 200 && x.status < 300, 'stream has no error event': () => !streamError }, tags);
  if (!ok) errors.add(1, { ...tags, code: errorCode(res, streamError) });
  return ok;
}

/** One iteration: a request, a trace row, or (with `sessions`) a whole session. */
export function runIteration(/** @type {Test} */ t) {
  const { curve } = t;
  const row = exec.scenario.name === 'trace' ? t.trace[exec.scenario.iterationInTest % Math.max(1, t.trace.length)] : undefined;
  const model = __ENV.MODEL ?? row?.model ?? t.model;
  const id = `${exec.scenario.name}-${exec.scenario.iterationInTest}`;
  const steps = curve.sessions ? randInt(curve.sessions.steps) : 1;
  const prompt = row?.promptTokens ?? randInt(curve.request.promptTokens);
  for (let k = 0; k < steps; k++) {
    if (k > 0 && curve.sessions) {
      const think = curve.sessions.thinkTimeS;
      sleep((think.min + Math.random() * (think.max - think.min)) * t.timeScale);
    }
    sendRequest(t, {
      model,
      promptTokens: Math.max(1, prompt + (curve.sessions ? k * curve.sessions.contextGrowthTokens : 0)),
      outputTokens: Math.max(1, row?.outputTokens ?? randInt(curve.request.outputTokens)),
      stream: Math.random() < curve.request.streamFraction,
      id: `${id}.${k}`,
      ...(curve.sessions ? { sessionId: id, step: k } : {}),
    });
  }
}
