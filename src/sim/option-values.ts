/**
 * Parsers for the values `pilotlight simulate` takes on its command line.
 * Each throws an Error whose message says what was expected; the CLI turns
 * it into a usage error (exit 2).
 */
import { parseDuration } from '../core/duration.js';
import type { ModelMapSpec, TraceWindow } from './traces/index.js';
import type { ServiceSpec } from './world.js';

function fail(flag: string, expected: string, got: string): never {
  throw new Error(`${flag}: expected ${expected}, got "${got}"`);
}

export function durationMs(flag: string, text: string): number {
  const ms = parseDuration(text.trim());
  if (ms === undefined) fail(flag, 'a duration such as "500ms", "30s" or "2m"', text);
  return ms;
}

/** "1s", "0.2s+0.03s/token", "30ms/token" -> service spec. */
export function serviceSpec(text: string): ServiceSpec {
  let fixedMs = 0;
  let perOutputTokenMs = 0;
  const parts = text.split('+').map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => p === '')) fail('--service', 'a time, a per-token time, or both: "1s", "30ms/token", "0.2s+0.03s/token"', text);
  for (const part of parts) {
    const perToken = part.endsWith('/token');
    const ms = parseDuration(perToken ? part.slice(0, -'/token'.length) : part);
    if (ms === undefined) fail('--service', 'a time, a per-token time, or both: "1s", "30ms/token", "0.2s+0.03s/token"', text);
    if (perToken) perOutputTokenMs += ms;
    else fixedMs += ms;
  }
  return { fixedMs, perOutputTokenMs };
}

/** "10m-2h", "0-2h", "30m-" (and "-2h", written --window=-2h): a window of the source trace, in seconds. */
export function traceWindow(text: string): TraceWindow {
  const m = /^([^-]*)-([^-]*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) fail('--window', 'START-END as durations from the trace start, e.g. "10m-2h", "0-1h" or "30m-"', text);
  const out: TraceWindow = {};
  const seconds = (part: string): number => (part.trim() === '0' ? 0 : durationMs('--window', part) / 1000);
  if (m[1]) out.startS = seconds(m[1]);
  if (m[2]) out.endS = seconds(m[2]);
  return out;
}

/** "hash:8", "top:20", "top:20:drop" -> a trace model map. */
export function modelMap(text: string): ModelMapSpec {
  const [kind, n, rest, ...extra] = text.trim().split(':');
  const count = Number(n);
  const ok = Number.isInteger(count) && count > 0 && extra.length === 0;
  if (ok && kind === 'hash' && rest === undefined) return { kind: 'hash', models: count };
  if (ok && kind === 'top' && (rest === undefined || rest === 'other' || rest === 'drop')) return rest ? { kind: 'top', n: count, rest } : { kind: 'top', n: count };
  return fail('--model-map', '"hash:N" (N hash buckets) or "top:N[:other|:drop]" (the N busiest models)', text);
}

export function positiveNumber(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || text.trim() === '') fail(flag, 'a number > 0', text);
  return v;
}

export function nonNegativeNumber(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || text.trim() === '') fail(flag, 'a number >= 0', text);
  return v;
}

export function nonNegativeInt(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0 || text.trim() === '') fail(flag, 'a whole number >= 0', text);
  return v;
}

/** "$2.50", "2.5", "2.5/h" -> 2.5 (the unit is the flag's). */
export function price(flag: string, text: string): number {
  return nonNegativeNumber(flag, text.trim().replace(/^\$/, '').replace(/\/(h|s|gpu-?h|gpu-?s)$/i, ''));
}

/** Comma-separated policy names, duplicates removed, order kept. */
export function policyList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) fail('--policies', 'comma-separated policy names, e.g. "keepalive-60s,reactive"', text);
  return [...new Set(names)];
}
