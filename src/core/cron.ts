/**
 * 5-field cron expressions (minute hour day-of-month month day-of-week; lists,
 * ranges, steps, `*`; day-of-week 0 or 7 = Sunday; Vixie cron's rule that a
 * restricted day-of-month OR day-of-week matches, a day field that starts
 * with `*`, such as `*\/2`, counting as unrestricted) evaluated in an IANA time
 * zone with Intl. Pure: no clock is read.
 */
export interface CronFields {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** Parses a 5-field cron expression; throws with the offending field. */
export function parseCron(expr: string): CronFields {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const sets = parts.map((p, i) => parseField(p, RANGES[i] ?? [0, 0], expr));
  const dow = new Set([...(sets[4] ?? [])].map((d) => (d === 7 ? 0 : d)));
  return {
    minute: sets[0] ?? new Set(),
    hour: sets[1] ?? new Set(),
    dom: sets[2] ?? new Set(),
    month: sets[3] ?? new Set(),
    dow,
    // Vixie cron (entry.c) calls a day field unrestricted when it starts with
    // `*`: "*/2" in day-of-week still leaves day-of-month in charge.
    domStar: parts[2]?.startsWith('*') ?? false,
    dowStar: parts[4]?.startsWith('*') ?? false,
  };
}

function parseField(field: string, [lo, hi]: [number, number], expr: string): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`cron "${expr}": cannot read "${item}"`);
    const step = m[4] ? Number(m[4]) : 1;
    const from = m[1] === '*' ? lo : Number(m[2]);
    const to = m[1] === '*' ? hi : m[3] ? Number(m[3]) : m[4] ? hi : from;
    if (from < lo || to > hi || from > to || step < 1) throw new Error(`cron "${expr}": "${item}" is outside ${lo}-${hi}`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a time zone. */
function wallClock(ms: number, timezone: string): { minute: number; hour: number; dom: number; month: number; dow: number } {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', weekday: 'short', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timezone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const dow = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
  return { minute: Number(parts.minute), hour: Number(parts.hour), dom: Number(parts.day), month: Number(parts.month), dow };
}

const matchCache = new Map<string, boolean>();

export function cronMatches(c: CronFields, ms: number, timezone: string): boolean {
  const key = `${timezone}|${ms}|${[...c.minute].join()}|${[...c.hour].join()}|${[...c.dom].join()}|${[...c.month].join()}|${[...c.dow].join()}|${c.domStar}|${c.dowStar}`;
  const hit = matchCache.get(key);
  if (hit !== undefined) return hit;
  const r = matchUncached(c, ms, timezone);
  if (matchCache.size > 50_000) matchCache.clear();
  matchCache.set(key, r);
  return r;
}

function matchUncached(c: CronFields, ms: number, timezone: string): boolean {
  const w = wallClock(ms, timezone);
  if (!c.minute.has(w.minute) || !c.hour.has(w.hour) || !c.month.has(w.month)) return false;
  // Vixie cron: when both day fields are restricted (neither starts with `*`), either may match.
  const domOk = c.dom.has(w.dom);
  const dowOk = c.dow.has(w.dow);
  if (c.domStar || c.dowStar) return domOk && dowOk;
  return domOk || dowOk;
}


/** Throws if the time zone is not one Intl knows. */
export function checkTimezone(timezone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: timezone });
}
