/**
 * Cron day matching. Vixie cron (entry.c) marks a day field unrestricted
 * (DOM_STAR / DOW_STAR) when it starts with `*`, so `*` and `*\/2` alike; when
 * either day field is unrestricted both must match, else either may
 * (cron.c: `(DOM_STAR || DOW_STAR) ? dow && dom : dow || dom`).
 */
import { describe, expect, it } from 'vitest';
import { cronMatches, parseCron } from '../../../src/core/cron.js';

// March 2026: the 1st is a Sunday, the 2nd a Monday. April 1 2026 is a Wednesday.

describe('parseCron day fields', () => {
  it.each([
    ['0 0 * * *', true, true],
    ['0 0 */2 * 1', true, false],
    ['0 0 1 * */2', false, true],
    ['0 0 *,15 * 1-5', true, false],
    ['0 0 1-31/2 * 1', false, false],
    ['0 0 1,15 * 1', false, false],
  ])('%s: day-of-month unrestricted %s, day-of-week unrestricted %s', (expr, domStar, dowStar) => {
    const c = parseCron(expr);
    expect([c.domStar, c.dowStar]).toEqual([domStar, dowStar]);
  });
});

describe('cronMatches: day-of-month and day-of-week', () => {
  it.each([
    // A field starting with * is unrestricted: both day fields must match.
    ['0 0 */2 * 1', '2026-03-09', true, 'odd day and Monday'],
    ['0 0 */2 * 1', '2026-03-02', false, 'Monday, but an even day'],
    ['0 0 */2 * 1', '2026-03-03', false, 'odd day, but a Tuesday'],
    ['0 0 1 * */2', '2026-03-01', true, 'the 1st and a Sunday (0)'],
    ['0 0 1 * */2', '2026-04-01', false, 'the 1st, but a Wednesday (3)'],
    ['0 0 1 * */2', '2026-03-03', false, 'a Tuesday (2), but the 3rd'],
    ['0 0 * * 1', '2026-03-02', true, 'Monday'],
    ['0 0 * * 1', '2026-03-03', false, 'Tuesday'],
    // Both restricted (a step over a range is a restriction): either may match.
    ['0 0 1,15 * 1', '2026-03-02', true, 'Monday, not the 1st or 15th'],
    ['0 0 1,15 * 1', '2026-03-15', true, 'the 15th, a Sunday'],
    ['0 0 1,15 * 1', '2026-03-03', false, 'neither'],
    ['0 0 1-31/2 * 1', '2026-03-02', true, 'Monday, an even day'],
    ['0 0 1-31/2 * 1', '2026-03-03', true, 'odd day, a Tuesday'],
    ['0 0 1-31/2 * 1', '2026-03-04', false, 'neither'],
  ])('%s on %s: %s (%s)', (expr, date, want) => {
    expect(cronMatches(parseCron(expr), Date.parse(`${date}T00:00:00Z`), 'UTC')).toBe(want);
  });
});
