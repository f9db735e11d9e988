/**
 * The time-of-day / day-of-week rate profile: how many requests per second a
 * model gets in each hour of the week, learned as an exponentially weighted
 * average across weeks (and across days, until two weeks are seen).
 *
 *   forecast(t) = rate[hour-of-week(t)]   once that hour was seen >= 2 times,
 *               = rate[hour-of-day(t)]    once that hour was seen >= 2 days,
 *               = undefined               before that.
 *
 * Each finished hour updates its bucket: r <- r + alpha * (observed - r),
 * alpha = 0.5 (the newest week counts half). Hours are UTC: what is learned is
 * a pattern relative to itself, so the time zone does not matter.
 *
 * Worked example: a model busy at 09:00 every weekday with 2 req/s and idle
 * otherwise: after two Mondays the Monday-09 bucket holds 2 req/s; at 08:57
 * with a 5 min lead the forecast for 09:02 is 2 req/s.
 */
const HOUR = 3_600_000;
const ALPHA = 0.5;
const MIN_SEEN = 2;

export interface RateProfile {
  /** rate (req/s) and times seen, per hour of week (168) and hour of day (24). */
  week: [number, number][];
  day: [number, number][];
  /** The hour being accumulated: its start (ms) and arrivals so far. */
  hourStart: number | null;
  hourArrivals: number;
}

export const emptyRateProfile = (): RateProfile => ({
  week: Array.from({ length: 168 }, () => [0, 0] as [number, number]),
  day: Array.from({ length: 24 }, () => [0, 0] as [number, number]),
  hourStart: null,
  hourArrivals: 0,
});

const hourOfWeek = (ms: number): number => {
  const d = new Date(ms);
  return d.getUTCDay() * 24 + d.getUTCHours();
};

/** Adds arrivals seen at `nowMs`; closes finished hours. Returns a new profile. */
export function observeArrivals(p: RateProfile, nowMs: number, arrivals: number): RateProfile {
  const hour = Math.floor(nowMs / HOUR) * HOUR;
  if (p.hourStart === null) return { ...p, hourStart: hour, hourArrivals: arrivals };
  if (hour === p.hourStart) return { ...p, hourArrivals: p.hourArrivals + arrivals };
  const week = p.week.map((b) => [b[0], b[1]] as [number, number]);
  const day = p.day.map((b) => [b[0], b[1]] as [number, number]);
  // Close the finished hour, and every silent hour between it and now (rate 0).
  for (let h = p.hourStart, first = true; h < hour; h += HOUR, first = false) {
    const rate = first ? p.hourArrivals / 3600 : 0;
    update(week[hourOfWeek(h)], rate);
    update(day[new Date(h).getUTCHours()], rate);
    if (hour - h > 8 * 24 * HOUR) break; // a long outage: a week of zeros is enough
  }
  return { week, day, hourStart: hour, hourArrivals: arrivals };
}

function update(b: [number, number] | undefined, rate: number): void {
  if (!b) return;
  b[0] = b[1] === 0 ? rate : b[0] + ALPHA * (rate - b[0]);
  b[1]++;
}

/** Forecast arrival rate (req/s) at time t, or undefined while too little is known. */
export function forecastRate(p: RateProfile, t: number): number | undefined {
  const w = p.week[hourOfWeek(t)];
  if (w && w[1] >= MIN_SEEN) return w[0];
  const d = p.day[new Date(t).getUTCHours()];
  if (d && d[1] >= MIN_SEEN) return d[0];
  return undefined;
}
