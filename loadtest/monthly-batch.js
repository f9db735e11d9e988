// @ts-check
/**
 * The month-end batch spike: a trickle all day, then a reporting job ramping to 10 requests/s and back (ramping-arrival-rate scenarios segment_0..segment_3).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TIME_SCALE=0.001 loadtest/monthly-batch.js
 *
 * Traffic comes from curves/monthly-batch.json (override with -e CURVE=...); the
 * environment variables are listed in lib/k6-run.js and docs/loadtest.md.
 */
import { k6Options, loadTest, runIteration } from './lib/k6-run.js';

// open() must be called from the script itself so relative paths resolve here.
const test = loadTest('./curves/monthly-batch.json', (path) => open(path));

export const options = k6Options(test);

export default function () {
  runIteration(test);
}
