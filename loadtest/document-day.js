// @ts-check
/**
 * The bursty document-processing day (1000 requests at 9:00, 50 at 14:00, 2000 at 17:00). Each burst is its own constant-arrival-rate scenario (burst_0, burst_1, burst_2), so k6's end-of-test summary and tags split results by burst.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TIME_SCALE=0.001 loadtest/document-day.js
 *
 * Traffic comes from curves/document-day.json (override with -e CURVE=...); the
 * environment variables are listed in lib/k6-run.js and docs/loadtest.md.
 */
import { k6Options, loadTest, runIteration } from './lib/k6-run.js';

// open() must be called from the script itself so relative paths resolve here.
const test = loadTest('./curves/document-day.json', (path) => open(path));

export const options = k6Options(test);

export default function () {
  runIteration(test);
}
