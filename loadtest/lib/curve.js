// @ts-check
/**
 * Traffic curves for k6: reads the curve files in ../curves (the same files
 * `pilotlight loadtest` reads; format in docs/loadtest.md) and turns them
 * into k6 scenarios. Pure JavaScript, no k6 import, so Node tests can check
 * it against the built-in runner (test/unit/loadtest/k6-curve.test.ts).
 *
 * Mapping (TIME_SCALE s multiplies every duration and divides every rate, so
 * the number of requests stays the same):
 *   segment {start, duration, rate, endRate} -> ramping-arrival-rate,
 *       startTime = start·s, startRate = rate, one stage to endRate over duration·s
 *   burst {at, requests, over}               -> constant-arrival-rate,
 *       startTime = at·s, exactly `requests` iterations spread over over·s
 *   trace                                    -> ramping-arrival-rate whose rate
 *       holds each bin's count (instant jumps: 0 s stages); iteration k replays row k
 * k6 rates are integers per timeUnit, so each scenario picks a timeUnit long
 * enough that rounding moves its rate by at most 0.5 %.
 */

/**
 * @typedef {{ min: number, max: number }} Range
 * @typedef {{ startS: number, durationS: number, rate: number, endRate: number }} Segment
 * @typedef {{ atS: number, requests: number, overS: number }} Burst
 * @typedef {{ t: number, model?: string, promptTokens?: number, outputTokens?: number }} TraceRow
 * @typedef {{ steps: Range, thinkTimeS: Range, contextGrowthTokens: number }} Sessions
 * @typedef {{
 *   name: string, durationS: number,
 *   request: { model: string, api: 'chat' | 'completions', streamFraction: number, promptTokens: Range, outputTokens: Range },
 *   segments: Segment[], bursts: Burst[], sessions: Sessions | undefined, traceFile: string | undefined,
 *   traceUnit: 's' | 'ms'
 * }} K6Curve
 */

const UNIT_MS = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 });

/** "1h30m" -> 5400 (seconds). Throws on anything else, naming the field. */
export function parseDurationS(/** @type {unknown} */ v, /** @type {string} */ field) {
  if (typeof v !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(v)) throw new Error(`${field}: expected a duration like "90s", got ${JSON.stringify(v)}`);
  let ms = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return ms / 1000;
}

/** 5, "30/m", "120/h" -> requests per second. */
export function parseRate(/** @type {unknown} */ v, /** @type {string} */ field) {
  if (typeof v === 'number' && v >= 0) return v;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\/(s|m|h)$/.exec(v) : null;
  if (!m) throw new Error(`${field}: expected requests per second or "N/s", "N/m", "N/h", got ${JSON.stringify(v)}`);
  return Number(m[1]) / ({ s: 1, m: 60, h: 3600 }[/** @type {'s' | 'm' | 'h'} */ (m[2])]);
}

/** @returns {Range} */
function range(/** @type {unknown} */ v, /** @type {number} */ dflt) {
  if (v === undefined) return { min: dflt, max: dflt };
  if (typeof v === 'number') return { min: v, max: v };
  const r = /** @type {Range} */ (v);
  return { min: r.min, max: r.max };
}

/**
 * Reads curve JSON. `durationS` is the explicit duration or the end of the
 * last segment or burst; a trace's length is not known here and k6 does not
 * need it (the trace scenario's stages carry it).
 * Validation here is light on purpose: the built-in
 * runner's strict parser (`pilotlight loadtest`) checks every shipped curve
 * in the tests; run it on your own curves too.
 * @returns {K6Curve}
 */
