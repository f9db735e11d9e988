/**
 * Traffic curves: the JSON files in loadtest/curves/ that both the k6
 * scripts (loadtest/lib/curve.js) and the built-in runner read. The format is
 * documented in docs/loadtest.md; in short, all times are in the curve's own
 * (uncompressed) time, durations are strings ("90s", "9h"), rates are
 * requests per second or "N/s", "N/m", "N/h":
 *
 *   { "name": "document-day", "duration": "24h",
 *     "request":  { "model": "llama", "api": "chat", "stream": true,
 *                   "promptTokens": {"min": 500, "max": 3000}, "outputTokens": 300 },
 *     "segments": [ { "start": "8h", "duration": "10h", "rate": "30/h" } ],
 *     "bursts":   [ { "at": "9h", "requests": 1000, "over": "5m" } ],
 *     "sessions": { "steps": {"min": 3, "max": 8}, "thinkTime": {"min": "2s", "max": "20s"} },
 *     "trace":    { "file": "../traces/sample.csv" } }
 *
 * Parsing is strict (unknown keys are errors) and every problem is reported
 * at once as `FILE: path: message`, so a typo never silently changes a test.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { readTraceCsv, type TraceRow } from './trace-csv.js';

/** An integer range sampled uniformly; a fixed value is { min: n, max: n }. */
export interface IntRange {
  min: number;
  max: number;
}

export interface RequestSpec {
  /** Empty when the curve names none (the runner then needs --model). */
  model: string;
  api: 'chat' | 'completions';
  /** Fraction of requests sent with stream: true (true = 1, false = 0). */
  streamFraction: number;
  promptTokens: IntRange;
  outputTokens: IntRange;
}

/** Poisson arrivals at a rate going linearly from `rate` to `endRate` (per second). */
export interface Segment {
  startS: number;
  durationS: number;
  rate: number;
  endRate: number;
}

/** Exactly `requests` arrivals, spread uniformly at random over [atS, atS + overS]. */
export interface Burst {
  atS: number;
  requests: number;
  overS: number;
}

/** Each arrival starts a session of several sequential requests. */
export interface SessionSpec {
  steps: IntRange;
  thinkTimeS: { min: number; max: number };
  /** Tokens added to the prompt at each step (the conversation and tool results grow). */
  contextGrowthTokens: number;
}

export interface TraceSpec {
  file: string;
  rows: TraceRow[];
}

export interface Curve {
  name: string;
  description: string;
  /** The file it came from (for messages), or a label. */
  file: string;
  durationS: number;
  request: RequestSpec;
  segments: Segment[];
  bursts: Burst[];
  sessions: SessionSpec | undefined;
  trace: TraceSpec | undefined;
}

export class CurveError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'CurveError';
  }
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600 };
const RATE = /^(\d+(?:\.\d+)?)\/(s|m|h)$/;

const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "90s", "5m", "1h30m", got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return ms / 1000;
});

const rate = z.union([z.number().min(0), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = RATE.exec(v);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected requests per second (a number) or "N/s", "N/m", "N/h", got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return Number(m[1]) / (UNIT_S[m[2] ?? 's'] ?? 1);
});

const tokens = z.union([z.number().int().positive(), z.strictObject({ min: z.number().int().positive(), max: z.number().int().positive() })]);

const curveSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  duration: duration.optional(),
  request: z
    .strictObject({
      model: z.string().optional(),
      api: z.enum(['chat', 'completions']).optional(),
      stream: z.union([z.boolean(), z.number().min(0).max(1)]).optional(),
      promptTokens: tokens.optional(),
      outputTokens: tokens.optional(),
    })
    .optional(),
  segments: z.array(z.strictObject({ start: duration, duration, rate, endRate: rate.optional() })).optional(),
  bursts: z.array(z.strictObject({ at: duration, requests: z.number().int().positive(), over: duration.optional() })).optional(),
  sessions: z
    .strictObject({
      steps: tokens,
      thinkTime: z.union([duration, z.strictObject({ min: duration, max: duration })]),
      contextGrowthTokens: z.number().int().min(0).optional(),
    })
    .optional(),
  trace: z.strictObject({ file: z.string().min(1), timestampUnit: z.enum(['s', 'ms']).optional() }).optional(),
});

type RawCurve = z.output<typeof curveSchema>;

const DEFAULT_BURST_OVER_S = 1;

function range(v: number | IntRange | undefined, dflt: number): IntRange {
  if (v === undefined) return { min: dflt, max: dflt };
  return typeof v === 'number' ? { min: v, max: v } : v;
}

