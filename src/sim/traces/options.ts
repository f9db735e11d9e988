/**
 * TraceOptions: one object for every reader. Validated strictly (unknown keys
 * and options that do not apply to the detected format are errors), because
 * the CLI passes user input straight through and a silently ignored option
 * makes a simulation answer a different question than the one asked.
 */
import { TraceError } from './trace-error.js';
import { TRACE_FORMATS, type TraceFormat } from './types.js';

export type ModelMapSpec =
  /** Deterministic FNV-1a hash buckets of the source model name: `model-0` .. `model-(n-1)`. */
  | { kind: 'hash'; models: number; prefix?: string }
  /** Keep the n busiest source models (inside the window); fold the rest into `other`, or drop them. */
  | { kind: 'top'; n: number; rest?: 'other' | 'drop' }
  /** Explicit source name -> output name; names not in the map are kept as they are, or dropped. */
  | { kind: 'map'; map: Record<string, string>; unmapped?: 'keep' | 'drop' };

export interface TraceWindow {
  /** Seconds from trace start (source time, before timeScale). Default 0. */
  startS?: number;
  /** Exclusive end, seconds from trace start. Default: end of trace. */
  endS?: number;
}

export interface TraceOptions {
  /** Skip detection. */
  format?: TraceFormat;
  /** Multiply every arrival time (after windowing): 0.5 replays twice as fast. Default 1. */
  timeScale?: number;
  /** Scale the request rate: < 1 thins, > 1 replicates (see docs/traces.md). Default 1. */
  rateScale?: number;
  window?: TraceWindow;
  modelMap?: ModelMapSpec;
  /** Model name for single-model traces (azure-llm-2023, mooncake) and for plain rows without a model. */
  defaultModel?: string;
  /** Seed of every random choice (ServeGen generation, rateScale). Default 1. */
  seed?: number;
  /** Refuse traces that would yield more arrivals than this. Default 20,000,000. */
  maxArrivals?: number;
  /** Plain csv/jsonl only: unit of numeric timestamps. Default 's'. */
  timestampUnit?: 's' | 'ms';
  /** Mooncake only: spread arrivals that share a quantised timestamp. Default true. */
  spreadQuantized?: boolean;
  /** Time-sorted formats (azure-llm-2023, mooncake, csv, jsonl): what to do with rows out of order. Default 'error'. */
  unsorted?: 'error' | 'sort';
}

export interface ResolvedOptions {
  timeScale: number;
  rateScale: number;
  startS: number;
  endS: number;
  modelMap: ModelMapSpec | undefined;
  defaultModel: string | undefined;
  seed: number;
  maxArrivals: number;
  timestampUnit: 's' | 'ms';
  spreadQuantized: boolean;
  unsorted: 'error' | 'sort';
}

export const DEFAULT_MAX_ARRIVALS = 20_000_000;

const KEYS = ['format', 'timeScale', 'rateScale', 'window', 'modelMap', 'defaultModel', 'seed', 'maxArrivals', 'timestampUnit', 'spreadQuantized', 'unsorted'];
/** Options that only mean something for some formats. */
const ONLY_FOR: Record<string, readonly TraceFormat[]> = {
  defaultModel: ['azure-llm-2023', 'mooncake', 'csv', 'jsonl'],
  timestampUnit: ['csv', 'jsonl'],
  spreadQuantized: ['mooncake'],
  unsorted: ['azure-llm-2023', 'mooncake', 'csv', 'jsonl'],
};

export function checkFormatOption(file: string, format: unknown): TraceFormat | undefined {
  if (format === undefined) return undefined;
  if (typeof format === 'string' && (TRACE_FORMATS as readonly string[]).includes(format)) return format as TraceFormat;
  throw new TraceError(file, undefined, `option format: unknown format ${JSON.stringify(format)}; expected one of ${TRACE_FORMATS.join(', ')}`);
}

type Fail = (message: string) => never;