export function parseCurve(/** @type {string} */ text) {
  const raw = JSON.parse(text);
  const r = raw.request ?? {};
  const stream = r.stream ?? true;
  /** @type {Segment[]} */
  const segments = (raw.segments ?? []).map((/** @type {any} */ s, /** @type {number} */ i) => ({
    startS: parseDurationS(s.start, `segments[${i}].start`),
    durationS: parseDurationS(s.duration, `segments[${i}].duration`),
    rate: parseRate(s.rate, `segments[${i}].rate`),
    endRate: parseRate(s.endRate ?? s.rate, `segments[${i}].endRate`),
  }));
  /** @type {Burst[]} */
  const bursts = (raw.bursts ?? []).map((/** @type {any} */ b, /** @type {number} */ i) => ({
    atS: parseDurationS(b.at, `bursts[${i}].at`),
    requests: b.requests,
    overS: b.over === undefined ? 1 : parseDurationS(b.over, `bursts[${i}].over`),
  }));
  const think = raw.sessions?.thinkTime;
  const end = Math.max(0, ...segments.map((s) => s.startS + s.durationS), ...bursts.map((b) => b.atS + b.overS));
  return {
    name: raw.name,
    durationS: raw.duration === undefined ? end : parseDurationS(raw.duration, 'duration'),
    request: {
      model: r.model ?? '',
      api: r.api ?? 'chat',
      streamFraction: typeof stream === 'number' ? stream : stream ? 1 : 0,
      promptTokens: range(r.promptTokens, 256),
      outputTokens: range(r.outputTokens, 128),
    },
    segments,
    bursts,
    sessions: raw.sessions
      ? {
          steps: range(raw.sessions.steps, 1),
          thinkTimeS: typeof think === 'string' ? { min: parseDurationS(think, 'sessions.thinkTime'), max: parseDurationS(think, 'sessions.thinkTime') } : { min: parseDurationS(think.min, 'sessions.thinkTime.min'), max: parseDurationS(think.max, 'sessions.thinkTime.max') },
          contextGrowthTokens: raw.sessions.contextGrowthTokens ?? 0,
        }
      : undefined,
    traceFile: raw.trace?.file,
    traceUnit: raw.trace?.timestampUnit === 'ms' ? 'ms' : 's',
  };
}

/** An ISO-8601 time in seconds; no zone means UTC (as the runner's and the simulator's readers). */
function isoSeconds(/** @type {string} */ ts) {
  return Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(ts) ? ts : `${ts}Z`) / 1000;
}

/**
 * Plain CSV trace rows (`timestamp[,model,prompt_tokens,output_tokens]`),
 * re-based on the first. Timestamps are numbers (seconds, or ms with
 * `unit` "ms", the curve's trace.timestampUnit) or ISO-8601 times, as
 * `pilotlight loadtest` reads them; a header is optional (columns in any
 * order, `t` for `timestamp`). Validation is the runner's job.
 */
export function parseTraceCsv(/** @type {string} */ text, /** @type {'s' | 'ms'} */ unit = 's') {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const unquote = (/** @type {string} */ v) => v.trim().replace(/^"(.*)"$/, '$1');
  const first = (lines[0] ?? '').split(',').map(unquote);
  const header = Number.isNaN(Number(first[0])) && Number.isNaN(Date.parse(first[0] ?? ''));
  const cols = header ? first.map((c) => (c === 't' ? 'timestamp' : c)) : ['timestamp', 'model', 'prompt_tokens', 'output_tokens'];
  /** @type {TraceRow[]} */
  const rows = [];
  for (const line of header ? lines.slice(1) : lines) {
    /** @type {Record<string, string>} */
    const f = {};
    line.split(',').forEach((v, k) => {
      const c = cols[k];
      if (c !== undefined && v.trim() !== '') f[c] = unquote(v);
    });
    const ts = f.timestamp ?? '';
    const n = Number(ts);
    /** @type {TraceRow} */
    const row = { t: ts !== '' && !Number.isNaN(n) ? n * (unit === 'ms' ? 0.001 : 1) : isoSeconds(ts) };
    if (f.model !== undefined) row.model = f.model;
    if (f.prompt_tokens !== undefined) row.promptTokens = Number(f.prompt_tokens);
    if (f.output_tokens !== undefined) row.outputTokens = Number(f.output_tokens);
    rows.push(row);
  }
  const base = rows[0]?.t ?? 0;
  for (const row of rows) row.t -= base;
  return rows;
}

/** Arrivals the curve offers on average (a session counts once). */
export function expectedArrivals(/** @type {K6Curve} */ curve, /** @type {TraceRow[]} */ trace = []) {
  const seg = curve.segments.reduce((n, s) => n + ((s.rate + s.endRate) / 2) * s.durationS, 0);
  return seg + curve.bursts.reduce((n, b) => n + b.requests, 0) + trace.length;
}