/** Reads a curve file; a trace it names is read relative to the curve's folder. */
export function loadCurveFile(file: string): Curve {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CurveError(file, [`cannot read the curve: ${(err as Error).message}`]);
  }
  return parseCurve(text, file, (traceFile, unit) => {
    const path = resolve(dirname(file), traceFile);
    try {
      return readTraceCsv(readFileSync(path, 'utf8'), path, unit);
    } catch (err) {
      throw new CurveError(file, [`trace.file: ${(err as Error).message}`]);
    }
  });
}

export type TraceLoader = (file: string, unit: 's' | 'ms') => TraceRow[];

/** Parses curve JSON text. `loadTrace` reads the trace a curve names (tests pass a stub). */
export function parseCurve(text: string, file: string, loadTrace?: TraceLoader): Curve {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CurveError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  const parsed = curveSchema.safeParse(json);
  if (!parsed.success) {
    throw new CurveError(file, parsed.error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.message}`));
  }
  const raw = parsed.data;
  const problems = crossChecks(raw);
  if (problems.length > 0) throw new CurveError(file, problems);
  let trace: TraceSpec | undefined;
  if (raw.trace) {
    if (!loadTrace) throw new CurveError(file, ['trace.file: this curve names a trace; load it with loadCurveFile']);
    trace = { file: raw.trace.file, rows: loadTrace(raw.trace.file, raw.trace.timestampUnit ?? 's') };
  }
  return build(raw, file, trace);
}

function build(raw: RawCurve, file: string, trace: TraceSpec | undefined): Curve {
  const segments = (raw.segments ?? []).map((s) => ({ startS: s.start, durationS: s.duration, rate: s.rate, endRate: s.endRate ?? s.rate }));
  const bursts = (raw.bursts ?? []).map((b) => ({ atS: b.at, requests: b.requests, overS: b.over ?? DEFAULT_BURST_OVER_S }));
  const think = raw.sessions?.thinkTime;
  const end = Math.max(0, ...segments.map((s) => s.startS + s.durationS), ...bursts.map((b) => b.atS + b.overS), ...(trace?.rows.map((r) => r.t) ?? []));
  const r = raw.request ?? {};
  const stream = r.stream ?? true;
  return {
    name: raw.name,
    description: raw.description ?? '',
    file,
    durationS: raw.duration ?? end,
    request: {
      model: r.model ?? '',
      api: r.api ?? 'chat',
      streamFraction: typeof stream === 'number' ? stream : stream ? 1 : 0,
      promptTokens: range(r.promptTokens, 256),
      outputTokens: range(r.outputTokens, 128),
    },
    segments,
    bursts,
    sessions:
      raw.sessions && think !== undefined
        ? {
          steps: range(raw.sessions.steps, 1),
          thinkTimeS: typeof think === 'number' ? { min: think, max: think } : think,
          contextGrowthTokens: raw.sessions.contextGrowthTokens ?? 0,
        }
      : undefined,
    trace,
  };
}

/** What the schema cannot say: ranges in order, something to send, everything inside `duration`. */
function crossChecks(raw: RawCurve): string[] {
  const out: string[] = [];
  const checkRange = (path: string, v: number | IntRange | undefined): void => {
    if (v !== undefined && typeof v !== 'number' && v.min > v.max) out.push(`${path}: min ${v.min} is greater than max ${v.max}`);
  };
  checkRange('request.promptTokens', raw.request?.promptTokens);
  checkRange('request.outputTokens', raw.request?.outputTokens);
  checkRange('sessions.steps', raw.sessions?.steps);
  const think = raw.sessions?.thinkTime;
  if (think !== undefined && typeof think !== 'number' && think.min > think.max) out.push(`sessions.thinkTime: min ${think.min}s is greater than max ${think.max}s`);
  if (!raw.segments?.length && !raw.bursts?.length && !raw.trace) out.push('(top level): the curve sends nothing: give segments, bursts or a trace');
  (raw.segments ?? []).forEach((s, i) => {
    if (s.duration <= 0) out.push(`segments[${i}].duration: must be more than 0`);
    if (raw.duration !== undefined && s.start + s.duration > raw.duration) out.push(`segments[${i}]: ends at ${s.start + s.duration}s, after the curve's duration (${raw.duration}s)`);
  });
  (raw.bursts ?? []).forEach((b, i) => {
    if (b.over !== undefined && b.over <= 0) out.push(`bursts[${i}].over: must be more than 0`);
    if (raw.duration !== undefined && b.at + (b.over ?? DEFAULT_BURST_OVER_S) > raw.duration) out.push(`bursts[${i}]: ends after the curve's duration (${raw.duration}s)`);
  });
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** The number of arrivals the curve offers on average (sessions count once each). */
export function expectedArrivals(curve: Curve): number {
  const seg = curve.segments.reduce((n, s) => n + ((s.rate + s.endRate) / 2) * s.durationS, 0);
  const bursts = curve.bursts.reduce((n, b) => n + b.requests, 0);
  return seg + bursts + (curve.trace?.rows.length ?? 0);
}