export function resolveOptions(file: string, options: TraceOptions, format: TraceFormat): ResolvedOptions {
  const fail: Fail = (message) => {
    throw new TraceError(file, undefined, `option ${message}`);
  };
  checkKeys(options, format, fail);
  const { startS, endS } = checkWindow(options.window ?? {}, fail);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) fail(`seed: expected an integer, got ${String(seed)}`);
  const maxArrivals = options.maxArrivals ?? DEFAULT_MAX_ARRIVALS;
  if (!(maxArrivals === Infinity || (Number.isSafeInteger(maxArrivals) && maxArrivals > 0))) fail(`maxArrivals: expected a positive integer or Infinity, got ${String(maxArrivals)}`);
  if (options.spreadQuantized !== undefined && typeof options.spreadQuantized !== 'boolean') fail(`spreadQuantized: expected true or false`);
  if (options.defaultModel !== undefined && (typeof options.defaultModel !== 'string' || options.defaultModel === '')) fail('defaultModel: expected a non-empty string');
  return {
    timeScale: positive('timeScale', options.timeScale, 1, fail),
    rateScale: positive('rateScale', options.rateScale, 1, fail),
    startS,
    endS,
    modelMap: options.modelMap === undefined ? undefined : checkModelMap(options.modelMap, fail),
    defaultModel: options.defaultModel,
    seed,
    maxArrivals,
    timestampUnit: oneOf('timestampUnit', options.timestampUnit, ['s', 'ms'], 's', fail),
    spreadQuantized: options.spreadQuantized ?? true,
    unsorted: oneOf('unsorted', options.unsorted, ['error', 'sort'], 'error', fail),
  };
}

function checkKeys(options: TraceOptions, format: TraceFormat, fail: Fail): void {
  for (const [key, value] of Object.entries(options)) {
    if (!KEYS.includes(key)) fail(`${key}: unknown option; expected one of ${KEYS.join(', ')}`);
    const only = ONLY_FOR[key];
    if (only && value !== undefined && !only.includes(format)) fail(`${key}: applies only to ${only.join(', ')}, not ${format}`);
  }
}

function checkWindow(win: TraceWindow, fail: Fail): { startS: number; endS: number } {
  onlyKeys('window', win, ['startS', 'endS'], fail);
  const startS = win.startS ?? 0;
  const endS = win.endS ?? Infinity;
  if (typeof startS !== 'number' || !Number.isFinite(startS) || startS < 0) fail(`window.startS: expected a number >= 0, got ${String(startS)}`);
  if (typeof endS !== 'number' || Number.isNaN(endS) || endS <= startS) fail(`window.endS: expected a number > window.startS (${startS}), got ${String(endS)}`);
  return { startS, endS };
}

/** Nested objects are strict too: `window: { start: 5 }` must not silently mean "whole trace". */
function onlyKeys(name: string, obj: object, allowed: readonly string[], fail: Fail): void {
  if (typeof obj !== 'object' || obj === null) fail(`${name}: expected an object`);
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(`${name}.${k}: unknown key; expected ${allowed.join(', ')}`);
}

function positive(name: string, v: unknown, dflt: number, fail: Fail): number {
  if (v === undefined) return dflt;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fail(`${name}: expected a finite number > 0, got ${String(v)}`);
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[], dflt: T, fail: Fail): T {
  if (v === undefined) return dflt;
  return allowed.includes(v as T) ? (v as T) : fail(`${name}: expected ${allowed.join(' or ')}, got ${String(v)}`);
}

function checkModelMap(spec: ModelMapSpec, fail: Fail): ModelMapSpec {
  const count = (name: string, v: unknown): void => {
    if (!Number.isSafeInteger(v) || (v as number) < 1) fail(`modelMap.${name}: expected an integer >= 1, got ${String(v)}`);
  };
  switch (spec.kind) {
    case 'hash':
      onlyKeys('modelMap', spec, ['kind', 'models', 'prefix'], fail);
      count('models', spec.models);
      if (spec.prefix !== undefined && typeof spec.prefix !== 'string') fail('modelMap.prefix: expected a string');
      return spec;
    case 'top':
      onlyKeys('modelMap', spec, ['kind', 'n', 'rest'], fail);
      count('n', spec.n);
      if (spec.rest !== undefined && spec.rest !== 'other' && spec.rest !== 'drop') fail(`modelMap.rest: expected other or drop`);
      return spec;
    case 'map':
      onlyKeys('modelMap', spec, ['kind', 'map', 'unmapped'], fail);
      if (typeof spec.map !== 'object' || spec.map === null) fail('modelMap.map: expected an object of name -> name');
      for (const [k, v] of Object.entries(spec.map)) if (typeof v !== 'string' || v === '') fail(`modelMap.map.${k}: expected a non-empty model name`);
      if (spec.unmapped !== undefined && spec.unmapped !== 'keep' && spec.unmapped !== 'drop') fail(`modelMap.unmapped: expected keep or drop`);
      return spec;
    default:
      return fail(`modelMap.kind: expected hash, top or map, got ${String((spec as { kind?: unknown }).kind)}`);
  }
}