/** k6 duration string, whole milliseconds ("86400000ms" is valid k6). */
export function k6Duration(/** @type {number} */ seconds) {
  return `${Math.max(0, Math.round(seconds * 1000))}ms`;
}

/** A timeUnit (seconds) for which `rate`/s becomes an integer of at least 200 per unit (≤ 0.25 % rounding). */
export function timeUnitFor(/** @type {number} */ peakRatePerS) {
  if (!(peakRatePerS > 0)) return 1;
  return Math.max(0.001, Math.ceil((200 / peakRatePerS) * 1000) / 1000);
}

/**
 * @typedef {{ timeScale: number, preAllocatedVUs: number, maxVUs: number, traceBinS: number }} ScenarioOptions
 * @returns {Record<string, import('k6/options').Scenario>}
 */
export function buildScenarios(/** @type {K6Curve} */ curve, /** @type {TraceRow[]} */ trace, /** @type {ScenarioOptions} */ o) {
  const s = o.timeScale;
  /** @type {Record<string, import('k6/options').Scenario>} */
  const out = {};
  const vus = (/** @type {number} */ peakConcurrency) => ({ preAllocatedVUs: Math.min(o.maxVUs, Math.max(1, Math.min(o.preAllocatedVUs, Math.ceil(peakConcurrency)))), maxVUs: o.maxVUs });
  curve.segments.forEach((seg, i) => {
    const peak = Math.max(seg.rate, seg.endRate) / s;
    const unit = timeUnitFor(peak);
    out[`segment_${i}`] = {
      executor: 'ramping-arrival-rate',
      startTime: k6Duration(seg.startS * s),
      timeUnit: k6Duration(unit),
      startRate: Math.round((seg.rate / s) * unit),
      stages: [{ duration: k6Duration(seg.durationS * s), target: Math.round((seg.endRate / s) * unit) }],
      ...vus(peak),
      tags: { part: `segments[${i}]` },
    };
  });
  curve.bursts.forEach((b, i) => {
    out[`burst_${i}`] = {
      executor: 'constant-arrival-rate',
      startTime: k6Duration(b.atS * s),
      rate: b.requests,
      // k6 rejects a 0 ms timeUnit: a burst compressed below 1 ms takes 1 ms.
      timeUnit: k6Duration(Math.max(0.001, b.overS * s)),
      duration: k6Duration(Math.max(0.001, b.overS * s)),
      ...vus(b.requests),
      tags: { part: `bursts[${i}]` },
    };
  });
  if (trace.length > 0) out.trace = traceScenario(trace, o);
  return out;
}

/** @returns {import('k6/options').RampingArrivalRateScenario} */
function traceScenario(/** @type {TraceRow[]} */ trace, /** @type {ScenarioOptions} */ o) {
  const bin = Math.max(o.traceBinS, 0.001 / o.timeScale);
  const counts = /** @type {number[]} */ ([]);
  for (const row of trace) {
    const k = Math.floor(row.t / bin);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  // Each bin: jump to its count per bin (0 s stage), hold it for one bin.
  const stages = [];
  for (let k = 0; k < counts.length; k++) {
    const n = counts[k] ?? 0;
    stages.push({ duration: '0ms', target: n }, { duration: k6Duration(bin * o.timeScale), target: n });
  }
  // counts is sparse (empty bins are holes): Array.from fills them with 0.
  const peak = Math.max(0, ...Array.from(counts, (c) => c ?? 0));
  return {
    executor: 'ramping-arrival-rate',
    timeUnit: k6Duration(bin * o.timeScale),
    startRate: 0,
    stages,
    preAllocatedVUs: Math.min(o.maxVUs, Math.max(1, Math.min(o.preAllocatedVUs, peak))),
    maxVUs: o.maxVUs,
    tags: { part: 'trace' },
  };
}

/** Resolves `rel` against the folder of `from` (both as k6's open() takes them). */
export function siblingPath(/** @type {string} */ from, /** @type {string} */ rel) {
  if (rel.startsWith('/')) return rel;
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : './';
  return `${dir}${rel}`;
}
