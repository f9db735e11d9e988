/**
 * Explicit warm-up windows for known events: "every weekday at 08:45 in
 * Europe/Paris, hold at least 2 replicas for 9 hours". A window is a 5-field
 * cron expression (minute hour day-of-month month day-of-week; lists, ranges,
 * steps and `*`) giving its start, a duration, a replica floor and a time zone.
 * The floor applies from `lead` before each start (so replicas are warm at
 * the start, not starting) until start + duration.
 *
 * Worked example: cron "45 8 * * 1-5", duration 9h, tz Europe/Paris, lead 5m:
 * on Monday 2026-03-02 the floor holds from 08:40 to 17:45 Paris time.
 * Pure: the time zone is resolved with Intl, no clock is read.
 */
import { cronMatches, parseCron, type CronFields } from '../../core/cron.js';
export interface WarmupWindow {
  cron: string;
  durationMs: number;
  minReplicas: number;
  timezone: string;
}

/** The replica floor that explicit windows demand at `nowMs` (warm `leadMs` early). */
export function scheduleFloor(windows: readonly WarmupWindow[], nowMs: number, leadMs: number): number {
  let floor = 0;
  for (const w of windows) {
    if (w.minReplicas <= floor) continue;
    if (activeWindowStart(w, nowMs, leadMs) !== undefined) floor = w.minReplicas;
  }
  return floor;
}

const MINUTE = 60_000;

const active = new Map<string, number | undefined>();

/**
 * The start of the window covering now (looking back over its duration), if
 * any. Cost note: the answer only changes at minute boundaries, so it is
 * memoised per minute; a new minute scans at most duration/1 min starts.
 */
function activeWindowStart(w: WarmupWindow, nowMs: number, leadMs: number): number | undefined {
  const latest = Math.floor((nowMs + leadMs) / MINUTE) * MINUTE;
  const key = `${w.cron}|${w.timezone}|${w.durationMs}|${leadMs}|${latest}`;
  if (active.has(key)) {
    const start = active.get(key);
    return start !== undefined && start + w.durationMs > nowMs ? start : undefined;
  }
  const c = parseCronCached(w.cron);
  let found: number | undefined;
  for (let t = latest; t > latest - w.durationMs - leadMs; t -= MINUTE) {
    if (cronMatches(c, t, w.timezone)) {
      found = t;
      break;
    }
  }
  if (active.size > 10_000) active.clear();
  active.set(key, found);
  return found !== undefined && found + w.durationMs > nowMs ? found : undefined;
}

const parsed = new Map<string, CronFields>();
function parseCronCached(expr: string): CronFields {
  let c = parsed.get(expr);
  if (!c) {
    c = parseCron(expr);
    parsed.set(expr, c);
  }
  return c;
}

/** When the floor could next change (the next minute boundary), for event-driven callers. */
export function nextScheduleCheck(windows: readonly WarmupWindow[], nowMs: number): number {
  return windows.length === 0 ? Infinity : Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
}
