/**
 * `pilotlight loadtest`: drive a gateway with a traffic curve (the same
 * files the k6 scripts read), then print a summary and optionally write an
 * HTML report. Progress goes to stderr, and only when it is a terminal, so
 * `--json > out.json` stays clean in CI.
 */
import { writeFileSync } from 'node:fs';
import { CurveError, loadCurveFile } from '../loadtest/curve.js';
import { formatProgress, formatSummary } from '../loadtest/format.js';
import { renderHtmlReport } from '../loadtest/report-html.js';
import { DEFAULT_MAX_IN_FLIGHT, runLoadtest } from '../loadtest/runner.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

const SYNOPSIS =
  'loadtest --curve FILE --target URL [--model M] [--time-scale X] [--admin URL] [--html report.html] [--json] [--seed N] [--max-in-flight N]';

function numberArg(name: string, v: string | undefined, dflt: number, check: (n: number) => boolean, what: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${v}"`);
  return n;
}

export async function loadtestCommand(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs(
    argv,
    {
      curve: { type: 'string' },
      target: { type: 'string' },
      model: { type: 'string' },
      'time-scale': { type: 'string' },
      admin: { type: 'string' },
      html: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      'max-in-flight': { type: 'string' },
    },
    SYNOPSIS,
  );
  if (typeof v.curve !== 'string') throw new UsageError(`loadtest needs --curve FILE\nusage: pilotlight ${SYNOPSIS}`);
  if (typeof v.target !== 'string') throw new UsageError(`loadtest needs --target URL (the gateway, e.g. http://127.0.0.1:8080)\nusage: pilotlight ${SYNOPSIS}`);
  const timeScale = numberArg('time-scale', v['time-scale'], 1, (n) => n > 0, 'a number above 0 (0.01 = 100x faster)');
  const seed = numberArg('seed', v.seed, 1, Number.isSafeInteger, 'an integer');
  const maxInFlight = numberArg('max-in-flight', v['max-in-flight'], DEFAULT_MAX_IN_FLIGHT, (n) => Number.isInteger(n) && n > 0, 'a positive integer');

  let curve;
  try {
    curve = loadCurveFile(v.curve);
  } catch (err) {
    if (err instanceof CurveError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const tty = process.stderr.isTTY === true;
  const run = await runLoadtest({
    curve,
    target: v.target,
    timeScale,
    seed,
    maxInFlight,
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(v.admin !== undefined ? { adminUrl: v.admin } : {}),
    ...(tty ? { onProgress: (p) => process.stderr.write(`\r${formatProgress(p)}\x1b[K`) } : {}),
  });
  if (tty) process.stderr.write('\n');
  if (v.html !== undefined) {
    writeFileSync(v.html, renderHtmlReport(run));
    if (!v.json) process.stderr.write(`report: ${v.html}\n`);
  }
  process.stdout.write(v.json ? `${JSON.stringify(run.summary, null, 2)}\n` : formatSummary(run.summary));
  return 0;
}
