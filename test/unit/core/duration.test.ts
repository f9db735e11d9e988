import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSize } from '../../../src/core/duration.js';

describe('durations and sizes', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['0s', 0],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '5 minutes', 'm5', '-1s', '1x'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it.each([
    [90_000, '1m30s'],
    [1500, '1.5s'],
    [3_600_000, '1h'],
    [250, '250ms'],
    [0, '0s'],
  ])('formats %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    ['4MiB', 4 * 1024 * 1024],
    ['512kb', 512_000],
    ['100', 100],
    ['1GiB', 1024 ** 3],
  ])('parses size %s', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});
